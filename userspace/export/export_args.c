/* export_args: a call's stored values in Chrome's args and OTLP's attributes (export.h). */
#include <stdio.h>
#include <string.h>

#include "core/arg_type.h"
#include "export.h"

/* A value's text, NUL-terminated (jsonw repairs bytes that are not UTF-8). */
static const char *text_of(const struct arg_value *v, char *buf, size_t len)
{
	size_t n = v->len < len - 1 ? v->len : len - 1;

	memcpy(buf, v->bytes ? v->bytes : "", n);
	buf[n] = '\0';
	return buf;
}

static int chrome_one(void *ctx, const struct stored_arg *a)
{
	struct jsonw *w = ctx;
	char buf[512];

	jsonw__key(w, a->name);
	if (a->value.type == ARG_VALUE_INT && arg_type__value_name(a->type, a->value.i, buf, sizeof(buf)))
		jsonw__string(w, buf); /* an enum's value by its enumerator */
	else if (a->value.type == ARG_VALUE_INT)
		jsonw__int(w, a->value.i);
	else if (a->value.type == ARG_VALUE_NULL)
		jsonw__null(w);
	else
		jsonw__string(w, text_of(&a->value, buf, sizeof(buf)));
	return 0;
}

void export_args__chrome(struct jsonw *w, struct arg_reader *r, int64_t span_id)
{
	if (r)
		arg_reader__span(r, span_id, chrome_one, w);
}

struct otlp_ctx {
	struct jsonw *w;
	int64_t err_no;
};

static int otlp_one(void *ctx, const struct stored_arg *a)
{
	struct otlp_ctx *o = ctx;
	char key[64], buf[512];

	if (a->position == ARG_POS_ERRNO)
		o->err_no = a->value.i;
	if (a->position > 0)
		snprintf(key, sizeof(key), "code.function.args.%d", a->position);
	else
		snprintf(key, sizeof(key), "%s", a->position == ARG_POS_RETVAL ? "code.function.return_value"
					     : a->position == ARG_POS_ERRNO ? "ferret.errno" : "ferret.name");
	jsonw__begin_object(o->w);
	jsonw__kv_string(o->w, "key", key);
	jsonw__key(o->w, "value");
	jsonw__begin_object(o->w);
	if (a->value.type == ARG_VALUE_INT) {
		jsonw__key(o->w, "intValue");
		jsonw__int_string(o->w, a->value.i);
	} else {
		jsonw__kv_string(o->w, "stringValue",
				 a->value.type == ARG_VALUE_NULL ? "(unreadable)" : text_of(&a->value, buf, sizeof(buf)));
	}
	jsonw__end_object(o->w);
	jsonw__end_object(o->w);
	return 0;
}

void export_args__otlp(struct jsonw *w, struct arg_reader *r, int64_t span_id, int64_t *errno_out)
{
	struct otlp_ctx o = { .w = w };

	if (r)
		arg_reader__span(r, span_id, otlp_one, &o);
	*errno_out = o.err_no;
}
