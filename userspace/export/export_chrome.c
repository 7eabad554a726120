/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Chrome trace event JSON (Perfetto UI, chrome://tracing, Speedscope): one
 * complete ("X") event per call, process_name/thread_name metadata events.
 *
 * ts and dur are microseconds, written from integer nanoseconds with exactly
 * three decimals (a 1 ns call is "0.001", never rounded to zero), and ts is
 * relative to the run's start. Spans go through struct nest so that a child
 * never ends after its parent: viewers rebuild the nesting from times alone.
 *
 * Incomplete calls (no return seen) are a B/E pair instead, E at the recorded
 * end, and so is a call that ends at the very end of such a B/E call. Tracing
 * stopped mid-call leaves a whole stack ending at one instant, and importers
 * compute an X event's end as the double ts + dur: 0.07 + 0.01 can exceed
 * 0.08, so a child would close after its parent. Equal E strings stay equal.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/util.h"

/* open_call.user: how the span was written. */
enum { WRITTEN_X, WRITTEN_BEGIN };

/* What an E event repeats of its B event (a named_span's strings do not last). */
struct begun_call {
	struct named_span row;
	char *function, *module;
};

struct chrome {
	struct export_common c; /* first: the state is one */
	struct begun_call *open; /* by nest depth; filled for calls written as B */
	size_t nopen, open_cap;	 /* nopen: zeroed so far */
	struct hashmap pids_named; /* pid -> 0: its process_name event is written */
	int64_t base_ns;
};

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void write_metadata(struct jsonw *w, const char *what, const struct named_span *row)
{
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", what);
	jsonw__kv_string(w, "ph", "M");
	jsonw__kv_int(w, "pid", row->pid);
	jsonw__kv_int(w, "tid", row->tid);
	jsonw__key(w, "args");
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", row->comm);
	jsonw__end_object(w);
	jsonw__end_object(w);
}

/* A process is named after the first of its threads seen (its main thread, normally). */
static int begin_thread(struct chrome *st, const struct named_span *row)
{
	uint32_t seen;

	nest__start_thread(&st->c.nest, row);
	if (!hashmap__get(&st->pids_named, row->pid, 0, &seen)) {
		if (hashmap__put(&st->pids_named, row->pid, 0, 0)) {
			ferr("out of memory");
			return -1;
		}
		write_metadata(st->c.w, "process_name", row);
	}
	write_metadata(st->c.w, "thread_name", row);
	return 0;
}

static int chrome_begin(struct export_ctx *ctx)
{
	const struct run_row *run = ctx->run;
	struct chrome *st = export_common__new(ctx, sizeof(*st), true);
	struct jsonw *w;

	if (!st)
		return -1;
	st->base_ns = run->start_mono_ns;
	w = st->c.w;
	jsonw__begin_object(w);
	jsonw__kv_string(w, "displayTimeUnit", "ns");
	jsonw__key(w, "otherData");
	jsonw__begin_object(w);
	jsonw__kv_string(w, "exporter", "ferret " FERRET_VERSION);
	jsonw__kv_string(w, "run_id", run->run_id);
	jsonw__kv_string(w, "command", run->command);
	jsonw__kv_string(w, "host", run->host);
	jsonw__key(w, "lost_events");
	jsonw__int(w, run->lost_events);
	jsonw__end_object(w);
	jsonw__key(w, "traceEvents");
	jsonw__begin_array(w);
	return 0;
}

/* Fields every event of a call carries; args only for incomplete calls, tagged ones (ferret.h),
 * a run's captured values and on-CPU/blocked figures: importers make args part of a frame's
 * identity, which keeps those calls apart (Speedscope merges them from its own format). */
static void write_call_fields(struct chrome *st, const struct named_span *row, const char *ph,
			      int64_t ts_ns)
{
	struct jsonw *w = st->c.w;
	char num[32];

	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", row->function);
	jsonw__kv_string(w, "cat", basename_of(row->module));
	jsonw__kv_string(w, "ph", ph);
	jsonw__key(w, "ts");
	jsonw__raw_number(w, format_us(ts_ns - st->base_ns, num, sizeof(num)));
}

static bool has_tag(const struct span_tag *tags, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tags[i].key, key))
			return true;
	return false;
}

static void write_call_end(struct chrome *st, const struct named_span *row)
{
	struct jsonw *w = st->c.w;
	const struct span_tag *tags;
	size_t i, ntags;

	jsonw__kv_int(w, "pid", row->pid);
	jsonw__kv_int(w, "tid", row->tid);
	tags = export__tags(st->c.ctx, row->span_id, &ntags);
	if (row->status != SPAN_OK || ntags || st->c.args || row->has_sched) {
		jsonw__key(w, "args");
		jsonw__begin_object(w);
		/* The program's own status (ferret.h) is the tag "status" of an ok span. */
		if (row->status != SPAN_OK || (st->c.args && !has_tag(tags, ntags, "status")))
			jsonw__kv_string(w, "status", span_status__name(row->status));
		for (i = 0; i < ntags; i++) /* the program's tags */
			if (tags[i].text)
				jsonw__kv_string(w, tags[i].key, tags[i].text);
			else
				jsonw__kv_int(w, tags[i].key, tags[i].ival);
		export_args__chrome(w, st->c.args, row->span_id);
		export__sched_fields(w, row);
		jsonw__end_object(w);
	}
	jsonw__end_object(w);
}

/* Pops the frames that end before row starts (all of them for row NULL), writing the
 * E event of those written as B. */
static void close_frames(struct chrome *st, const struct named_span *row)
{
	struct open_call *f;

	while ((f = nest__top_to_close(&st->c.nest, row))) {
		if (f->user == WRITTEN_BEGIN) {
			struct begun_call *call = &st->open[st->c.nest.stack.depth - 1];

			write_call_fields(st, &call->row, "E", open_call__end_ns(f));
			write_call_end(st, &call->row);
			free(call->function);
			free(call->module);
			call->function = call->module = NULL;
		}
		nest__pop(&st->c.nest);
	}
}

/* Keeps what the E event of the frame just pushed will need. */
static int remember_begun_call(struct chrome *st, const struct named_span *row)
{
	size_t depth = st->c.nest.stack.depth;
	struct begun_call *call;

	if (grow_array((void **)&st->open, &st->open_cap, depth, sizeof(*st->open)))
		goto oom;
	for (; st->nopen < depth; st->nopen++)
		memset(&st->open[st->nopen], 0, sizeof(*st->open));
	call = &st->open[depth - 1];
	call->row = *row;
	call->function = strdup(row->function);
	call->module = strdup(row->module);
	call->row.function = call->function;
	call->row.module = call->module;
	if (call->function && call->module)
		return 0;
oom:
	ferr("out of memory");
	return -1;
}

static int chrome_span(struct export_ctx *ctx, const struct named_span *row)
{
	struct chrome *st = ctx->state;
	struct open_call *f, *parent;
	char num[32];

	if (nest__is_new_thread(&st->c.nest, row)) {
		close_frames(st, NULL);
		if (begin_thread(st, row))
			return -1;
	}
	close_frames(st, row);
	f = nest__push(&st->c.nest, row);
	if (!f)
		return -1;
	parent = nest__parent(&st->c.nest);
	if (row->status != SPAN_OK ||
	    (parent && parent->user == WRITTEN_BEGIN && open_call__end_ns(parent) == open_call__end_ns(f))) {
		if (remember_begun_call(st, row))
			return -1;
		f->user = WRITTEN_BEGIN;
		write_call_fields(st, row, "B", f->start_ns);
	} else {
		f->user = WRITTEN_X;
		write_call_fields(st, row, "X", f->start_ns);
		jsonw__key(st->c.w, "dur");
		jsonw__raw_number(st->c.w, format_us(f->duration_ns, num, sizeof(num)));
	}
	write_call_end(st, row);
	return jsonw__error(st->c.w) ? -1 : 0;
}

static int chrome_end(struct export_ctx *ctx)
{
	struct chrome *st = ctx->state;

	close_frames(st, NULL);
	jsonw__newline(st->c.w);
	jsonw__end_array(st->c.w);
	jsonw__end_object(st->c.w);
	jsonw__end_line(st->c.w);
	return jsonw__error(st->c.w) ? -1 : 0;
}

static void chrome_release(struct export_ctx *ctx)
{
	struct chrome *st = ctx->state;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nopen; i++) {
		free(st->open[i].function);
		free(st->open[i].module);
	}
	free(st->open);
	hashmap__free(&st->pids_named);
	export_common__free(ctx);
}

const struct exporter exporter_chrome = {
	.name = "chrome",
	.suffix = ".json",
	.description = "Chrome trace event JSON (Perfetto UI, chrome://tracing, Speedscope)",
	.begin = chrome_begin,
	.span = chrome_span,
	.end = chrome_end,
	.release = chrome_release,
};
