/*
 * The statistics table: one row per function.
 *   calls   every activation
 *   total   durations of the outermost activations per thread (recursion counts once)
 *   self    duration minus direct traced children, over every activation
 *   min/avg/max and p50/p95/p99 (nearest rank) over every activation's duration
 *   errors  spans of status error (an --error rule matched their return value)
 *   incomplete  spans neither ok nor error (no return seen, or its end not known)
 * Percentiles (analyze_pct.c) are computed for the rows shown only: exact by
 * default (a second pass), or from the first pass's histograms with --approx.
 * Runs recorded in stack mode (--min-duration, --aggregate, --max-rate) also hold
 * the kernel's per-function figures over every call: calls, total, min, avg and max
 * come from those; where not every call was stored, self is unknown and the
 * percentiles are estimated from the kernel's log2 histogram.
 * A run its tracer ended holds these figures over all its spans (run_figures.h,
 * stored by analyze_figures.c): without --pid/--thread they are read instead of
 * the spans, in time that does not grow with them.
 * --status/--where (analyze_args.h): every figure is over the calls that pass (self still
 * subtracts all their children), read from the spans; their durations are kept for exact
 * percentiles, up to pct_candidate_budget.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze_table.h"
#include "core/log.h"
#include "core/util.h"

#define DEFAULT_LIMIT 20

static const char *const col_names[COL__COUNT] = {
	"Function", "Module", "Calls", "Total", "Self", "Min", "Avg", "P50", "P95", "P99", "Max", "Errors", "Incomplete",
	"CPU", "Blocked",
};

int table_col__parse(const char *name)
{
	int c;

	for (c = 0; c < COL__COUNT; c++)
		if (!strcasecmp(name, col_names[c]))
			return c;
	return -1;
}

const char *table_col__name(enum table_col c)
{
	return col_names[c];
}

static struct row_figures *figures_of(struct table *t, int32_t fn)
{
	if (grow_array((void **)&t->figures, &t->figures_cap, (size_t)fn + 1, sizeof(*t->figures)))
		return NULL;
	for (; t->nfigures <= (size_t)fn; t->nfigures++)
		memset(&t->figures[t->nfigures], 0, sizeof(*t->figures));
	return &t->figures[fn];
}

int table__push(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct table *t = ctx;

	(void)parent;
	t->spans++;
	return figures_of(t, f->fn) ? 0 : -ENOMEM;
}

static void drop_kept(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nfigures; i++) {
		free(t->figures[i].kept);
		t->figures[i].kept = NULL;
		t->figures[i].nkept = t->figures[i].kept_cap = 0;
	}
}

/* A filtered call's duration kept for its function's exact percentiles. */
static int keep_duration(struct table *t, struct row_figures *st, int64_t duration_ns)
{
	if (t->kept_over)
		return 0;
	if (t->kept_total >= pct_candidate_budget) {
		t->kept_over = true;
		drop_kept(t);
		return 0;
	}
	if (grow_array((void **)&st->kept, &st->kept_cap, st->nkept + 1, sizeof(*st->kept)))
		return -ENOMEM;
	st->kept[st->nkept++] = duration_ns;
	t->kept_total++;
	return 0;
}

int table__pop(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct table *t = ctx;
	struct row_figures *st = &t->figures[f->fn];

	if (!parent)
		t->traced_ns = add_ns(t->traced_ns, f->duration_ns);
	if (f->skipped) /* --status, --where */
		return 0;
	if (!st->calls++ || f->duration_ns < st->min)
		st->min = f->duration_ns;
	if (f->duration_ns > st->max)
		st->max = f->duration_ns;
	st->sum += f->duration_ns;
	st->self = add_ns(st->self, sub_ns(f->duration_ns, f->children_ns));
	st->errors += f->status == SPAN_ERROR;
	st->incomplete += f->status != SPAN_OK && f->status != SPAN_ERROR;
	st->extended |= f->extended;
	if (analyze_opts__filtered(t->o) ? f->outermost_picked : f->outermost) {
		st->total = add_ns(st->total, f->duration_ns);
		sched_sum__add(&st->sched, f);
	}
	t->sched |= f->has_sched;
	if (analyze_opts__filtered(t->o) && keep_duration(t, st, f->duration_ns))
		return -ENOMEM;
	return pct_hist__add(&st->hist, f->duration_ns);
}

/* Nearest rank in a log2 histogram: the middle of the bucket, within [min, max]. */
static int64_t hist_percentile(const struct row_figures *st, int percent)
{
	int64_t rank = ((int64_t)st->calls * percent + 99) / 100, seen = 0, v;
	int b;

	for (b = 0; b < STORED_HIST_BUCKETS - 1; b++) {
		seen += st->agg_hist[b];
		if (seen >= (rank > 0 ? rank : 1))
			break;
	}
	v = (int64_t)(1.5 * (double)(1LL << b));
	return v < st->min ? st->min : v > st->max ? st->max : v;
}

/* Percentiles of the functions rows[0..n). */
static int compute_percentiles(struct table *t, const int32_t *rows, size_t n)
{
	struct pct_query q = { .run_key = t->run->run_key, .pid = t->o->pid, .tid = t->o->tid,
			       .all_functions = t->fns.n };
	struct pct_func *fns = calloc(n ? n : 1, sizeof(*fns));
	int32_t *exact = calloc(n ? n : 1, sizeof(*exact)); /* rows whose every call is a span */
	size_t i, m = 0;
	int err = 0;

	if (!fns || !exact) {
		free(fns);
		free(exact);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct row_figures *st = &t->figures[rows[i]];

		/* listed by the kernel's figures, never called, or count-only: nothing to rank */
		if (!st->calls || st->count_only)
			continue;
		if (st->nkept == st->calls && !t->o->approx) { /* --status/--where's calls */
			pct__of_durations(st->kept, st->nkept, st->pct);
			continue;
		}
		if (st->partial) {
			st->pct[0] = hist_percentile(st, 50);
			st->pct[1] = hist_percentile(st, 95);
			st->pct[2] = hist_percentile(st, 99);
			continue;
		}
		exact[m] = rows[i];
		fns[m] = (struct pct_func){ .key = t->fns.v[rows[i]].key, .calls = st->calls,
					  .min = st->min, .max = st->max, .hist = &st->hist };
		/* an extended call's stored duration is not its own, nor a compensated one: the
		 * histogram's is; the exact pass reads every call, not only the filtered ones */
		if (t->o->approx || st->extended || t->fns.comp.on || analyze_opts__filtered(t->o)) {
			pct__approx(&fns[m]);
			memcpy(st->pct, fns[m].value, sizeof(st->pct));
			continue;
		}
		m++;
	}
	if (m)
		err = pct__exact(t->ss, &q, fns, m);
	for (i = 0; !err && i < m; i++)
		memcpy(t->figures[exact[i]].pct, fns[i].value, sizeof(fns[i].value));
	free(fns);
	free(exact);
	return err;
}

static int overlay_aggregate(void *ctx, const struct stored_func_figures *agg)
{
	struct table *t = ctx;
	int32_t fn = fn_table__intern(&t->fns, t->ss, agg->function_key);
	struct row_figures *st;

	if (fn < 0)
		return fn;
	if (!(st = figures_of(t, fn)))
		return -ENOMEM;
	st->stored = st->calls;
	st->aggregated = true;
	st->partial = st->stored < (uint64_t)agg->calls;
	st->calls = (uint64_t)agg->calls;
	st->total = agg->total_ns;
	st->sum = agg->sum_ns;
	st->min = agg->min_ns;
	st->max = agg->max_ns;
	memcpy(st->agg_hist, agg->hist, sizeof(st->agg_hist));
	return 0;
}

/* Names ascending, numbers descending; ties by name then module so output is stable. */
static int row_cmp(const void *a, const void *b, void *ctx)
{
	const struct table *t = ctx;
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	const struct func_info *fx = &t->fns.v[x], *fy = &t->fns.v[y];
	enum table_col c = t->o->sort_col;
	int64_t vx, vy;
	int d;

	if (c == COL_MODULE && (d = strcmp(fx->module, fy->module)))
		return d;
	if (c != COL_FUNCTION && c != COL_MODULE) {
		vx = table__col_value(&t->figures[x], c);
		vy = table__col_value(&t->figures[y], c);
		if (vx != vy)
			return vx < vy ? 1 : -1;
	}
	if ((d = strcmp(fx->name, fy->name)))
		return d;
	return strcmp(fx->module, fy->module);
}

static bool sorts_by_percentile(enum table_col c)
{
	return c == COL_P50 || c == COL_P95 || c == COL_P99;
}

/* Selected functions, sorted and limited; percentiles computed for exactly those. */
static int select_rows(struct table *t, long limit)
{
	size_t i;
	int err = 0;

	if (!(t->rows = malloc((t->fns.n ? t->fns.n : 1) * sizeof(*t->rows))))
		return -ENOMEM;
	/* filtered: the functions with a call that passes */
	for (i = 0; i < t->fns.n; i++)
		if (t->fns.v[i].selected && (!analyze_opts__filtered(t->o) ||
					     (i < t->nfigures && t->figures[i].calls)))
			t->rows[t->nrows++] = (int32_t)i;
	if (!t->pct_known && sorts_by_percentile(t->o->sort_col) &&
	    (err = compute_percentiles(t, t->rows, t->nrows)))
		return err;
	qsort_r(t->rows, t->nrows, sizeof(*t->rows), row_cmp, t);
	t->nselected = t->nrows;
	if (limit > 0 && (size_t)limit < t->nrows)
		t->nrows = (size_t)limit;
	if (!t->pct_known && !sorts_by_percentile(t->o->sort_col))
		err = compute_percentiles(t, t->rows, t->nrows);
	return err;
}

void table__init(struct table *t, struct run_query *ss, const struct run_row *run,
		 const struct analyze_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->run = run;
	t->ss = ss;
	fn_table__init(&t->fns, o->function_glob);
}

void table__free(struct table *t)
{
	size_t i;

	drop_kept(t);
	for (i = 0; i < t->nfigures; i++)
		pct_hist__free(&t->figures[i].hist);
	free(t->figures);
	free(t->rows);
	fn_table__free(&t->fns);
}

/* --count-only and --overhead (function_probes): a count-only function's calls are its row. */
static int overlay_probes(void *ctx, const struct stored_function_probe *p)
{
	struct table *t = ctx;
	int32_t fn = fn_table__intern(&t->fns, t->ss, p->function_key);
	struct row_figures *st;

	if (fn < 0)
		return fn;
	if (!(st = figures_of(t, fn)))
		return -ENOMEM;
	st->count_only = p->count_only;
	st->removed_at_ns = p->removed_at_ns;
	if (p->count_only && !analyze_opts__filtered(t->o)) /* counted: no status, no values */
		st->calls = (uint64_t)p->calls;
	return 0;
}

static int count_aggregate(void *ctx, const struct stored_func_figures *agg)
{
	(void)agg;
	++*(int64_t *)ctx;
	return 0;
}

/* The kernel's figures count every call, whatever its status or values: a filtered table
 * is over the stored spans alone. */
static int note_unfiltered(struct table *t)
{
	int64_t n = 0;
	int err = run_query__func_figures(t->ss, t->run->run_key, count_aggregate, &n);

	if (!err && n)
		fwarn("run %s did not store every call as a span (--min-duration, --aggregate or "
		      "--max-rate): --status and --where count the stored ones only", t->run->run_id);
	return err;
}

int table__finish_figures(struct table *t)
{
	size_t i;
	int err = 0;

	/* Per-function figures of a stack-mode run count every process and thread. */
	if (analyze_opts__filtered(t->o))
		err = note_unfiltered(t);
	else if (!t->o->pid && !t->o->tid)
		err = run_query__func_figures(t->ss, t->run->run_key, overlay_aggregate, t);
	for (i = 0; i < t->nfigures; i++) {
		struct row_figures *st = &t->figures[i];

		st->avg = st->calls ? (int64_t)((st->sum + st->calls / 2) / st->calls) : 0;
	}
	return err;
}

int table__all_percentiles(struct table *t)
{
	int32_t *all = malloc((t->nfigures ? t->nfigures : 1) * sizeof(*all));
	size_t i;
	int err;

	if (!all)
		return -ENOMEM;
	for (i = 0; i < t->nfigures; i++)
		all[i] = (int32_t)i;
	err = compute_percentiles(t, all, t->nfigures);
	free(all);
	return err;
}

void table__stored_row(const struct table *t, int32_t fn, struct stored_function_row *out)
{
	const struct row_figures *st = &t->figures[fn];
	struct pct_func approx = { .calls = st->calls, .min = st->min, .max = st->max, .hist = &st->hist };

	*out = (struct stored_function_row){
		.function_key = t->fns.v[fn].key, .calls = st->calls, .errors = st->errors,
		.total_ns = st->total, .self_known = !st->partial, .self_ns = st->self,
		.min_ns = st->min, .max_ns = st->max, .avg_ns = st->avg,
		.aggregated = st->aggregated, .stored_spans = st->stored, .incomplete = st->incomplete,
		.sched = st->sched,
	};
	memcpy(out->pct, st->pct, sizeof(out->pct));
	memcpy(out->approx_pct, st->pct, sizeof(out->approx_pct)); /* the histogram's either way */
	if (st->calls && !st->partial) {
		pct__approx(&approx);
		memcpy(out->approx_pct, approx.value, sizeof(out->approx_pct));
	}
}

/* One function's figures as the run's end stored them. */
static int load_stored(void *ctx, const struct stored_function_row *r)
{
	struct table *t = ctx;
	int32_t fn = fn_table__intern(&t->fns, t->ss, r->function_key);
	struct row_figures *st;

	if (fn < 0)
		return fn;
	if (!(st = figures_of(t, fn)))
		return -ENOMEM;
	st->calls = r->calls;
	st->errors = r->errors;
	st->incomplete = r->incomplete;
	st->total = r->total_ns;
	st->self = r->self_ns;
	st->min = r->min_ns;
	st->max = r->max_ns;
	st->avg = r->avg_ns;
	memcpy(st->pct, t->o->approx ? r->approx_pct : r->pct, sizeof(st->pct));
	st->aggregated = r->aggregated;
	st->stored = r->stored_spans;
	st->partial = r->aggregated && r->stored_spans < r->calls;
	st->sched = r->sched;
	/* The spans' walk shows the columns when any span has figures, these when an outermost
	 * activation has: the same, unless the only spans with figures are recursive calls
	 * inside ones without. */
	t->sched |= r->sched.known > 0;
	return 0;
}

/* 1: the figures stored when the run ended answer this table (no --pid/--thread: those
 * count only some threads' spans); 0: the spans must be read. */
static int read_stored(struct table *t)
{
	struct stored_run_totals totals;
	int found;

	/* compensated durations and filtered calls are computed from the spans, not stored */
	if (t->o->pid || t->o->tid || t->fns.comp.on || analyze_opts__filtered(t->o) ||
	    (found = analyze__stored_totals(t->ss, t->run, &totals)) == 0)
		return 0;
	if (found < 0)
		return found;
	t->spans = totals.spans;
	t->traced_ns = totals.traced_ns;
	t->pct_known = true;
	found = run_query__stored_functions(t->ss, t->run->run_key, load_stored, t);
	return found < 0 ? found : 1;
}

int table__compute(struct table *t)
{
	static const struct walk_ops ops = { .push = table__push, .pop = table__pop };
	const struct analyze_opts *o = t->o;
	int err;

	if ((err = probe_comp__load(&t->fns.comp, t->ss, t->run, o->raw)) || (err = read_stored(t)) < 0)
		return err;
	if (!err && ((err = analyze__walk(t->ss, t->run, o, &t->fns, &ops, t)) ||
		     (err = table__finish_figures(t))))
		return err;
	/* err 1: read from the stored figures */
	if (!o->pid && !o->tid)
		return run_query__function_probes(t->ss, t->run->run_key, overlay_probes, t);
	return 0;
}

int analyze__table(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		  const struct out_style *st)
{
	struct table t;
	long limit = o->limit >= 0 ? o->limit : o->json ? 0 : DEFAULT_LIMIT;
	int err;

	table__init(&t, ss, run, o);
	if ((err = table__compute(&t)))
		goto cleanup;
	if (!t.spans && !t.nfigures) {
		ferr("run %s has no spans%s", run->run_id, o->pid || o->tid ? " for this --pid/--thread" : "");
		err = -ENOENT;
		goto cleanup;
	}
	if ((err = select_rows(&t, limit)))
		goto cleanup;
	if (!t.nselected) {
		analyze__no_match(run, o, "function");
		err = -ENOENT;
		goto cleanup;
	}
	err = o->json ? table__print_json(&t, st->out) : table__print_text(&t, st);
cleanup:
	if (err == -ENOMEM)
		ferr("out of memory");
	table__free(&t);
	return err;
}
