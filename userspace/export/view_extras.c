/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A call's optional fields on the page, written for the calls the page lists (never for
 * every span): the one place that knows where they come from. The page shows whichever of
 * these an object has:
 *   {"name": "dynamic name", "args": [{"name": "fd", "value": "3"}], "ret": "0",
 *    "errno": "13", "tags": [{"key": "k", "value": "v"}], "cpu_ns": N, "blocked_ns": N,
 *    "runq_ns": N, "blocked_in": "read"}
 * Values and names (-A, -R, -a, --name) from the run's span_args, tags (ferret.h) from its
 * span_tags, both loaded by export's runner; on-CPU figures from the span itself.
 */
#include <stdbool.h>
#include <stdio.h>

#include "analyze/analyze_args.h"
#include "analyze/analyze_sched.h"
#include "core/jsonw.h"
#include "view.h"

/* Collects a call's stored values: the arguments into "args", the rest kept apart. */
struct call_values_json {
	struct jsonw *w;
	bool opened, any;
	char ret[256], err_no[256], name[256]; /* as args_out__value writes them */
};

static void open_object(struct call_values_json *cv)
{
	if (!cv->opened)
		jsonw__begin_object(cv->w);
	cv->opened = true;
}

static int add_value(void *ctx, const struct stored_arg *a)
{
	struct call_values_json *cv = ctx;
	char text[256];

	args_out__value(a, text, sizeof(text));
	if (a->position == 0) {
		snprintf(cv->ret, sizeof(cv->ret), "%s", text);
		return 0;
	}
	if (a->position == -1) {
		snprintf(cv->err_no, sizeof(cv->err_no), "%s", text);
		return 0;
	}
	if (a->position == -2) { /* --name's text, stored as a string */
		if (a->value.bytes)
			snprintf(cv->name, sizeof(cv->name), "%.*s", (int)a->value.len, a->value.bytes);
		else
			snprintf(cv->name, sizeof(cv->name), "%s", text);
		return 0;
	}
	open_object(cv);
	if (!cv->any) {
		jsonw__key(cv->w, "args");
		jsonw__begin_array(cv->w);
	}
	cv->any = true;
	jsonw__begin_object(cv->w);
	jsonw__kv_string(cv->w, "name", a->name);
	jsonw__kv_string(cv->w, "value", text);
	jsonw__end_object(cv->w);
	return 0;
}

static void write_values(const struct view *v, const struct view_call *call, struct call_values_json *cv)
{
	if (!v->c.args || arg_reader__span(v->c.args, call->span_id, add_value, cv) < 0)
		return;
	if (cv->any)
		jsonw__end_array(cv->w);
	if (cv->ret[0] || cv->err_no[0] || cv->name[0])
		open_object(cv);
	if (cv->ret[0])
		jsonw__kv_string(cv->w, "ret", cv->ret);
	if (cv->err_no[0])
		jsonw__kv_string(cv->w, "errno", cv->err_no);
	if (cv->name[0])
		jsonw__kv_string(cv->w, "name", cv->name);
}

static void write_tags(const struct view *v, const struct view_call *call, struct call_values_json *cv)
{
	size_t i, n;
	const struct span_tag *g = export__tags(v->c.ctx, call->span_id, &n);
	char num[32];

	if (!n)
		return;
	open_object(cv);
	jsonw__key(cv->w, "tags");
	jsonw__begin_array(cv->w);
	for (i = 0; i < n; i++) {
		jsonw__begin_object(cv->w);
		jsonw__kv_string(cv->w, "key", g[i].key);
		if (!g[i].text)
			snprintf(num, sizeof(num), "%lld", (long long)g[i].ival);
		jsonw__kv_string(cv->w, "value", g[i].text ? g[i].text : num);
		jsonw__end_object(cv->w);
	}
	jsonw__end_array(cv->w);
}

static void write_sched(const struct view_call *call, struct call_values_json *cv)
{
	char name[32];

	if (!call->has_sched)
		return;
	open_object(cv);
	jsonw__kv_int(cv->w, "cpu_ns", call->cpu_ns);
	jsonw__kv_int(cv->w, "blocked_ns", call->blocked_ns);
	jsonw__kv_int(cv->w, "runq_ns", call->runq_ns);
	if (call->blocked_ns)
		jsonw__kv_string(cv->w, "blocked_in", sched__syscall_name(call->blocked_in, name, sizeof(name)));
}

int view__call_extras(const struct view *v, const struct view_call *call, struct jsonw *w)
{
	struct call_values_json cv = { .w = w };

	write_values(v, call, &cv);
	write_tags(v, call, &cv);
	write_sched(call, &cv);
	if (cv.opened)
		jsonw__end_object(w);
	return cv.opened;
}
