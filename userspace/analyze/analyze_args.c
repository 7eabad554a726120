/* analyze_args: stored call values shown (see analyze_args.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_args.h"
#include "core/arg_spec.h"
#include "core/arg_type.h"
#include "core/log.h"
#include "core/utf8.h"
#include "store/span_writer.h"

static bool is_hex(const char *type)
{
	return type[0] == 'x' || type[0] == 'p';
}

/* A string quoted, with ", \ and control bytes escaped, invalid UTF-8 as \xHH. */
static void quote(const char *s, size_t n, char *buf, size_t len)
{
	size_t i = 0, k, o = 0;
	uint32_t cp;

	if (len < 8)
		return;
	buf[o++] = '"';
	while (i < n && o + 8 < len) {
		k = utf8__decode((const unsigned char *)s + i, n - i, &cp);
		if (cp == UTF8_INVALID || cp < 0x20 || cp == 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			buf[o++] = '\\';
		memcpy(buf + o, s + i, k);
		o += k;
		i += k;
	}
	if (i < n)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o++] = '"';
	buf[o] = '\0';
}

void args_out__value(const struct stored_arg *a, char *buf, size_t len)
{
	const struct arg_value *v = &a->value;

	switch (v->type) {
	case ARG_VALUE_NULL:
		snprintf(buf, len, "(unreadable)");
		return;
	case ARG_VALUE_TEXT:
	case ARG_VALUE_BLOB:
		quote(v->bytes, v->len, buf, len);
		return;
	}
	if (arg_type__value_name(a->type, v->i, buf, len))
		return; /* an enum's value by its enumerator */
	if (a->type[0] == 's' && !v->i)
		snprintf(buf, len, "NULL");
	else if (a->type[0] == 'c' && v->i >= 0x20 && v->i < 0x7f)
		snprintf(buf, len, "'%c'", (char)v->i);
	else if (is_hex(a->type))
		snprintf(buf, len, "%#" PRIx64, (uint64_t)v->i);
	else if (a->type[0] == 'u')
		snprintf(buf, len, "%" PRIu64, (uint64_t)v->i);
	else
		snprintf(buf, len, "%" PRId64, v->i);
}

struct text_ctx {
	FILE *out;
	char ret[1100], err[32];
};

static int text_one(void *ctx, const struct stored_arg *a)
{
	struct text_ctx *t = ctx;
	char buf[1100];

	args_out__value(a, buf, sizeof(buf));
	if (a->position == ARG_POS_NAME)
		fprintf(t->out, "  [%.*s]", (int)a->value.len, a->value.bytes ? a->value.bytes : "");
	else if (a->position == ARG_POS_ERRNO)
		snprintf(t->err, sizeof(t->err), " (errno %.20s)", buf);
	else if (a->position == ARG_POS_RETVAL)
		snprintf(t->ret, sizeof(t->ret), "%s", buf);
	else
		fprintf(t->out, "  %s=%s", a->name, buf);
	return 0;
}

int args_out__text(FILE *out, struct arg_reader *r, int64_t span_id)
{
	struct text_ctx t = { .out = out };
	int err = arg_reader__span(r, span_id, text_one, &t);

	if (t.ret[0])
		fprintf(out, "  => %s%s", t.ret, t.err);
	return err;
}

static void json_value(struct jsonw *w, const struct stored_arg *a)
{
	char buf[64];

	switch (a->value.type) {
	case ARG_VALUE_NULL:
		jsonw__null(w);
		break;
	case ARG_VALUE_INT:
		if (is_hex(a->type)) {
			snprintf(buf, sizeof(buf), "%#" PRIx64, (uint64_t)a->value.i);
			jsonw__string(w, buf);
		} else if (a->type[0] == 'u') {
			jsonw__uint(w, (uint64_t)a->value.i);
		} else {
			jsonw__int(w, a->value.i);
		}
		break;
	default: {
		/* jsonw repairs invalid UTF-8; the bytes need a terminated copy */
		char copy[1100];
		size_t n = a->value.len < sizeof(copy) - 1 ? a->value.len : sizeof(copy) - 1;

		if (n)
			memcpy(copy, a->value.bytes, n);
		copy[n] = '\0';
		jsonw__string(w, copy);
	}
	}
}

struct json_ctx {
	struct jsonw *w;
	bool open; /* the args array is begun */
};

static int json_one(void *ctx, const struct stored_arg *a)
{
	struct json_ctx *j = ctx;
	char name[512];

	if (a->position <= 0) {
		if (j->open) {
			jsonw__end_array(j->w);
			j->open = false;
		}
		jsonw__key(j->w, a->position == ARG_POS_ERRNO ? "errno" : a->position == ARG_POS_NAME ? "name" : "retval");
		json_value(j->w, a);
		return 0;
	}
	if (!j->open) {
		jsonw__key(j->w, "args");
		jsonw__begin_array(j->w);
		j->open = true;
	}
	jsonw__begin_object(j->w);
	jsonw__kv_int(j->w, "position", a->position);
	jsonw__kv_string(j->w, "name", a->name);
	jsonw__kv_string(j->w, "type", a->type);
	jsonw__key(j->w, "value");
	json_value(j->w, a);
	if (a->value.type == ARG_VALUE_INT && arg_type__value_name(a->type, a->value.i, name, sizeof(name)))
		jsonw__kv_string(j->w, "enumerator", name);
	jsonw__end_object(j->w);
	return 0;
}

int args_out__json(struct jsonw *w, struct arg_reader *r, int64_t span_id)
{
	struct json_ctx j = { .w = w };
	int err = arg_reader__span(r, span_id, json_one, &j);

	if (j.open)
		jsonw__end_array(w);
	return err;
}

int call_status__check(const char *status)
{
	static const char *const names[] = { "ok", "error", "incomplete", "no_return_probe", "lost" };
	size_t i;

	for (i = 0; status && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(status, names[i]))
			return 0;
	if (!status)
		return 0;
	ferr("--status: '%s' is not ok, error, incomplete, no_return_probe or lost", status);
	return -1;
}

int call_where__parse(const char *text, struct call_where *out)
{
	/* the rule parser takes "X:retOPV": the name goes where "ret" would */
	size_t n = strcspn(text, "=!<>");
	char rule[512], err[256], *end;
	struct error_rule r;
	const char *value;

	memset(out, 0, sizeof(*out));
	if (!n || n >= sizeof(out->name) || !text[n]) {
		ferr("--where '%s': expected NAME OP VALUE (arg1==42, ret<0, arg1==\"ana\")", text);
		return -1;
	}
	memcpy(out->name, text, n);
	out->name[n] = '\0';
	value = text + n + strspn(text + n, "=!<>");
	snprintf(rule, sizeof(rule), "x:ret%.*s0", (int)(value - text - n), text + n);
	if (error_rule__parse(rule, &r, err, sizeof(err))) {
		ferr("--where '%s': expected an operator (==, !=, <, <=, >, >=)", text);
		return -1;
	}
	out->op = r.op;
	error_rule__free(&r);
	errno = 0;
	out->number = strtoll(value, &end, 0);
	if (*value && !*end && !errno)
		return 0;
	out->is_text = true;
	n = strlen(value);
	if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
		value++;
		n -= 2;
	}
	snprintf(out->text, sizeof(out->text), "%.*s", (int)n, value);
	if (out->op != RULE_EQ && out->op != RULE_NE) {
		ferr("--where '%s': a string compares with == or != only", text);
		return -1;
	}
	return 0;
}

struct where_ctx {
	const struct call_where *w;
	bool found, match;
};

static bool names_value(const struct call_where *w, const struct stored_arg *a)
{
	char argn[16];

	snprintf(argn, sizeof(argn), "arg%d", a->position);
	return !strcmp(w->name, a->name) || (a->position > 0 && !strcmp(w->name, argn)) ||
	       (a->position == ARG_POS_RETVAL && !strcmp(w->name, "ret"));
}

static int where_one(void *ctx, const struct stored_arg *a)
{
	struct where_ctx *c = ctx;
	const struct call_where *w = c->w;
	struct error_rule rule = { .op = w->op, .value = w->number };
	char shown[512];
	bool eq;

	if (c->found || !names_value(w, a))
		return 0;
	c->found = true;
	if (!w->is_text) {
		c->match = a->value.type == ARG_VALUE_INT && error_rule__matches(&rule, a->value.i);
		return 0;
	}
	if (a->value.type == ARG_VALUE_INT) /* an enum's value by its enumerator: color==GREEN */
		eq = arg_type__value_name(a->type, a->value.i, shown, sizeof(shown)) && !strcmp(shown, w->text);
	else
		eq = (a->value.type == ARG_VALUE_TEXT || a->value.type == ARG_VALUE_BLOB) &&
		     a->value.len == strlen(w->text) && !memcmp(a->value.bytes, w->text, a->value.len);
	c->match = w->op == RULE_EQ ? eq : !eq;
	return 0;
}

bool call_where__matches(const struct call_where *w, struct arg_reader *r, int64_t span_id)
{
	struct where_ctx c = { .w = w };

	arg_reader__span(r, span_id, where_one, &c);
	return c.found && c.match;
}

int call_filter__init(struct call_filter *f, struct run_query *ss, const char *status, const char *where)
{
	memset(f, 0, sizeof(*f));
	f->status = status;
	f->on = status || where;
	if (!where)
		return 0;
	if (call_where__parse(where, &f->where))
		return -EIO;
	f->has_where = true;
	return (f->args = run_query__arg_reader(ss)) ? 0 : -EIO;
}

bool call_filter__passes(const struct call_filter *f, int64_t span_id, int status)
{
	if (f->status && strcmp(span_status__name(status), f->status))
		return false;
	return !f->has_where || call_where__matches(&f->where, f->args, span_id);
}

void call_filter__free(struct call_filter *f)
{
	arg_reader__free(f->args);
	f->args = NULL;
}
