/* arg_spec: -A, -R and --error texts parsed (see arg_spec.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg_spec.h"

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* "8", "16", "32", "64" at p, to its end: the width; 0: none of them. */
static int parse_bits(const char *p)
{
	static const char *const widths[] = { "8", "16", "32", "64" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (!strcmp(p, widths[i]))
			return 8 << i;
	return 0;
}

/* A format after '/': d i u x s c p, iN uN xN. No format: /d. */
static int parse_format(const char *fmt, struct arg_item *it, char *err, size_t len)
{
	it->bits = 64;
	if (!fmt || !*fmt) {
		it->kind = ARG_SIGNED;
		return 0;
	}
	switch (fmt[0]) {
	case 'd': case 'i': it->kind = ARG_SIGNED; break;
	case 'u': it->kind = ARG_UNSIGNED; break;
	case 'x': it->kind = ARG_HEX; break;
	case 's': it->kind = ARG_STRING; break;
	case 'c': it->kind = ARG_CHAR; it->bits = 8; break;
	case 'p': it->kind = ARG_POINTER; break;
	case 'f':
		return fail(err, len, "format '/%s': floating-point registers are not captured "
			    "(the kernel gives uprobes no SSE registers)", fmt);
	default:
		return fail(err, len, "unknown format '/%s' (d, i, u, x, s, c, p, i8..i64, u8..u64, x8..x64)", fmt);
	}
	if (!fmt[1])
		return 0;
	if ((it->kind == ARG_SIGNED || it->kind == ARG_UNSIGNED || it->kind == ARG_HEX) &&
	    (it->bits = (uint8_t)parse_bits(fmt + 1)))
		return 0;
	return fail(err, len, "unknown format '/%s' (d, i, u, x, s, c, p, i8..i64, u8..u64, x8..x64)", fmt);
}

/* "argN" or "retval" before any '/'. */
static int parse_position(const char *name, size_t n, bool retval, struct arg_item *it, char *err,
			  size_t len)
{
	if (n == 6 && !strncmp(name, "retval", 6)) {
		if (!retval)
			return fail(err, len, "'retval' goes in -R FUNC@retval, not -A");
		it->position = 0;
		return 0;
	}
	if (retval)
		return fail(err, len, "-R takes 'retval' (FUNC@retval/FMT), not '%.*s'", (int)n, name);
	if (n == 4 && !strncmp(name, "arg", 3) && name[3] >= '1' && name[3] <= '0' + ARG_MAX_REGS) {
		it->position = (uint8_t)(name[3] - '0');
		return 0;
	}
	if (n >= 4 && !strncmp(name, "arg", 3) && strspn(name + 3, "0123456789") == n - 3)
		return fail(err, len, "'%.*s': only the first %d integer arguments (in registers) are "
			    "captured, not those on the stack", (int)n, name, ARG_MAX_REGS);
	if (n >= 6 && !strncmp(name, "fparg", 5))
		return fail(err, len, "'%.*s': floating-point registers are not captured (the kernel "
			    "gives uprobes no SSE registers)", (int)n, name);
	return fail(err, len, "unknown argument '%.*s' (arg1..arg%d%s)", (int)n, name, ARG_MAX_REGS,
		    retval ? ", retval" : "");
}

static int parse_item(const char *text, size_t n, bool retval, struct arg_item *it, char *err,
		      size_t len)
{
	char fmt[16] = "";
	size_t name_len = strcspn(text, "/");

	if (name_len > n)
		name_len = n;
	if (name_len < n) {
		if (n - name_len - 1 >= sizeof(fmt))
			return fail(err, len, "unknown format '/%.*s'", (int)(n - name_len - 1),
				    text + name_len + 1);
		memcpy(fmt, text + name_len + 1, n - name_len - 1);
		fmt[n - name_len - 1] = '\0';
		if (!fmt[0])
			return fail(err, len, "'%.*s': a format after '/' (d, u, x, s, ...)", (int)n, text);
	}
	if (parse_position(text, name_len, retval, it, err, len))
		return -1;
	return parse_format(fmt, it, err, len);
}

static bool has_position(const struct arg_spec *s, uint8_t position)
{
	size_t i;

	for (i = 0; i < s->nitems; i++)
		if (s->items[i].position == position)
			return true;
	return false;
}

int arg_spec__parse(const char *text, bool retval, struct arg_spec *out, char *err, size_t errlen)
{
	const char *at = strrchr(text, '@'), *p;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!at || at == text || !at[1])
		return fail(err, errlen, "'%s': expected FUNC@%s", text,
			    retval ? "retval[/FMT]" : "arg1[/FMT][,arg2...]");
	for (p = at + 1;; p += n + 1) {
		struct arg_item it;

		n = strcspn(p, ",");
		if (!n)
			return fail(err, errlen, "'%s': an empty item", text);
		if (parse_item(p, n, retval, &it, err, errlen))
			return -1;
		if (has_position(out, it.position))
			return fail(err, errlen, "'%s': '%.*s' is given twice", text, (int)n, p);
		out->items[out->nitems++] = it; /* positions are distinct: at most 7 */
		if (!p[n])
			break;
	}
	out->pattern = strndup(text, (size_t)(at - text));
	if (!out->pattern)
		return fail(err, errlen, "out of memory");
	return 0;
}

void arg_spec__free(struct arg_spec *s)
{
	free(s->pattern);
	s->pattern = NULL;
}

const char *arg_item__format(const struct arg_item *it, char *buf, size_t len)
{
	static const char kinds[] = "iuxpcs";

	if (it->kind == ARG_STRING || it->kind == ARG_CHAR || it->kind == ARG_POINTER || it->bits == 64 || !it->bits)
		snprintf(buf, len, "%c", it->kind == ARG_SIGNED ? 'd' : it->kind == ARG_HEX ? 'x'
					 : kinds[it->kind]);
	else
		snprintf(buf, len, "%c%d", kinds[it->kind], it->bits);
	return buf;
}

int64_t arg_item__extend(const struct arg_item *it, uint64_t raw)
{
	unsigned shift = it->bits >= 64 ? 0 : 64u - it->bits;

	if (!shift)
		return (int64_t)raw;
	if (it->kind == ARG_SIGNED)
		return (int64_t)(raw << shift) >> shift;
	return (int64_t)((raw << shift) >> shift);
}

/* ---- --error rules ---- */

static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=" };

/* The operator at p: its length, and *op; 0: none. Two-character ones first. */
static size_t parse_op(const char *p, int *op)
{
	static const int order[] = { RULE_EQ, RULE_NE, RULE_LE, RULE_GE, RULE_LT, RULE_GT };
	size_t i, n;

	for (i = 0; i < 6; i++) {
		n = strlen(op_names[order[i]]);
		if (!strncmp(p, op_names[order[i]], n)) {
			*op = order[i];
			return n;
		}
	}
	return 0;
}

int error_rule__parse(const char *text, struct error_rule *out, char *err, size_t errlen)
{
	const char *colon = strrchr(text, ':'), *p;
	char *end;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == text || strncmp(colon + 1, "ret", 3))
		return fail(err, errlen, "'%s': expected FUNC:ret<0 (or ==, !=, <=, >, >= and a number)", text);
	p = colon + 4;
	n = parse_op(p, &out->op);
	if (!n)
		return fail(err, errlen, "'%s': expected an operator after 'ret' (==, !=, <, <=, >, >=)", text);
	p += n;
	errno = 0;
	out->value = strtoll(p, &end, 0);
	if (!*p || *end || errno || *p == ' ')
		return fail(err, errlen, "'%s': '%s' is not a number", text, p);
	out->pattern = strndup(text, (size_t)(colon - text));
	if (!out->pattern)
		return fail(err, errlen, "out of memory");
	return 0;
}

void error_rule__free(struct error_rule *r)
{
	free(r->pattern);
	r->pattern = NULL;
}

bool error_rule__matches(const struct error_rule *r, int64_t ret)
{
	switch (r->op) {
	case RULE_EQ: return ret == r->value;
	case RULE_NE: return ret != r->value;
	case RULE_LT: return ret < r->value;
	case RULE_LE: return ret <= r->value;
	case RULE_GT: return ret > r->value;
	case RULE_ERRNO_RANGE: return ret >= -4095 && ret <= -1;
	default: return ret >= r->value;
	}
}

const char *error_rule__text(const struct error_rule *r, char *buf, size_t len)
{
	if (r->op == RULE_ERRNO_RANGE)
		snprintf(buf, len, "ret in -4095..-1");
	else
		snprintf(buf, len, "ret%s%lld", op_names[r->op], (long long)r->value);
	return buf;
}
