/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OTLP/JSON in the layout of the OpenTelemetry Collector's file exporter,
 * which its otlpjsonfile receiver reads: JSON Lines, one TracesData object
 * ({"resourceSpans": [...]}) per line. A line holds the spans of one process
 * (its resource: service.name, process.pid, host.name) and at most
 * OTLP_SPANS_PER_LINE of them, so lines stay short and nothing accumulates.
 *
 * OTLP/JSON differs from protobuf's JSON mapping in two ways we follow:
 * traceId/spanId are lowercase hex (not base64) and enums are integers.
 * A trace is one root call (a span without an exported parent) with all its
 * descendants; its traceId hashes the run id, thread and root span id, so a
 * re-export gives the same ids. spanId is the span's id in the database.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/util.h"

/* Spans per line: about 600 bytes each, far below the receiver's 1 MiB line limit. */
#define OTLP_SPANS_PER_LINE 1000
#define OTLP_KIND_INTERNAL 1
#define OTLP_STATUS_OK 1
#define OTLP_STATUS_ERROR 2

struct otlp {
	struct export_common c; /* first: the state is one */
	struct hashmap service_of; /* pid -> index in services */
	char **services;	  /* a process's service.name: its first thread's comm */
	size_t nservices, services_cap;
	uint64_t run_hash;
	bool in_line;
	int line_pid;
	size_t line_spans;
};

static uint64_t splitmix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001B3ull;
	return h;
}

static void hex64(uint64_t v, char *out)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		out[i] = digits[v & 0xF];
	out[16] = '\0';
}

static void trace_id(const struct otlp *st, const struct named_span *row, int64_t root_span,
		     char out[33])
{
	uint64_t hi = splitmix(st->run_hash ^ splitmix(((uint64_t)(uint32_t)row->pid << 32) |
						       (uint32_t)row->tid));
	uint64_t lo = splitmix(hi ^ (uint64_t)root_span);

	hex64(hi ? hi : 1, out); /* an all-zero id is invalid */
	hex64(lo, out + 16);
}

static int service_name(struct otlp *st, const struct named_span *row, const char **name)
{
	uint32_t index;

	if (!hashmap__get(&st->service_of, row->pid, 0, &index)) {
		if (grow_array((void **)&st->services, &st->services_cap, st->nservices + 1,
			       sizeof(*st->services)))
			goto oom;
		st->services[st->nservices] = strdup(row->comm);
		if (!st->services[st->nservices])
			goto oom;
		index = (uint32_t)st->nservices++;
		if (hashmap__put(&st->service_of, row->pid, 0, index))
			goto oom;
	}
	*name = st->services[index];
	return 0;
oom:
	ferr("out of memory");
	return -1;
}

static void attr_string(struct jsonw *w, const char *key, const char *value)
{
	jsonw__begin_object(w);
	jsonw__kv_string(w, "key", key);
	jsonw__key(w, "value");
	jsonw__begin_object(w);
	jsonw__kv_string(w, "stringValue", value);
	jsonw__end_object(w);
	jsonw__end_object(w);
}

static void attr_int(struct jsonw *w, const char *key, int64_t value)
{
	jsonw__begin_object(w);
	jsonw__kv_string(w, "key", key);
	jsonw__key(w, "value");
	jsonw__begin_object(w);
	jsonw__key(w, "intValue");
	jsonw__int_string(w, value);
	jsonw__end_object(w);
	jsonw__end_object(w);
}

static void end_line(struct otlp *st)
{
	struct jsonw *w = st->c.w;

	if (!st->in_line)
		return;
	jsonw__end_array(w);  /* spans */
	jsonw__end_object(w); /* scopeSpans[0] */
	jsonw__end_array(w);  /* scopeSpans */
	jsonw__end_object(w); /* resourceSpans[0] */
	jsonw__end_array(w);  /* resourceSpans */
	jsonw__end_object(w); /* TracesData */
	jsonw__end_line(w);
	st->in_line = false;
}

static int begin_line(struct otlp *st, const struct run_row *run, const struct named_span *row)
{
	struct jsonw *w = st->c.w;
	const char *service;

	if (service_name(st, row, &service))
		return -1;
	jsonw__begin_object(w);
	jsonw__key(w, "resourceSpans");
	jsonw__begin_array(w);
	jsonw__begin_object(w);
	jsonw__key(w, "resource");
	jsonw__begin_object(w);
	jsonw__key(w, "attributes");
	jsonw__begin_array(w);
	attr_string(w, "service.name", service);
	attr_int(w, "process.pid", row->pid);
	attr_string(w, "host.name", run->host);
	attr_string(w, "os.type", "linux");
	attr_string(w, "os.version", run->kernel);
	attr_string(w, "ferret.run_id", run->run_id);
	attr_string(w, "ferret.command", run->command);
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__key(w, "scopeSpans");
	jsonw__begin_array(w);
	jsonw__begin_object(w);
	jsonw__key(w, "scope");
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", "ferret");
	jsonw__kv_string(w, "version", FERRET_VERSION);
	jsonw__end_object(w);
	jsonw__key(w, "spans");
	jsonw__begin_array(w);
	st->in_line = true;
	st->line_pid = row->pid;
	st->line_spans = 0;
	return 0;
}

static void write_span(struct otlp *st, const struct run_row *run, const struct named_span *row,
		       const struct open_call *f)
{
	struct open_call *parent = nest__parent(&st->c.nest);
	int64_t wall = run->start_real_ns - run->start_mono_ns;
	struct jsonw *w = st->c.w;
	const struct span_tag *tags;
	size_t i, ntags;
	int64_t err_no = 0;
	char id[33], name[32];

	jsonw__begin_object(w);
	trace_id(st, row, st->c.nest.stack.calls[0].span_id, id);
	jsonw__kv_string(w, "traceId", id);
	hex64((uint64_t)row->span_id, id);
	jsonw__kv_string(w, "spanId", id);
	if (parent) {
		hex64((uint64_t)parent->span_id, id);
		jsonw__kv_string(w, "parentSpanId", id);
	}
	jsonw__kv_string(w, "name", row->function);
	jsonw__kv_int(w, "kind", OTLP_KIND_INTERNAL);
	jsonw__key(w, "startTimeUnixNano");
	jsonw__int_string(w, wall + f->start_ns);
	jsonw__key(w, "endTimeUnixNano");
	jsonw__int_string(w, wall + open_call__end_ns(f));
	jsonw__key(w, "attributes");
	jsonw__begin_array(w);
	attr_int(w, "thread.id", row->tid);
	attr_string(w, "thread.name", row->comm);
	attr_string(w, "code.function", row->function);
	attr_string(w, "code.filepath", row->module);
	attr_string(w, "ferret.status", span_status__name(row->status));
	tags = export__tags(st->c.ctx, row->span_id, &ntags);
	for (i = 0; i < ntags; i++) /* the program's tags (ferret.h), under their own keys */
		if (tags[i].text)
			attr_string(w, tags[i].key, tags[i].text);
		else
			attr_int(w, tags[i].key, tags[i].ival);
	export_args__otlp(w, st->c.args, row->span_id, &err_no);
	if (row->has_sched) {
		attr_int(w, "ferret.cpu_ns", row->cpu_ns);
		attr_int(w, "ferret.blocked_ns", row->blocked_ns);
		attr_int(w, "ferret.runq_ns", row->runq_ns);
		if (row->blocked_ns)
			attr_string(w, "ferret.blocked_in", export__blocked_in(row, name, sizeof(name)));
	}
	jsonw__end_array(w);
	jsonw__key(w, "status");
	jsonw__begin_object(w);
	if (row->status != SPAN_OK) {
		char why[256];

		if (err_no)
			snprintf(why, sizeof(why), "%s (errno %lld)", span_status__why(row->status), (long long)err_no);
		else
			snprintf(why, sizeof(why), "%s", span_status__why(row->status));
		jsonw__kv_int(w, "code", OTLP_STATUS_ERROR);
		jsonw__kv_string(w, "message", why);
	} else {
		jsonw__kv_int(w, "code", OTLP_STATUS_OK);
	}
	jsonw__end_object(w);
	jsonw__end_object(w);
}

static int otlp_begin(struct export_ctx *ctx)
{
	struct otlp *st = export_common__new(ctx, sizeof(*st), true);

	if (!st)
		return -1;
	st->run_hash = fnv1a(ctx->run->run_id);
	return 0;
}

static int otlp_span(struct export_ctx *ctx, const struct named_span *row)
{
	struct otlp *st = ctx->state;
	struct open_call *f;

	if (nest__is_new_thread(&st->c.nest, row))
		nest__start_thread(&st->c.nest, row);
	while (nest__top_to_close(&st->c.nest, row))
		nest__pop(&st->c.nest);
	f = nest__push(&st->c.nest, row);
	if (!f)
		return -1;
	if (st->in_line && (st->line_pid != row->pid || st->line_spans >= OTLP_SPANS_PER_LINE))
		end_line(st);
	if (!st->in_line && begin_line(st, ctx->run, row))
		return -1;
	write_span(st, ctx->run, row, f);
	st->line_spans++;
	return jsonw__error(st->c.w) ? -1 : 0;
}

static int otlp_end(struct export_ctx *ctx)
{
	struct otlp *st = ctx->state;

	end_line(st);
	return jsonw__error(st->c.w) ? -1 : 0;
}

static void otlp_release(struct export_ctx *ctx)
{
	struct otlp *st = ctx->state;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nservices; i++)
		free(st->services[i]);
	free(st->services);
	hashmap__free(&st->service_of);
	export_common__free(ctx);
}

const struct exporter exporter_otlp = {
	.name = "otlp",
	.suffix = ".otlp.json",
	.description = "OpenTelemetry OTLP/JSON lines (Collector otlpjsonfile, Jaeger, Tempo)",
	.begin = otlp_begin,
	.span = otlp_span,
	.end = otlp_end,
	.release = otlp_release,
};
