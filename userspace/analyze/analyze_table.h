/* The statistics table's inner interface: analyze_table.c computes the figures (from the
 * spans, or as stored when the run ended), analyze_table_out.c prints them as text or JSON,
 * analyze_figures.c stores them when a run ends. */
#ifndef FERRET_ANALYZE_TABLE_H
#define FERRET_ANALYZE_TABLE_H

#include "analyze.h"
#include "analyze_sched.h"
#include "store/run_figures.h"

/* A function's figures over the run. */
struct row_figures {
	uint64_t calls, errors;
	int64_t total, self, min, max; /* total and self saturate at INT64_MAX (crafted files) */
	__int128 sum;		       /* every activation's: exact for the average */
	int64_t avg;		       /* rounded, once every call is counted */
	int64_t pct[3]; /* p50, p95, p99 */
	struct pct_hist hist;
	bool aggregated;     /* calls, total, min, avg, max from the kernel's figures */
	bool partial;	     /* aggregated, and fewer spans stored than calls made */
	uint64_t stored;     /* spans stored */
	bool extended;	     /* a call lasted longer than stored: no exact percentiles */
	int64_t agg_hist[STORED_HIST_BUCKETS];
	bool count_only;       /* --count-only: calls counted, never timed */
	int64_t removed_at_ns; /* --overhead removed its probes then (figures until then); 0: never */
	uint64_t incomplete;   /* calls neither ok nor error (errors: of status error) */
	struct sched_sum sched; /* on-CPU/blocked time of its outermost activations */
	int64_t *kept;	/* --status/--where: its calls' durations, for exact percentiles */
	size_t nkept, kept_cap;
};

struct table {
	struct func_table fns;
	struct row_figures *figures; /* indexed like fns.v */
	size_t nfigures, figures_cap; /* nfigures: zeroed so far */
	const struct analyze_opts *o;
	const struct run_row *run;
	struct run_query *ss;
	int64_t spans;
	int64_t traced_ns; /* sum of root calls: what "slow" is measured against */
	bool pct_known;	   /* read as stored: no percentile pass */
	int32_t *rows;
	size_t nrows;
	size_t nselected; /* rows before --limit */
	bool sched;	  /* some span has on-CPU/blocked figures: the CPU and Blocked columns */
	/* --status/--where: the exact pass would read every call, so the filtered calls'
	 * durations are kept, up to pct_candidate_budget in all; past it none are and the
	 * percentiles come from the histograms. */
	size_t kept_total;
	bool kept_over;
};

/* Percentiles of the table that are estimates, whatever --approx says. */
static inline bool table__pct_approx(const struct table *t)
{
	return t->fns.comp.on || (analyze_opts__filtered(t->o) && t->kept_over);
}

static inline int64_t table__col_value(const struct row_figures *st, enum table_col c)
{
	switch (c) {
	case COL_CALLS: return (int64_t)st->calls;
	case COL_TOTAL: return st->total;
	case COL_SELF: return st->partial ? -1 : st->self;
	case COL_MIN: return st->min;
	case COL_AVG: return st->avg;
	case COL_P50: return st->pct[0];
	case COL_P95: return st->pct[1];
	case COL_P99: return st->pct[2];
	case COL_MAX: return st->max;
	case COL_ERRORS: return (int64_t)st->errors;
	case COL_INCOMPLETE: return (int64_t)st->incomplete;
	case COL_CPU: return sched_sum__complete(&st->sched) ? st->sched.cpu_ns : -1;
	case COL_BLOCKED: return sched_sum__complete(&st->sched) ? st->sched.blocked_ns : -1;
	default: return 0;
	}
}

/* A function never called (stack mode lists every selected one) has no durations. */
static inline bool table__no_durations(const struct row_figures *st, enum table_col c)
{
	if (st->count_only) /* --count-only: counted, never timed */
		return c >= COL_TOTAL && c <= COL_MAX;
	return !st->calls && c >= COL_MIN && c <= COL_MAX;
}

/* ---- computing (analyze_table.c) ---- */
void table__init(struct table *t, struct run_query *ss, const struct run_row *run,
		 const struct analyze_opts *o);
void table__free(struct table *t);
/* The walk's callbacks: every span's figures (ctx: the table). */
int table__push(void *ctx, struct open_call *f, struct open_call *parent);
int table__pop(void *ctx, struct open_call *f, struct open_call *parent);
/* After the walk: stack mode's kernel figures over the spans' (unless --pid/--thread), then
 * every average. */
int table__finish_figures(struct table *t);
/* Every function's figures of t's run (t->o's filters), as analyze__table computes them
 * before printing: stored figures when they answer, else one walk of the spans. Percentiles
 * are not computed yet unless t->pct_known (table__all_percentiles). 0 or <0. */
int table__compute(struct table *t);
/* When a run ends (the walk had no filter): every function's percentiles, exact, then each
 * function's row as stored, with the --approx ones too. */
int table__all_percentiles(struct table *t);
void table__stored_row(const struct table *t, int32_t fn, struct stored_function_row *out);

/* ---- printing (analyze_table_out.c) ---- */
int table__print_text(const struct table *t, const struct out_style *st);
int table__print_json(const struct table *t, FILE *out); /* only memory fails (-EIO, printed) */
/* One function's row of the JSON table (fn: an index in t->fns), as an object on w. */
void table__json_function(struct jsonw *w, const struct table *t, int32_t fn);

#endif /* FERRET_ANALYZE_TABLE_H */
