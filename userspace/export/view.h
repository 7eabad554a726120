/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view: one run as one self-contained HTML file (ferret view).
 *
 * One pass over the run's spans (export__run's, so the filters are export's) feeds
 * analyze's merged call tree (recorded per thread) and its statistics table, and keeps,
 * within fixed budgets, the calls the page shows one by one: the longest calls of the
 * run for the flame chart, the slowest calls of each call path for the calls list (every
 * call when the run is small). The page (export/view/, built into the binary) reads the
 * result as JSON embedded in a <script type="application/json"> element, with '<' written
 * \u003c, so no text from the traced program can end that element.
 */
#ifndef FERRET_VIEW_H
#define FERRET_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/analyze_table.h"
#include "analyze/analyze_tree.h"
#include "analyze/run_diff.h"
#include "export.h"

/* Budgets: what a 10M-span run is summarised to (the page says so). */
#define VIEW_FLAME_MAX 600000  /* spans in the flame chart: the longest ones */
#define VIEW_NODES_MAX 300000  /* call paths in the trees: the longest ones */
#define VIEW_ALL_CALLS 200000  /* runs up to this many spans list every call */
#define VIEW_CALLS_PER_PATH 10 /* larger ones: the slowest calls of each call path, */
#define VIEW_CALLS_MAX 150000  /* fewer per path when that would list more (one at least) */
#define VIEW_DIFF_PATHS_MAX 50000 /* --diff: merged call paths compared, the longest in A or B */

/* The budgets in use: the macros' values (a test makes them small). */
extern size_t view_flame_max, view_nodes_max, view_calls_max, view_all_calls, view_diff_paths_max;

/* A call kept for the page; node: an index in the tree's recorded nodes. */
struct view_call {
	int64_t span_id;
	int64_t start_ns; /* relative to the run's start */
	int64_t duration_ns;
	int32_t node;
	int32_t status;
	/* its on-CPU, blocked and run-queue time (has_sched false: none) */
	bool has_sched;
	int32_t blocked_in;
	int64_t cpu_ns, blocked_ns, runq_ns;
};

struct view_thread {
	int pid, tid;
	char comm[64];
	size_t first_node; /* its nodes: tree.recorded[first_node .. first_node + nnodes) */
	size_t nnodes;
	size_t kept_nodes;  /* those the page shows (see view.nodes_over_ns) */
	uint64_t hidden_nodes;
	int64_t hidden_ns;  /* the time of the outermost ones left out, in their callers' totals */
};

/* Per recorded node: its incomplete calls, and (large runs) its slowest calls kept. */
struct view_node {
	uint64_t incomplete;
	int32_t slow;	/* index of its first slot in view.slow_pool; -1: none yet */
	uint16_t nslow; /* slots used */
	int32_t shown;	/* its number on the page (1.. within its thread); 0: left out */
};

/* --diff: the page's run (A) compared with run B, whole runs (run_diff.h's figures). */
struct view_diff {
	const struct run_diff *functions;
	const struct run_diff *tree; /* NULL: a run has no spans to merge */
	const struct run_row *b;
	const char *db_a, *db_b;
};

struct view_input {
	struct run_query *ss; /* the function names and the table's figures */
	struct store *s;      /* the optional per-call fields (view_extras.c) */
	const struct span_filter *filter;
	const struct view_diff *diff; /* NULL: none */
};

struct view {
	struct export_common c; /* first: the state is one */
	const struct view_input *in;
	const struct run_row *run;
	struct analyze_opts aopts;
	struct table table; /* its fns are the tree's too */
	struct tree tree;   /* record mode: every thread's merged nodes kept */
	bool in_thread;
	struct view_thread *threads;
	size_t nthreads, threads_cap;
	struct view_node *nodes; /* indexed like tree.recorded, + the current thread's */
	size_t nodes_cap;
	bool all_calls; /* small run: calls[] holds every call */
	int calls_per_path; /* else: how many of each path's slowest calls are listed */
	struct view_call *calls;
	size_t ncalls, calls_cap;
	struct view_call *slow_pool; /* VIEW_CALLS_PER_PATH slots per node that has calls */
	size_t nslow_pool, slow_pool_cap;
	struct view_call *flame; /* the longest calls, those over flame_over_ns */
	size_t nflame, flame_cap;
	int64_t flame_over_ns; /* 0 until the budget was exceeded once */
	int64_t nodes_over_ns; /* more paths than VIEW_NODES_MAX: those over it are shown; else 0 */
	size_t flame_hidden;   /* flame chart calls of paths left out */
	int64_t spans;
};

/* view_data.c: the pass (an exporter outside the registry: export__run drives it). */
extern const struct exporter view_exporter;
/* view_paths.c: which paths are shown (view_node.shown), after the pass. */
int view__choose_paths(struct view *v);
/* The (keep + 1)-th largest of t[0..n) (t is sorted, largest first): what those kept are
 * longer than; 0 when n <= keep. */
int64_t view__cut(int64_t *t, size_t n, size_t keep);
/* view_json.c: the page's data, on a jsonw__new_html writer. */
int view__write_json(struct view *v, struct jsonw *w);
/* view_extras.c: a call's optional fields (arguments, return value, tags, CPU time), as
 * one object on w; 0 when the run stores none for it (nothing written). */
int view__call_extras(const struct view *v, const struct view_call *call, struct jsonw *w);
/* view_diff.c: the "diff" member of the page's data (nothing without --diff). */
int view__write_diff(const struct view *v, struct jsonw *w);
/* view_page.c: the page around the data (written by view_json.c on ctx->out). */
int view__write_page(struct view *v, FILE *out);

/* Writes run as an HTML page on to (with diff: its Diff view; NULL: none); *spans: how many
 * spans it read. 0 or -1 (printed). */
int view__run(struct store *s, struct run_query *ss, const struct run_row *run,
	      const struct span_filter *filter, const struct view_diff *diff,
	      const struct export_target *to, int64_t *spans);

#endif /* FERRET_VIEW_H */
