/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * run_figures: analyze's figures of a run, stored when the run ends so that the
 * table and the tree are read in time that does not grow with the spans: one
 * run_functions row per function, one run_tree row per call path of each thread,
 * and the run_figures row that says they are complete. They go in in one
 * transaction, the run_figures row last: a tracer killed meanwhile leaves none,
 * and analyze reads the spans as before.
 */
#ifndef FERRET_RUN_FIGURES_H
#define FERRET_RUN_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define SCHED_SUM_SYSCALLS 4 /* system calls kept per sum, by blocked ns */

/* On-CPU, blocked and run-queue time of a set of calls (analyze_sched.h sums it; stored with
 * each function and call path). */
struct sched_sum {
	uint64_t known, unknown; /* calls with figures, and without */
	int64_t cpu_ns, blocked_ns, runq_ns;
	/* Blocked ns by each call's own blocked_in (a call's most blocking system call takes its
	 * whole blocked time): the few largest. */
	int32_t nr[SCHED_SUM_SYSCALLS];
	int64_t nr_ns[SCHED_SUM_SYSCALLS];
	uint8_t nnr;
};

/* The run as a whole. */
struct stored_run_totals {
	int64_t spans;	   /* the spans the figures were computed from */
	int64_t traced_ns; /* every thread's root calls */
};

/* One function, as the table shows it over the whole run. */
struct stored_function_row {
	int64_t function_key;
	uint64_t calls, errors;
	int64_t total_ns;
	bool self_known; /* false: not every call was stored (stack mode) */
	int64_t self_ns;
	int64_t min_ns, max_ns, avg_ns;
	int64_t pct[3];	       /* p50, p95, p99 as analyze shows them */
	int64_t approx_pct[3]; /* with --approx */
	bool aggregated;       /* the run has function_stats for it */
	uint64_t stored_spans; /* aggregated: its spans stored */
	/* version 6: errors are calls of status error; calls that are neither ok nor error: */
	uint64_t incomplete;
	struct sched_sum sched; /* its outermost activations' (version 9; version 5: none) */
};

/* One call path of a thread: node numbers start at 1, 0 is the thread (a root's parent). */
struct stored_tree_node {
	int64_t thread_key;
	int64_t node, parent;
	int64_t function_key;
	uint64_t calls, errors;
	int64_t total_ns, self_ns;
	struct sched_sum sched; /* its calls' (version 9; version 5: none) */
};

struct figures_writer;

/* Opens the write transaction and removes any figures run_key had. NULL on error (printed). */
struct figures_writer *figures_writer__begin(struct db *db, int64_t run_key);
int figures_writer__function(struct figures_writer *w, int64_t seq, const struct stored_function_row *row);
int figures_writer__node(struct figures_writer *w, const struct stored_tree_node *node);
/* Writes the run_figures row and commits; 0 or <0 (printed). */
int figures_writer__commit(struct figures_writer *w, const struct stored_run_totals *totals);
void figures_writer__free(struct figures_writer *w); /* rolls back what was not committed */

/* 1: the run's figures are stored (*out filled); 0: none, or a thread's first or last span
 * is gone (the spans say what is wrong); <0: error (printed). */
int run_figures__totals(struct db *db, int64_t run_key, struct stored_run_totals *out);
/* Each function in seq order; a non-zero return from cb stops and is returned. */
int run_figures__functions(struct db *db, int64_t run_key,
			   int (*cb)(void *ctx, const struct stored_function_row *row), void *ctx);
/* Each node, by thread key then node; pid/tid (non-zero) keep only those threads. */
int run_figures__tree(struct db *db, int64_t run_key, int pid, int tid,
		      int (*cb)(void *ctx, const struct stored_tree_node *node), void *ctx);

#endif /* FERRET_RUN_FIGURES_H */
