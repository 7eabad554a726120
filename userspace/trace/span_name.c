/* span_name: --name templates (see span_name.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "core/log.h"
#include "span_name.h"

/* The position a placeholder names: argN, ret, or a DWARF name; -1: none. */
static int position_of(const char *name, size_t n, const struct func_capture *fc)
{
	int p;

	if (n == 3 && !strncmp(name, "ret", 3))
		return 0;
	if (n == 4 && !strncmp(name, "arg", 3) && name[3] >= '1' && name[3] <= '0' + ARG_MAX_REGS)
		return name[3] - '0';
	for (p = 1; fc && p <= ARG_MAX_REGS; p++)
		if (strlen(fc->names[p]) == n && !strncmp(fc->names[p], name, n))
			return p;
	return -1;
}

int span_name__positions(const char *tmpl, const struct func_capture *fc, const char *func_text)
{
	const char *p = tmpl, *end;
	int set = 0, pos;

	while ((p = strchr(p, '{'))) {
		end = strchr(p, '}');
		if (!end) {
			ferr("--name '%s': a '{' without its '}'", func_text);
			return -1;
		}
		pos = position_of(p + 1, (size_t)(end - p - 1), fc);
		if (pos < 0) {
			ferr("--name '%s': '%.*s' is not arg1..arg%d, ret or a parameter name DWARF gave "
			     "(-a)", func_text, (int)(end - p + 1), p, ARG_MAX_REGS);
			return -1;
		}
		set |= 1 << pos;
		p = end + 1;
	}
	return set;
}

/* A value as it goes into a name: a string as it is, numbers in decimal (hex for x, p). */
static size_t value_text(const struct arg_value *v, const struct arg_item *it, char *out, size_t len)
{
	switch (v->type) {
	case ARG_VALUE_TEXT:
	case ARG_VALUE_BLOB:
		return (size_t)snprintf(out, len, "%.*s", (int)v->len, v->bytes);
	case ARG_VALUE_INT:
		if (it && (it->kind == ARG_HEX || it->kind == ARG_POINTER))
			return (size_t)snprintf(out, len, "%#" PRIx64, (uint64_t)v->i);
		if (it && it->kind == ARG_UNSIGNED)
			return (size_t)snprintf(out, len, "%" PRIu64, (uint64_t)v->i);
		return (size_t)snprintf(out, len, "%" PRId64, v->i);
	default:
		return (size_t)snprintf(out, len, "?");
	}
}

static const struct arg_item *item_at(const struct func_capture *fc, int pos)
{
	size_t i;

	for (i = 0; i < fc->nitems; i++)
		if (fc->items[i].position == pos)
			return &fc->items[i];
	return NULL;
}

void span_name__render(const char *tmpl, const struct func_capture *fc,
		       const struct arg_value *const vals[], char *out, size_t len)
{
	const char *p = tmpl, *end;
	size_t o = 0, n;
	int pos;

	if (!len)
		return;
	out[0] = '\0';
	while (*p && o + 1 < len) {
		end = *p == '{' ? strchr(p, '}') : NULL;
		pos = end ? position_of(p + 1, (size_t)(end - p - 1), fc) : -1;
		if (pos < 0 || !vals[pos]) {
			n = end && pos >= 0 ? (size_t)(end - p + 1) : 1; /* kept as it is */
			n = n < len - 1 - o ? n : len - 1 - o;
			memcpy(out + o, p, n);
			o += n;
			p += n;
			continue;
		}
		n = value_text(vals[pos], item_at(fc, pos), out + o, len - o);
		o = o + n < len ? o + n : len - 1;
		p = end + 1;
	}
	out[o] = '\0';
}
