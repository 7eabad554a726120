/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * run_query: the queries analyze needs beyond store.h.
 * Exact percentiles need durations: a plain scan (analyze keeps only those near
 * each percentile), or, when too many are near, each function's durations in
 * sorted order: SQLite's sorter does that with bounded memory (it spills sorted
 * runs to temporary files and merges them).
 * It opens a reading connection of its own (db__open's checks, like every one).
 *
 * It also reads a run's spans lean (keys and numbers only, names looked up
 * once per function and thread): analyze's one pass over millions of spans
 * costs a third less than through store__spans()'s joins.
 */
#ifndef FERRET_RUN_QUERY_H
#define FERRET_RUN_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "span_notes.h"

struct run_query;
struct func_names;
struct arg_reader;

/* The calls' arguments on this connection (arg_store.h; arg_reader__free it). NULL: error. */
struct arg_reader *run_query__arg_reader(struct run_query *st);

int run_query__open(const char *path, struct run_query **out);
void run_query__free(struct run_query *st); /* NULL is a no-op */

/* Called for every span's (function, duration). A non-zero return stops the query and is returned. */
typedef int (*run_query_duration_cb)(void *ctx, int64_t function_key, int64_t duration_ns);

/* Durations of the spans of run_key, restricted to pid/tid when non-zero and
 * to the given function keys when n_keys > 0. sorted: grouped by function key
 * and ascending within a function (SQLite's sorter); else in storage order,
 * a plain scan. Returns 0 or a negative error (printed). */
int run_query__durations(struct run_query *st, int64_t run_key, int pid, int tid, const int64_t *keys,
			   size_t n_keys, bool sorted, run_query_duration_cb cb, void *ctx);

/* One span, keys and numbers only. */
struct keyed_span {
	int64_t span_id;
	int64_t parent_id; /* 0 for a root */
	int64_t thread_key;
	int64_t function_key;
	int64_t start_ns; /* relative to the run's start */
	int64_t duration_ns;
	int32_t status;
	/* On-CPU, blocked and run-queue time (schema_sched.h); has_sched false: NULL (not
	 * measured, or a file before version 8). */
	bool has_sched;
	int32_t blocked_in; /* a system call number; -1: none (also when never blocked) */
	int64_t cpu_ns, blocked_ns, runq_ns;
};

struct keyed_spans;
/* A run's spans ordered by thread, start, span_id (a parent before its children:
 * its id was taken first), restricted to pid/tid when non-zero. NULL on error (printed). */
struct keyed_spans *run_query__keyed_spans(struct run_query *st, int64_t run_key, int pid, int tid);
/* 1: *row filled; 0: no more; <0: error (printed). */
int keyed_spans__next(struct keyed_spans *sc, struct keyed_span *row);
void keyed_spans__free(struct keyed_spans *sc);

/* Stack mode: a function's figures over every call (function_stats). */
#define STORED_HIST_BUCKETS 64 /* function_stats.hist: log2 buckets, as the tracer counts them */
struct stored_func_figures {
	int64_t function_key;
	int64_t calls;
	int64_t total_ns; /* outermost activations */
	int64_t sum_ns;	  /* every activation */
	int64_t min_ns, max_ns;
	int64_t hist[STORED_HIST_BUCKETS]; /* hist[i]: calls lasting [2^i, 2^(i+1)) ns */
	int64_t demoted_at_ns;		  /* 0: never */
};
typedef int (*run_query_figures_cb)(void *ctx, const struct stored_func_figures *agg);
/* Every function_stats row of run_key; 0 (also when there are none) or <0. */
int run_query__func_figures(struct run_query *st, int64_t run_key, run_query_figures_cb cb, void *ctx);

/* analyze's figures stored when the run ended (run_figures.h): 1 when there are, *out filled;
 * 0: none (a run still written, or a tracer that did not end it); <0: error (printed). */
struct stored_run_totals;
struct stored_function_row;
struct stored_tree_node;
int run_query__stored_totals(struct run_query *st, int64_t run_key, struct stored_run_totals *out);
int run_query__stored_functions(struct run_query *st, int64_t run_key,
				int (*cb)(void *ctx, const struct stored_function_row *row), void *ctx);
int run_query__stored_tree(struct run_query *st, int64_t run_key, int pid, int tid,
			   int (*cb)(void *ctx, const struct stored_tree_node *node), void *ctx);

/* A function whose probes were not the usual entry and return (function_probes). */
struct stored_function_probe {
	int64_t function_key;
	bool count_only;       /* calls counted, never timed */
	int64_t calls;	       /* until removed_at_ns if removed */
	int64_t removed_at_ns; /* CLOCK_MONOTONIC; 0: never removed */
};
typedef int (*run_query_probes_cb)(void *ctx, const struct stored_function_probe *p);
/* Every function_probes row of run_key; 0 (also when there are none) or <0. */
int run_query__function_probes(struct run_query *st, int64_t run_key, run_query_probes_cb cb, void *ctx);

/* Names shown instead of the stored ones by run_query__function (kept by the caller;
 * NULL: none). */
void run_query__show_names(struct run_query *st, const struct func_names *names);
/* A function's name and its module's path (malloc'd, "" when unknown); 0 or <0. */
int run_query__function(struct run_query *st, int64_t function_key, char **name, char **module_path);
/* A thread's pid, tid and comm; 0 or <0. */
int run_query__thread(struct run_query *st, int64_t thread_key, int *pid, int *tid, char *comm,
			size_t comm_len);

/* Probe costs (run_probe_costs): what one traced call of the function's probe kind cost
 * in its run. 1: found; 0: none (not calibrated, or the kind is not known); <0: error. */
int run_query__function_cost(struct run_query *st, int64_t function_key, int64_t *call_ns,
			     int64_t *inside_ns);
typedef int (*run_query_cost_cb)(void *ctx, const char *probe, int64_t calls, int64_t call_ns,
				 int64_t inside_ns);
/* Every cost the run measured, in the order stored; a non-zero return from cb stops. */
int run_query__probe_costs(struct run_query *st, int64_t run_key, run_query_cost_cb cb, void *ctx);

/* Every tag of the run's spans (ferret.h), by span id: span_notes.h. */
int run_query__span_tags(struct run_query *st, int64_t run_key, struct span_tag_list *out);

#endif /* FERRET_RUN_QUERY_H */
