/*
 * The statistics table: one row per function.
 *   calls   every activation
 *   total   durations of the outermost activations per thread (recursion counts once)
 *   self    duration minus direct traced children, over every activation
 *   min/avg/max and p50/p95/p99 (nearest rank) over every activation's duration
 *   errors  spans whose status is not ok
 * Percentiles (analyze_pct.c) are computed for the rows shown only: exact by
 * default (a second pass), or from the first pass's histograms with --approx.
 * Runs recorded in stack mode (--min-duration, --aggregate, --max-rate) also hold
 * the kernel's per-function figures over every call: calls, total, min, avg and max
 * come from those; where not every call was stored, self is unknown and the
 * percentiles are estimated from the kernel's log2 histogram.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/util.h"

#define DEFAULT_LIMIT 20
#define NAME_MAX_WIDTH 60

/* A function's figures over the run. */
struct row_figures {
	uint64_t calls, errors;
	int64_t total, self, min, max; /* total and self saturate at INT64_MAX (crafted files) */
	__int128 sum;		       /* every activation's: exact for the average */
	int64_t pct[3]; /* p50, p95, p99 */
	struct pct_hist hist;
	bool aggregated;     /* calls, total, min, avg, max from the kernel's figures */
	bool partial;	     /* aggregated, and fewer spans stored than calls made */
	uint64_t stored;     /* spans stored */
	bool extended;	     /* a call lasted longer than stored: no exact percentiles */
	int64_t agg_hist[STORED_HIST_BUCKETS];
	bool count_only;       /* --count-only: calls counted, never timed */
	int64_t removed_at_ns; /* --overhead removed its probes then (figures until then); 0: never */
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
	int32_t *rows;
	size_t nrows;
	size_t nselected; /* rows before --limit */
};

static const char *const col_names[COL__COUNT] = {
	"Function", "Module", "Calls", "Total", "Self", "Min", "Avg", "P50", "P95", "P99", "Max", "Errors",
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

static int table_push(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct table *t = ctx;

	(void)parent;
	t->spans++;
	return figures_of(t, f->fn) ? 0 : -ENOMEM;
}

static int table_pop(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct table *t = ctx;
	struct row_figures *st = &t->figures[f->fn];

	if (!st->calls++ || f->duration_ns < st->min)
		st->min = f->duration_ns;
	if (f->duration_ns > st->max)
		st->max = f->duration_ns;
	st->sum += f->duration_ns;
	st->self = add_ns(st->self, sub_ns(f->duration_ns, f->children_ns));
	st->errors += f->status != SPAN_OK;
	st->extended |= f->extended;
	if (f->outermost)
		st->total = add_ns(st->total, f->duration_ns);
	if (!parent)
		t->traced_ns = add_ns(t->traced_ns, f->duration_ns);
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
		if (st->partial) {
			st->pct[0] = hist_percentile(st, 50);
			st->pct[1] = hist_percentile(st, 95);
			st->pct[2] = hist_percentile(st, 99);
			continue;
		}
		exact[m] = rows[i];
		fns[m] = (struct pct_func){ .key = t->fns.v[rows[i]].key, .calls = st->calls,
					  .min = st->min, .max = st->max, .hist = &st->hist };
		/* an extended call's stored duration is not its own: the histogram's is */
		if (t->o->approx || st->extended) {
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
	if (p->count_only)
		st->calls = (uint64_t)p->calls;
	return 0;
}

static int64_t col_value(const struct row_figures *st, enum table_col c)
{
	switch (c) {
	case COL_CALLS: return (int64_t)st->calls;
	case COL_TOTAL: return st->total;
	case COL_SELF: return st->partial ? -1 : st->self;
	case COL_MIN: return st->min;
	case COL_AVG: return st->calls ? (int64_t)((st->sum + st->calls / 2) / st->calls) : 0;
	case COL_P50: return st->pct[0];
	case COL_P95: return st->pct[1];
	case COL_P99: return st->pct[2];
	case COL_MAX: return st->max;
	case COL_ERRORS: return (int64_t)st->errors;
	default: return 0;
	}
}

/* A function never called (stack mode lists every selected one) has no durations. */
static bool no_durations(const struct row_figures *st, enum table_col c)
{
	if (st->count_only) /* --count-only: counted, never timed */
		return c >= COL_TOTAL && c <= COL_MAX;
	return !st->calls && c >= COL_MIN && c <= COL_MAX;
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
		vx = col_value(&t->figures[x], c);
		vy = col_value(&t->figures[y], c);
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
	for (i = 0; i < t->fns.n; i++)
		if (t->fns.v[i].selected)
			t->rows[t->nrows++] = (int32_t)i;
	if (sorts_by_percentile(t->o->sort_col) && (err = compute_percentiles(t, t->rows, t->nrows)))
		return err;
	qsort_r(t->rows, t->nrows, sizeof(*t->rows), row_cmp, t);
	t->nselected = t->nrows;
	if (limit > 0 && (size_t)limit < t->nrows)
		t->nrows = (size_t)limit;
	if (!sorts_by_percentile(t->o->sort_col))
		err = compute_percentiles(t, t->rows, t->nrows);
	return err;
}

/* Copies s, cut to at most width characters with an ellipsis. */
static void fit(const char *s, size_t width, bool utf8, char *buf, size_t len)
{
	utf8__fit(s, width, utf8 ? "…" : "...", buf, len);
}

#define CELL 256

static void format_row(const struct table *t, const struct out_style *st, int32_t row,
		       char cells[COL__COUNT][CELL])
{
	const struct row_figures *fs = &t->figures[row];
	double rate;
	int c;

	char name[CELL];

	snprintf(name, sizeof(name), "%s%s%s%s", t->fns.v[row].name, fs->partial ? " *" : "",
		 fs->count_only ? " #" : "", fs->removed_at_ns ? " ^" : "");
	fit(name, NAME_MAX_WIDTH, st->utf8, cells[COL_FUNCTION], CELL);
	fit(t->fns.v[row].module, 24, st->utf8, cells[COL_MODULE], CELL);
	snprintf(cells[COL_CALLS], CELL, "%llu", (unsigned long long)fs->calls);
	for (c = COL_TOTAL; c <= COL_MAX; c++) {
		if (no_durations(fs, c))
			snprintf(cells[c], CELL, "-");
		else
			out__duration(st, col_value(fs, c), cells[c], CELL);
	}
	if (fs->partial) {
		snprintf(cells[COL_SELF], CELL, "-");
		for (c = COL_P50; c <= COL_P99; c++) {
			char v[CELL - 2];

			snprintf(v, sizeof(v), "%s", cells[c]);
			snprintf(cells[c], CELL, "~%s", v);
		}
	}
	if (!fs->errors) {
		snprintf(cells[COL_ERRORS], CELL, "0");
		return;
	}
	rate = 100.0 * (double)fs->errors / (double)fs->calls;
	if (rate < 0.1)
		snprintf(cells[COL_ERRORS], CELL, "%llu (<0.1%%)", (unsigned long long)fs->errors);
	else
		snprintf(cells[COL_ERRORS], CELL, "%llu (%.1f%%)", (unsigned long long)fs->errors, rate);
}

/* Rows holding half of the traced time are red, a tenth yellow. */
static const char *row_color(const struct table *t, const struct out_style *st, int32_t row)
{
	int64_t total = t->figures[row].total;

	if ((double)total * 2 >= (double)t->traced_ns && t->traced_ns) /* no overflow */
		return out__color(st, SGR_RED);
	if ((double)total * 10 >= (double)t->traced_ns && t->traced_ns)
		return out__color(st, SGR_YELLOW);
	return "";
}

static void print_line(const struct out_style *st, char cells[COL__COUNT][CELL], const size_t *w,
		       const char *color)
{
	int c;

	fputs(color, st->out);
	for (c = 0; c < COL__COUNT; c++) {
		if (c)
			fputs("  ", st->out);
		if (c == COL__COUNT - 1) /* no trailing blanks */
			fputs(cells[c], st->out);
		else
			out__pad(st->out, cells[c], w[c], c > COL_MODULE);
	}
	fprintf(st->out, "%s\n", *color ? out__color(st, SGR_RESET) : "");
}

/* The footnotes of --count-only and --overhead rows shown. */
static void print_probe_notes(const struct table *t, const struct out_style *st)
{
	size_t i, named = 0;

	for (i = 0; i < t->nrows; i++)
		if (t->figures[t->rows[i]].count_only && !named++)
			fprintf(st->out, "# count-only (--count-only): every call counted, no times (-)\n");
	for (i = 0, named = 0; i < t->nrows; i++) {
		const struct row_figures *fs = &t->figures[t->rows[i]];

		if (!fs->removed_at_ns)
			continue;
		fprintf(st->out, "%s%s at %.1f s", named++ ? ", " : "^ probes removed by --overhead: ",
			t->fns.v[t->rows[i]].name, (double)(fs->removed_at_ns - t->run->start_mono_ns) / 1e9);
	}
	if (named)
		fprintf(st->out, "; their figures count the calls until then\n");
}

static int print_text(const struct table *t, const struct out_style *st)
{
	char (*cells)[COL__COUNT][CELL] = malloc((t->nrows + 1) * sizeof(*cells));
	size_t w[COL__COUNT] = { 0 }, i;
	int c;

	if (!cells)
		return -ENOMEM;
	for (c = 0; c < COL__COUNT; c++)
		snprintf(cells[0][c], CELL, "%s", col_names[c]);
	for (i = 0; i < t->nrows; i++)
		format_row(t, st, t->rows[i], cells[i + 1]);
	for (i = 0; i <= t->nrows; i++)
		for (c = 0; c < COL__COUNT; c++)
			if (utf8__width(cells[i][c]) > w[c])
				w[c] = utf8__width(cells[i][c]);
	out__run_header(st, t->run);
	fputc('\n', st->out);
	print_line(st, cells[0], w, out__color(st, SGR_BOLD));
	for (i = 0; i < t->nrows; i++)
		print_line(st, cells[i + 1], w, row_color(t, st, t->rows[i]));
	if (t->nrows < t->nselected)
		fprintf(st->out, "(%zu of %zu functions shown; --limit 0 shows all)\n", t->nrows,
			t->nselected);
	for (i = 0; i < t->nrows && !t->figures[t->rows[i]].partial; i++)
		;
	if (i < t->nrows)
		fprintf(st->out, "* not every call was stored as a span (--min-duration, --aggregate or "
			"--max-rate): calls, total, min, avg and max count every call in the kernel; "
			"self is unknown (-) and percentiles (~) come from a log2 histogram\n");
	print_probe_notes(t, st);
	free(cells);
	return 0;
}

/* A figure as JSON: null when it has none (self not known, a function never called). */
static void json_figure(struct jsonw *w, const char *key, const struct row_figures *ff, enum table_col c)
{
	jsonw__key(w, key);
	if (no_durations(ff, c) || (c == COL_SELF && ff->partial))
		jsonw__null(w);
	else
		jsonw__int(w, col_value(ff, c));
}

/* Where an aggregated function's percentiles come from. */
static const char *percentiles_source(const struct table *t, const struct row_figures *fs)
{
	if (!fs->calls)
		return "none";
	if (fs->partial)
		return "histogram";
	return t->o->approx ? "approx" : "exact";
}

static void json_function(struct jsonw *w, const struct table *t, int32_t row)
{
	static const struct {
		const char *key;
		enum table_col col;
	} figures[] = { { "self_ns", COL_SELF }, { "min_ns", COL_MIN }, { "avg_ns", COL_AVG },
			{ "p50_ns", COL_P50 },	 { "p95_ns", COL_P95 }, { "p99_ns", COL_P99 },
			{ "max_ns", COL_MAX } };
	const struct func_info *fi = &t->fns.v[row];
	const struct row_figures *fs = &t->figures[row];
	size_t k;

	jsonw__newline_indent(w, 2);
	jsonw__begin_object(w);
	json__kv_text(w, "function", fi->name);
	json__kv_text(w, "module", fi->module);
	jsonw__kv_uint(w, "calls", fs->calls);
	json_figure(w, "total_ns", fs, COL_TOTAL);
	for (k = 0; k < sizeof(figures) / sizeof(figures[0]); k++)
		json_figure(w, figures[k].key, fs, figures[k].col);
	jsonw__kv_uint(w, "errors", fs->errors);
	if (fs->count_only)
		jsonw__kv_string(w, "probes", "count-only");
	if (fs->removed_at_ns)
		jsonw__kv_int(w, "removed_at_ns", fs->removed_at_ns);
	if (fs->aggregated) {
		jsonw__kv_string(w, "source", "aggregate");
		jsonw__kv_uint(w, "stored_spans", fs->stored);
		jsonw__kv_string(w, "percentiles", percentiles_source(t, fs));
	}
	jsonw__end_object(w);
}

/* A write error is the caller's to report (it checks the FILE): only memory fails here. */
static int print_json(const struct table *t, FILE *out)
{
	struct jsonw *w = jsonw__new_spaced(out);
	char sort[16];
	size_t i;
	int err;

	if (!w)
		return -EIO; /* printed */
	for (i = 0; col_names[t->o->sort_col][i] && i < sizeof(sort) - 1; i++)
		sort[i] = (char)tolower((unsigned char)col_names[t->o->sort_col][i]);
	sort[i] = '\0';
	jsonw__begin_object(w);
	json__run_fields(w, t->run);
	jsonw__kv_string(w, "sort", sort);
	jsonw__kv_string(w, "percentiles", t->o->approx ? "approx" : "exact");
	jsonw__key(w, "functions");
	jsonw__begin_array(w);
	for (i = 0; i < t->nrows; i++)
		json_function(w, t, t->rows[i]);
	if (t->nrows)
		jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
	err = jsonw__out_of_memory(w) ? -EIO : 0;
	jsonw__free(w);
	return err;
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nfigures; i++)
		pct_hist__free(&t->figures[i].hist);
	free(t->figures);
	free(t->rows);
	fn_table__free(&t->fns);
}

int analyze__table(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		  const struct out_style *st)
{
	static const struct walk_ops ops = { .push = table_push, .pop = table_pop };
	struct table t = { .o = o, .run = run, .ss = ss };
	long limit = o->limit >= 0 ? o->limit : o->json ? 0 : DEFAULT_LIMIT;
	int err;

	fn_table__init(&t.fns, o->function_glob);
	if ((err = analyze__walk(ss, run, o, &t.fns, &ops, &t)))
		goto cleanup;
	/* Per-function figures of a stack-mode run count every process and thread. */
	if (!o->pid && !o->tid && (err = run_query__func_figures(ss, run->run_key, overlay_aggregate, &t)))
		goto cleanup;
	if (!o->pid && !o->tid && (err = run_query__function_probes(ss, run->run_key, overlay_probes, &t)))
		goto cleanup;
	if (!t.spans && !t.nfigures) {
		ferr("run %s has no spans%s", run->run_id, o->pid || o->tid ? " for this --pid/--thread" : "");
		err = -ENOENT;
		goto cleanup;
	}
	if ((err = select_rows(&t, limit)))
		goto cleanup;
	if (!t.nselected) {
		ferr("no function of run %s matches '%s'", run->run_id, o->function_glob);
		err = -ENOENT;
		goto cleanup;
	}
	err = o->json ? print_json(&t, st->out) : print_text(&t, st);
cleanup:
	if (err == -ENOMEM)
		ferr("out of memory");
	table_free(&t);
	return err;
}
