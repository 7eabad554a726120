/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store: the only door to ferret's SQLite database. Only the files of store/ include
 * sqlite3.h. Every function that fails prints one line "ferret: ..." to stderr
 * and returns a negative value (or NULL), so callers just propagate.
 *
 * A store is the layers of store/ put together, each calling only those below:
 *   db (the connection) <- schema
 *   db <- thread_ranges <- span_writer <- run_writer
 *   db <- range_scan <- span_reader, run_query;  db <- run_reader
 * This file opens a file through them and passes each call to its layer.
 *
 * Keys: rows reference each other by integer keys (run_key, module_key,
 * function_key, thread_key). A run's user-visible name is its run_id (text).
 * Times are CLOCK_MONOTONIC nanoseconds; a run's wall-clock anchor
 * (start_real_ns, CLOCK_REALTIME taken at the same instant as start_mono_ns)
 * converts them: real = start_real_ns + (t - start_mono_ns).
 */
#ifndef FERRET_STORE_H
#define FERRET_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "arg_store.h"
#include "db.h"
#include "func_names.h"
#include "live_calls.h"
#include "run_figures.h"
#include "run_reader.h"
#include "run_writer.h"
#include "schema.h"
#include "span_notes.h"
#include "span_reader.h"
#include "span_writer.h"

struct store;

/* ---- opening ---- */
int store__open(const char *path, enum store_mode mode, struct store **out);
void store__free(struct store *s); /* NULL is a no-op; flushes pending writes */
/* Writers stop waiting for another process's write lock: what they could not write is
 * counted as unstored. Async-signal-safe: for a second Ctrl-C. */
void store__give_up_lock_waits(void);
/* Whether store__open created the file (then only is it ferret's to remove). */
bool store__created(const struct store *s);

/* ---- writing a run (the tracer): run_writer.h ---- */
int store__begin_run(struct store *s, const struct run_info *info);
const char *store__run_id(const struct store *s); /* the current run's name */
/* build_id: the file's GNU build-id as hex, NULL when it has none. */
int64_t store__add_module(struct store *s, const char *path, const char *build_id);
/* symbol: the ELF symbol when name is its demangled form; NULL: the same as name. */
int64_t store__add_function(struct store *s, int64_t module_key, const char *name, const char *symbol,
			     uint64_t offset);
/* run_writer.h: functions.probe and run_probe_costs. */
int store__set_function_probe(struct store *s, int64_t function_key, const char *probe);
int store__add_probe_cost(struct store *s, const struct probe_cost_row *c);
int64_t store__add_thread(struct store *s, int pid, int tid, const char *comm);
/* The thread (a key add_thread gave) took a new name. */
int store__rename_thread(struct store *s, int64_t thread_key, const char *comm);
int store__add_func_figures(struct store *s, const struct func_figures_row *rec);
int store__add_function_probe(struct store *s, const struct function_probe_row *rec);
int store__end_run(struct store *s, const struct run_end *end);
/* analyze's figures of an ended run (run_figures.h), written through this store's connection. */
struct figures_writer *store__write_figures(struct store *s, int64_t run_key);

/* live_calls.h: the run's open calls (replaced) and its stalls, each in a transaction of its
 * own (call between store__flush and the next span); 1: skipped (no room on the disk, or the
 * run's spans are only counted since a write failed). */
int store__publish_open_calls(struct store *s, int64_t run_key, int64_t run_start_ns, int64_t seen_ns,
			      const struct open_call_row *rows, size_t n);
int store__add_stall(struct store *s, int64_t run_key, int64_t run_start_ns, const struct stall_row *row);
char *store__function_name(struct store *s, int64_t function_key); /* malloc'd; NULL: no memory */

/* ---- writing spans: span_writer.h ---- */
/* A call as it starts (end_ns and status unset): returns its span id. The
 * fastest way in, for spans built from entries and returns. */
int64_t store__open_span(struct store *s, const struct stored_span *call);
/* The same call, finished or incomplete; span_id from store__open_span. */
int store__close_span(struct store *s, const struct stored_span *span);
/* count span ids of the file for ids handed out elsewhere (stack mode's BPF
 * counter); returns the first. Unused ones go back when the run ends, unless
 * another writer reserved ids since. */
int64_t store__reserve_span_ids(struct store *s, int64_t count);
/* Whole spans: an id unique in the file, then the span, any order. */
int64_t store__next_span_id(struct store *s);
int store__append_span(struct store *s, const struct stored_span *span); /* batched */
int store__flush(struct store *s); /* commit what is batched */
/* The run's calls not stored since a write failed, why in *why: span_writer__unstored. */
int64_t store__unstored_spans(const struct store *s, const char **why);

/* ---- what calls carried (-A, -R, --error): arg_store.h ---- */
int store__add_arg_spec(struct store *s, int64_t function_key, int position, const char *name,
			const char *type);
/* A value of the call span_id (from store__open_span): batched, committed with store__flush. */
int store__add_span_arg(struct store *s, int64_t span_id, int position, const struct arg_value *v);
/* The file's values, span by span (arg_reader__free it). NULL: error (printed). */
struct arg_reader *store__arg_reader(struct store *s);

/* ---- reading: run_reader.h, span_reader.h ---- */
/* run_id NULL: the latest run. Unknown id: error lists the available ones. */
int store__find_run(struct store *s, const char *run_id, struct run_row *out);
/* Calls cb for every run, oldest first; a non-zero return from cb stops and is returned. */
int store__list_runs(struct store *s, int (*cb)(const struct run_row *run, void *ctx), void *ctx);
/* Every function of a run with its module (path, build-id): run_reader.h. */
int store__run_functions(struct store *s, int64_t run_key,
			 int (*cb)(const struct stored_function *f, void *ctx), void *ctx);
/* Names the span readers show instead of the stored ones (kept by the caller, NULL: none). */
void store__show_names(struct store *s, const struct func_names *names);
/* Spans of one run, ordered by thread_key, then start_ns, then span_id. */
struct span_reader *store__spans(struct store *s, int64_t run_key, const struct span_filter *filter);

/* ---- explicit spans, tags, USDT events: span_notes.h ---- */
int store__set_function_kind(struct store *s, int64_t function_key, const char *kind);
int store__add_span_tag(struct store *s, const struct span_tag *tag);
int store__add_span_event(struct store *s, const struct span_event_row *ev);
/* Every tag of a run, by span id (span_tags__of, span_tags__free). */
int store__span_tags(struct store *s, int64_t run_key, struct span_tag_list *out);

#endif /* FERRET_STORE_H */
