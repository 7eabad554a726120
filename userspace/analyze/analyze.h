/*
 * analyze: the statistics table and the call tree of one run.
 *
 * Both read the run in ONE streaming pass over its spans (run_query.h: ordered
 * by thread, start, depth) with a per-thread stack, so memory grows with the
 * number of distinct functions and tree nodes, never with the number of spans.
 * Exact percentiles take a second pass (analyze_pct.c).
 */
#ifndef FERRET_ANALYZE_H
#define FERRET_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hashmap.h"
#include "core/jsonw.h"
#include "store/store.h"
#include "store/run_query.h"
#include "open_call.h"

enum table_col {
	COL_FUNCTION,
	COL_MODULE,
	COL_CALLS,
	COL_TOTAL,
	COL_SELF,
	COL_MIN,
	COL_AVG,
	COL_P50,
	COL_P95,
	COL_P99,
	COL_MAX,
	COL_ERRORS,
	COL_INCOMPLETE, /* shown when some call is neither ok nor error */
	/* On-CPU and blocked time (analyze_sched.h): shown when the run has them. */
	COL_CPU,
	COL_BLOCKED,
	COL__COUNT,
};

struct analyze_opts {
	const char *db_path;
	const char *run_id;	   /* NULL: the latest run */
	int pid;		   /* 0: every process */
	int tid;		   /* 0: every thread */
	const char *function_glob; /* table: rows shown; tree: subtrees rooted at matching calls */
	bool json;
	/* table */
	enum table_col sort_col;
	long limit;	    /* 0: all rows; <0: the default (20 as text, all as JSON) */
	bool approx;	    /* percentiles from a histogram (within 1/64) instead of exact */
	/* tree */
	bool tree;
	bool calls;	    /* every call on its own, in time order, instead of merged paths */
	bool raw;	    /* durations as measured, not compensated for probe cost */
	long max_depth;	    /* 0: no limit */
	double min_percent; /* hide nodes below this share of their thread's time */
	/* Only the calls of this status ("error", "ok", ...) and whose values match --where's
	 * comparison (analyze_args.h) count: the table's rows, the merged tree's paths to them,
	 * --calls' lines. NULL: no filter. */
	const char *status;
	const char *where;
	bool by_name; /* --by name: the table groups calls by their --name (analyze_by_name.c) */
};

static inline bool analyze_opts__filtered(const struct analyze_opts *o)
{
	return o->status || o->where;
}

/* How text output looks: decided once from the locale, the terminal and NO_COLOR. */
struct out_style {
	FILE *out;
	bool utf8;
	bool color;
};

/* ---- functions of a run and the per-thread stack walk (analyze_walk.c) ---- */

struct func_info {
	int64_t key;	  /* functions.id */
	char *name;
	char *module;	  /* basename of the module's path */
	bool selected;	  /* matches --function (true when there is no glob) */
	int32_t active;	  /* activations open on the current thread's stack */
	int32_t picked_active; /* of those, the ones --status/--where pick */
	int64_t call_ns, inside_ns; /* its probe kind's cost (probe_comp.c); 0: not known */
};

/* ---- durations compensated for probe cost (probe_comp.c) ---- */

struct probe_comp {
	bool calibrated; /* the run holds probe costs */
	bool on;	 /* calibrated and not --raw: durations are compensated */
	char costs[256]; /* "N ns per nop5 call, ..." */
};

int probe_comp__load(struct probe_comp *pc, struct run_query *ss, const struct run_row *run, bool raw);
/* The line under the run header, and its JSON field ("durations"). */
void probe_comp__print(const struct out_style *st, const struct probe_comp *pc);
void probe_comp__json(struct jsonw *w, const struct probe_comp *pc);
/* A call's duration less its own probes' part inside it and its traced descendants' whole
 * cost, never below 0. */
static inline int64_t probe_comp__duration(int64_t raw_ns, int64_t inside_ns, int64_t descendants_ns)
{
	int64_t d = sub_ns(sub_ns(raw_ns, inside_ns), descendants_ns);

	return d > 0 ? d : 0;
}
/* At c's pop (its raw duration final): c compensated (status ok only), and its probe cost
 * with its descendants' counted into parent's probe_ns. */
void probe_comp__pop(struct open_call *c, struct func_info *fi, struct open_call *parent);

struct func_table {
	struct func_info *v;
	size_t n, cap;
	struct hashmap index_of; /* (key, 0) -> index in v */
	const char *glob;
	struct probe_comp comp; /* filled by probe_comp__load before the walk */
};

void fn_table__init(struct func_table *t, const char *glob);
void fn_table__free(struct func_table *t);
/* The function's index, its names read on first sight; <0: error (printed). */
int32_t fn_table__intern(struct func_table *t, struct run_query *ss, int64_t key);
int32_t fn_table__find(const struct func_table *t, int64_t key); /* -1: unknown */

struct thread_info {
	int64_t key; /* threads.id */
	int pid, tid;
	char comm[64];
};

struct walk_ops {
	int (*thread_begin)(void *ctx, const struct thread_info *th);
	/* parent: NULL for a root; call->user starts at -1 */
	int (*push)(void *ctx, struct open_call *call, struct open_call *parent);
	/* call's duration is final here; self time is call->duration_ns - call->children_ns */
	int (*pop)(void *ctx, struct open_call *call, struct open_call *parent);
	int (*thread_end)(void *ctx);
};

/* Streams the run's spans (pid/tid filters applied in SQL) through ops. */
int analyze__walk(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		  struct func_table *fns, const struct walk_ops *ops, void *ctx);

/* ---- output helpers (analyze_fmt.c) ---- */

void out_style__detect(struct out_style *st, FILE *out);
const char *out__color(const struct out_style *st, const char *sgr); /* SGR_*, or "" when plain */
void out__pad(FILE *out, const char *s, size_t width, bool right);
char *out__duration(const struct out_style *st, int64_t ns, char *buf, size_t len);
void out__run_header(const struct out_style *st, const struct run_row *run);
/* analyze's JSON is written by a jsonw__new_spaced() writer: ", " and ": " between items. */
void json__kv_text(struct jsonw *w, const char *key, const char *s); /* NULL: "" */
void json__run_fields(struct jsonw *w, const struct run_row *run); /* "run_id": ..., without braces */
/* "-f 'GLOB' --status S --where 'E'": the options that pick calls, as given ("" when none). */
void analyze__filters_text(const struct analyze_opts *o, char *buf, size_t len);
/* The one error line when nothing is left to show: "no call of run R matches -f 'g' --status
 * error" under --status/--where, else "no <what> of run R matches 'g'". */
void analyze__no_match(const struct run_row *run, const struct analyze_opts *o, const char *what);
/* --status/--where: "only the calls of --status error<what>" under the run header. */
void out__filter_line(const struct out_style *st, const struct analyze_opts *o, const char *what);
/* --status/--where: their "status" and "where" fields, as given. */
void json__filter_fields(struct jsonw *w, const struct analyze_opts *o);

#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[1;31m"
#define SGR_YELLOW "\033[33m"
#define SGR_DIM "\033[2m"
#define SGR_RESET "\033[0m"

/* ---- percentiles, nearest rank (analyze_pct.c) ---- */

/* A log histogram: exact below 32 ns, then 32 buckets per power of two up to 2^48 ns. */
#define PCT_SUB 32
#define PCT_MAX_EXP 47
#define PCT_BUCKETS (PCT_SUB + (PCT_MAX_EXP - 4) * PCT_SUB)

#define PCT_GROUPS (PCT_BUCKETS / PCT_SUB)

/* Allocated a group of 32 buckets (one power of two) at a time: a function's
 * durations usually span a few, so it costs ~1 KB, not 5.6. */
struct pct_hist {
	uint32_t *group[PCT_GROUPS];
};

int pct_hist__add(struct pct_hist *h, int64_t duration_ns); /* -ENOMEM */
uint32_t pct_hist__count(const struct pct_hist *h, size_t bucket);
void pct_hist__free(struct pct_hist *h);
int pct_hist__merge(struct pct_hist *into, const struct pct_hist *h); /* -ENOMEM */

extern const int pct_levels[3]; /* 50, 95, 99 */
extern size_t pct_candidate_budget; /* durations the exact scan may keep (tests set 0: SQL sort) */
size_t pct__bucket(int64_t duration_ns);

struct pct_func {
	int64_t key; /* functions.id */
	uint64_t calls;
	int64_t min, max;
	const struct pct_hist *hist; /* its durations */
	int64_t value[3];     /* out: p50, p95, p99 */
};

struct pct_query {
	int64_t run_key;
	int pid, tid;
	size_t all_functions; /* how many the run has: when every one is wanted, no key list */
};

void pct__approx(struct pct_func *f); /* bucket middles: within 1/64 */
/* Exact nearest ranks of the durations d[0..n) (n > 0), which it sorts. */
void pct__of_durations(int64_t *d, size_t n, int64_t value[3]);
int pct__exact(struct run_query *ss, const struct pct_query *q, struct pct_func *fns, size_t n);

/* ---- figures stored when a run ends (analyze_figures.c) ---- */

/* 1: run's figures were stored when its tracer ended it and still match it (*out filled);
 * 0: read the spans (none stored, a run still written, or FERRET_ANALYZE_SPANS=1 set);
 * <0: error (printed). */
int analyze__stored_totals(struct run_query *ss, const struct run_row *run, struct stored_run_totals *out);
/* Computes the table's and the merged tree's figures of the ended run run_id in one pass over its
 * spans and stores them through s; 0 or <0 (printed: the run stays readable from its spans). */
int analyze__store_figures(struct store *s, const char *db_path, const char *run_id);

/* ---- the two views ---- */
int table_col__parse(const char *name); /* -1: unknown column */
const char *table_col__name(enum table_col c);
int analyze__table(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		  const struct out_style *st);
/* --by name: calls grouped by the names --name gave them. */
int analyze__by_name(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		     const struct out_style *st);
int analyze__tree(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		 const struct out_style *st);

#endif /* FERRET_ANALYZE_H */
