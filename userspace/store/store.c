/* SPDX-License-Identifier: BSD-2-Clause */
/* store: the layers of store/ put together (see store.h). */
#include <stdlib.h>

#include "core/log.h"
#include "store.h"

struct store {
	struct db *db;
	struct span_writer *spans;
	struct run_writer *runs;
	struct arg_writer *args; /* -A, -R: created with the first value */
	const struct func_names *names; /* shown instead of the stored ones; NULL: none */
	struct span_notes *notes; /* function kinds, tags, events: made at first use */
};

int store__open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		ferr("out of memory");
		return -1;
	}
	if (db__open(path, mode, &s->db) || schema__set_up(s->db) || db__ready(s->db) ||
	    !(s->spans = span_writer__new(s->db)) || !(s->runs = run_writer__new(s->db, s->spans))) {
		store__free(s); /* a file this open created is removed with its db */
		return -1;
	}
	*out = s;
	return 0;
}

void store__free(struct store *s)
{
	if (!s)
		return;
	if (s->spans)
		span_writer__flush(s->spans);
	span_notes__free(s->notes);
	arg_writer__flush(s->args);
	arg_writer__free(s->args);
	run_writer__free(s->runs);
	span_writer__free(s->spans);
	db__free(s->db);
	free(s);
}

void store__give_up_lock_waits(void)
{
	db__give_up_lock_waits();
}

bool store__created(const struct store *s)
{
	return s->db->created;
}

int store__begin_run(struct store *s, const struct run_info *info)
{
	return run_writer__begin(s->runs, info);
}

const char *store__run_id(const struct store *s)
{
	return s ? run_writer__run_id(s->runs) : NULL;
}

struct figures_writer *store__write_figures(struct store *s, int64_t run_key)
{
	return figures_writer__begin(s->db, run_key);
}

int64_t store__add_module(struct store *s, const char *path, const char *build_id)
{
	return run_writer__add_module(s->runs, path, build_id);
}

int64_t store__add_function(struct store *s, int64_t module_key, const char *name, const char *symbol,
			     uint64_t offset)
{
	return run_writer__add_function(s->runs, module_key, name, symbol, offset);
}

int64_t store__add_thread(struct store *s, int pid, int tid, const char *comm)
{
	return run_writer__add_thread(s->runs, pid, tid, comm);
}

int store__rename_thread(struct store *s, int64_t thread_key, const char *comm)
{
	return run_writer__rename_thread(s->runs, thread_key, comm);
}

int store__set_function_probe(struct store *s, int64_t function_key, const char *probe)
{
	return run_writer__set_function_probe(s->runs, function_key, probe);
}

int store__add_probe_cost(struct store *s, const struct probe_cost_row *c)
{
	return run_writer__add_probe_cost(s->runs, c);
}

int store__add_func_figures(struct store *s, const struct func_figures_row *rec)
{
	return run_writer__add_func_figures(s->runs, rec);
}

int store__add_function_probe(struct store *s, const struct function_probe_row *rec)
{
	return run_writer__add_function_probe(s->runs, rec);
}

int store__end_run(struct store *s, const struct run_end *end)
{
	if (arg_writer__flush(s->args))
		span_writer__fail(s->spans, "the arguments could not be stored");
	return run_writer__end(s->runs, end);
}

int64_t store__open_span(struct store *s, const struct stored_span *call)
{
	return span_writer__open_span(s->spans, call);
}

int store__close_span(struct store *s, const struct stored_span *span)
{
	return span_writer__close_span(s->spans, span);
}

int64_t store__reserve_span_ids(struct store *s, int64_t count)
{
	return span_writer__reserve_ids(s->spans, count);
}

int64_t store__next_span_id(struct store *s)
{
	return span_writer__next_id(s->spans);
}

int store__append_span(struct store *s, const struct stored_span *span)
{
	return span_writer__append(s->spans, span);
}

int store__flush(struct store *s)
{
	return span_writer__flush(s->spans) || arg_writer__flush(s->args) ? -1 : 0;
}

static struct arg_writer *args_of(struct store *s)
{
	if (!s->args)
		s->args = arg_writer__new(s->db);
	return s->args;
}

int store__add_arg_spec(struct store *s, int64_t function_key, int position, const char *name,
			const char *type)
{
	return args_of(s) ? arg_writer__add_spec(s->args, function_key, position, name, type) : -1;
}

int store__add_span_arg(struct store *s, int64_t span_id, int position, const struct arg_value *v)
{
	/* After a failed write the run's calls are only counted: so are their values. */
	if (span_writer__failed(s->spans))
		return 0;
	return args_of(s) ? arg_writer__add(s->args, span_id, position, v) : -1;
}

struct arg_reader *store__arg_reader(struct store *s)
{
	return arg_reader__new(s->db);
}

int64_t store__unstored_spans(const struct store *s, const char **why)
{
	return span_writer__unstored(s->spans, why);
}

int store__find_run(struct store *s, const char *run_id, struct run_row *out)
{
	return run_reader__find(s->db, run_id, out);
}

int store__list_runs(struct store *s, int (*cb)(const struct run_row *run, void *ctx), void *ctx)
{
	return run_reader__list(s->db, cb, ctx);
}

int store__run_functions(struct store *s, int64_t run_key,
			 int (*cb)(const struct stored_function *f, void *ctx), void *ctx)
{
	return run_reader__functions(s->db, run_key, cb, ctx);
}

void store__show_names(struct store *s, const struct func_names *names)
{
	s->names = names;
}

struct span_reader *store__spans(struct store *s, int64_t run_key, const struct span_filter *filter)
{
	return span_reader__open(s->db, run_key, filter, s->names);
}

/* ---- explicit spans, tags, USDT events: span_notes.h ---- */
static struct span_notes *notes_of(struct store *s)
{
	if (!s->notes)
		s->notes = span_notes__new(s->db);
	return s->notes;
}

int store__set_function_kind(struct store *s, int64_t function_key, const char *kind)
{
	return notes_of(s) ? span_notes__set_kind(s->notes, function_key, kind) : -1;
}

int store__add_span_tag(struct store *s, const struct span_tag *tag)
{
	return notes_of(s) ? span_notes__add_tag(s->notes, tag) : -1;
}

int store__add_span_event(struct store *s, const struct span_event_row *ev)
{
	return notes_of(s) ? span_notes__add_event(s->notes, ev) : -1;
}

int store__span_tags(struct store *s, int64_t run_key, struct span_tag_list *out)
{
	return span_tags__read(s->db, run_key, out);
}

int store__publish_open_calls(struct store *s, int64_t run_key, int64_t run_start_ns, int64_t seen_ns,
			      const struct open_call_row *rows, size_t n)
{
	if (span_writer__failed(s->spans)) /* the run's calls are only counted: no more writes */
		return 1;
	return live_calls__publish(s->db, run_key, run_start_ns, seen_ns, rows, n);
}

int store__add_stall(struct store *s, int64_t run_key, int64_t run_start_ns, const struct stall_row *row)
{
	if (span_writer__failed(s->spans))
		return 1;
	return live_calls__add_stall(s->db, run_key, run_start_ns, row);
}

char *store__function_name(struct store *s, int64_t function_key)
{
	return live_calls__function_name(s->db, function_key);
}
