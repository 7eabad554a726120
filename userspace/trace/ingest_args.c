/* ingest_args: capture records into span_args (see ingest_args.h). */
#include <stdlib.h>
#include <string.h>

#include "bpf/events.h"
#include "core/utf8.h"
#include "core/util.h"
#include "ingest_args.h"
#include "span_name.h"

/* A call's --name waiting for its return value ({ret}). */
struct pending_name {
	int64_t span_id;
	uint32_t func_id;
	char text[SPAN_NAME_MAX];
};

struct call_values {
	const struct capture_plan *plan;
	struct store *store;
	const int64_t *func_keys;
	bool entry_pending, ret_pending;
	uint32_t func_id;
	struct ferret_args_str_event rec; /* the pending entry's registers and string lengths */
	const char *strings;		  /* its string slots, in the ring buffer until cleared */
	uint64_t ret;
	int64_t errors;
	/* Calls open with a name to finish: as many as calls open at once, searched from the
	 * newest (the innermost return comes first). */
	struct pending_name *names;
	size_t nnames, names_cap;
};

struct call_values *call_values__new(const struct capture_plan *plan, struct store *s,
				     const int64_t *func_keys)
{
	struct call_values *cv = calloc(1, sizeof(*cv));

	if (cv) {
		cv->plan = plan;
		cv->store = s;
		cv->func_keys = func_keys;
	}
	return cv;
}

void call_values__free(struct call_values *cv)
{
	if (cv)
		free(cv->names);
	free(cv);
}

/* A name is text: bytes of a string argument that are not UTF-8 become U+FFFD. */
static int store_name(struct call_values *cv, int64_t span_id, const char *text)
{
	char *clean = utf8__clean_dup(text, "");
	struct arg_value v = { .type = ARG_VALUE_TEXT, .bytes = clean, .len = clean ? strlen(clean) : 0 };
	int err = clean ? store__add_span_arg(cv->store, span_id, ARG_POS_NAME, &v) : -1;

	free(clean);
	return err;
}

/* At entry: the name with the arguments; one naming {ret} waits for the return. */
static int name_call(struct call_values *cv, const struct func_capture *fc, int64_t span_id,
		     const struct arg_value *const vals[])
{
	struct pending_name *p;
	char text[SPAN_NAME_MAX];

	span_name__render(fc->name_template, fc, vals, text, sizeof(text));
	if (!fc->name_needs_ret)
		return store_name(cv, span_id, text);
	if (grow_array((void **)&cv->names, &cv->names_cap, cv->nnames + 1, sizeof(*cv->names)))
		return -1;
	p = &cv->names[cv->nnames++];
	p->span_id = span_id;
	p->func_id = cv->func_id;
	memcpy(p->text, text, sizeof(text));
	return 0;
}

/* At the end of a call: its waiting name finished with ret (NULL: it has none: "?"). */
static int finish_name(struct call_values *cv, int64_t span_id, const struct arg_value *ret)
{
	const struct arg_value unknown = { .type = ARG_VALUE_NULL };
	const struct arg_value *vals[ARG_MAX_REGS + 1] = { ret ? ret : &unknown };
	char text[SPAN_NAME_MAX];
	size_t i;

	for (i = cv->nnames; i-- > 0;)
		if (cv->names[i].span_id == span_id)
			break;
	if (i == (size_t)-1)
		return 0;
	span_name__render(cv->names[i].text, &cv->plan->funcs[cv->names[i].func_id], vals, text, sizeof(text));
	cv->names[i] = cv->names[--cv->nnames];
	return store_name(cv, span_id, text);
}

static bool planned(const struct call_values *cv, uint32_t func_id)
{
	return cv->plan && func_id < cv->plan->nfuncs &&
	       (cv->plan->funcs[func_id].nitems || cv->plan->funcs[func_id].name_template);
}

bool call_values__take(struct call_values *cv, const void *data, size_t size, void *rec_out)
{
	const struct ferret_event *e = data;
	struct ferret_entry_event *rec = rec_out;
	size_t slots = FERRET_ARG_STRS * ((size_t)(cv->plan ? cv->plan->string_size : 0) + 2);

	call_values__clear(cv);
	if (!planned(cv, e->func_id))
		return false;
	if (e->type == FERRET_EV_RET && size >= sizeof(struct ferret_ret_event)) {
		cv->ret = ((const struct ferret_ret_event *)data)->ret;
		cv->ret_pending = true;
	} else if (e->type == FERRET_EV_ARGS && size >= sizeof(struct ferret_args_event)) {
		memcpy(&cv->rec.args, data, sizeof(cv->rec.args));
		cv->entry_pending = true;
	} else if (e->type == FERRET_EV_ARGS_STR && size >= sizeof(struct ferret_args_str_event) + slots) {
		memcpy(&cv->rec, data, sizeof(cv->rec));
		cv->strings = ((const struct ferret_args_str_event *)data)->str;
		cv->entry_pending = true;
	} else {
		return false;
	}
	cv->func_id = e->func_id;
	rec->hdr = *e;
	rec->sp = e->type == FERRET_EV_RET ? 0 : ((const struct ferret_args_event *)data)->entry.sp;
	rec->hdr.type = e->type == FERRET_EV_RET ? FERRET_EV_EXIT : FERRET_EV_ENTRY;
	return true;
}

void call_values__clear(struct call_values *cv)
{
	cv->entry_pending = cv->ret_pending = false;
	cv->strings = NULL;
}

static bool valid_utf8(const char *s, size_t n)
{
	uint32_t cp;
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = utf8__decode((const unsigned char *)s + i, n - i, &cp);
		if (cp == UTF8_INVALID)
			return false;
	}
	return true;
}

/* A string argument: its bytes as read (cut to --string-size), NULL when unreadable. */
static void string_value(const struct call_values *cv, int slot, uint64_t ptr, struct arg_value *v)
{
	size_t slot_size = (size_t)cv->plan->string_size + 2;
	uint16_t len = slot >= 0 ? cv->rec.str_len[slot] : FERRET_STR_UNREADABLE;

	if (!ptr) {
		*v = (struct arg_value){ .type = ARG_VALUE_INT, .i = 0 }; /* a NULL pointer */
		return;
	}
	if (len == FERRET_STR_UNREADABLE || !cv->strings) {
		*v = (struct arg_value){ .type = ARG_VALUE_NULL };
		return;
	}
	if (len > cv->plan->string_size)
		len = (uint16_t)cv->plan->string_size;
	v->bytes = cv->strings + (size_t)slot * slot_size;
	v->len = len;
	v->type = valid_utf8(v->bytes, len) ? ARG_VALUE_TEXT : ARG_VALUE_BLOB;
}

/* A return value without a format: rax as the C int an error-returning function most
 * often returns (its upper half zero, bit 31 set: a negative int), else as 64 bits. */
static int64_t auto_width(uint64_t raw)
{
	return raw >> 32 ? (int64_t)raw : (int64_t)(int32_t)(uint32_t)raw;
}

static int64_t int_value(const struct arg_item *it, uint64_t raw)
{
	if (!it->bits)
		return auto_width(raw);
	if (it->kind == ARG_CHAR)
		return (int64_t)(raw & 0xff);
	return arg_item__extend(it, raw);
}

int call_values__opened(struct call_values *cv, int64_t span_id)
{
	const struct func_capture *fc;
	struct arg_value values[ARG_MAX_REGS + 1], *v;
	const struct arg_value *vals[ARG_MAX_REGS + 1] = { 0 };
	size_t i;

	if (!cv->entry_pending)
		return 0;
	cv->entry_pending = false;
	fc = &cv->plan->funcs[cv->func_id];
	for (i = 0; i < fc->nitems; i++) {
		const struct arg_item *it = &fc->items[i];
		uint64_t raw;

		if (!it->position)
			continue;
		raw = cv->rec.args.regs[it->position - 1];
		v = &values[it->position];
		memset(v, 0, sizeof(*v));
		if (it->kind == ARG_STRING)
			string_value(cv, fc->str_slot[it->position], raw, v);
		else
			*v = (struct arg_value){ .type = ARG_VALUE_INT, .i = int_value(it, raw) };
		vals[it->position] = v;
		if (store__add_span_arg(cv->store, span_id, it->position, v))
			return -1;
	}
	return fc->name_template ? name_call(cv, fc, span_id, vals) : 0;
}

/* An error's errno: the negative return of a function that returns -errno (-4095..-2). */
static int store_errno(struct call_values *cv, int64_t span_id, int64_t ret)
{
	struct arg_value v = { .type = ARG_VALUE_INT, .i = -ret };

	/* -1 is the C library's "see errno", not -EPERM: its errno is not known here. */
	return ret < -1 && ret >= -4095 ? store__add_span_arg(cv->store, span_id, ARG_POS_ERRNO, &v) : 0;
}

int call_values__closing(struct call_values *cv, struct stored_span *span)
{
	const struct func_capture *fc;
	struct arg_value v;
	size_t i;

	if (!cv->ret_pending || span->status != SPAN_OK || span->function_key != cv->func_keys[cv->func_id])
		return cv->nnames ? finish_name(cv, span->span_id, NULL) : 0;
	cv->ret_pending = false;
	fc = &cv->plan->funcs[cv->func_id];
	for (i = 0; i < fc->nitems && fc->items[i].position; i++)
		;
	if (i == fc->nitems)
		return cv->nnames ? finish_name(cv, span->span_id, NULL) : 0;
	v = (struct arg_value){ .type = ARG_VALUE_INT, .i = int_value(&fc->items[i], cv->ret) };
	if (fc->error && error_rule__matches(fc->error, v.i)) {
		span->status = SPAN_ERROR;
		cv->errors++;
		if (store_errno(cv, span->span_id, v.i))
			return -1;
	}
	if (cv->nnames && finish_name(cv, span->span_id, &v))
		return -1;
	return store__add_span_arg(cv->store, span->span_id, ARG_POS_RETVAL, &v);
}

int64_t call_values__errors(const struct call_values *cv)
{
	return cv ? cv->errors : 0;
}
