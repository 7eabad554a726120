/* The statistics table printed: text with aligned columns, or JSON (see analyze_table.c). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_table.h"
#include "core/utf8.h"

#define NAME_MAX_WIDTH 60

/* Copies s, cut to at most width characters with an ellipsis. */
static void fit(const char *s, size_t width, bool utf8, char *buf, size_t len)
{
	utf8__fit(s, width, utf8 ? "…" : "...", buf, len);
}

#define CELL 256

/* "0", or a count with its rate of the calls. */
static void format_count(uint64_t n, uint64_t calls, char *cell)
{
	double rate = calls ? 100.0 * (double)n / (double)calls : 0;

	if (!n)
		snprintf(cell, CELL, "0");
	else if (rate < 0.1)
		snprintf(cell, CELL, "%llu (<0.1%%)", (unsigned long long)n);
	else
		snprintf(cell, CELL, "%llu (%.1f%%)", (unsigned long long)n, rate);
}

static void format_row(const struct table *t, const struct out_style *st, int32_t row,
		       char cells[COL__COUNT][CELL])
{
	const struct row_figures *fs = &t->figures[row];
	int c;

	char name[CELL];

	snprintf(name, sizeof(name), "%s%s%s%s", t->fns.v[row].name, fs->partial ? " *" : "",
		 fs->count_only ? " #" : "", fs->removed_at_ns ? " ^" : "");
	fit(name, NAME_MAX_WIDTH, st->utf8, cells[COL_FUNCTION], CELL);
	fit(t->fns.v[row].module, 24, st->utf8, cells[COL_MODULE], CELL);
	snprintf(cells[COL_CALLS], CELL, "%llu", (unsigned long long)fs->calls);
	for (c = COL_TOTAL; c <= COL_MAX; c++) {
		if (table__no_durations(fs, c))
			snprintf(cells[c], CELL, "-");
		else
			out__duration(st, table__col_value(fs, c), cells[c], CELL);
	}
	if (fs->partial) {
		snprintf(cells[COL_SELF], CELL, "-");
		for (c = COL_P50; c <= COL_P99; c++) {
			char v[CELL - 2];

			snprintf(v, sizeof(v), "%s", cells[c]);
			snprintf(cells[c], CELL, "~%s", v);
		}
	}
	format_count(fs->errors, fs->calls, cells[COL_ERRORS]);
	format_count(fs->incomplete, fs->calls, cells[COL_INCOMPLETE]);
	for (c = COL_CPU; c <= COL_BLOCKED; c++) {
		if (table__col_value(fs, c) < 0)
			snprintf(cells[c], CELL, "-");
		else
			out__duration(st, table__col_value(fs, c), cells[c], CELL);
	}
}

/* Incomplete is shown when some row has such calls; CPU and Blocked for a run that has them. */
static bool column_shown(const struct table *t, int c)
{
	size_t i;

	if (c == COL_CPU || c == COL_BLOCKED)
		return t->sched;
	if (c != COL_INCOMPLETE)
		return true;
	for (i = 0; i < t->nrows; i++)
		if (t->figures[t->rows[i]].incomplete)
			return true;
	return false;
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

static void print_line(const struct table *t, const struct out_style *st, char cells[COL__COUNT][CELL],
		       const size_t *w, const char *color)
{
	int c, last = 0;

	for (c = 0; c < COL__COUNT; c++)
		if (column_shown(t, c))
			last = c;
	fputs(color, st->out);
	for (c = 0; c < COL__COUNT; c++) {
		if (!column_shown(t, c))
			continue;
		if (c)
			fputs("  ", st->out);
		if (c == last) /* no trailing blanks */
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

int table__print_text(const struct table *t, const struct out_style *st)
{
	char (*cells)[COL__COUNT][CELL] = malloc((t->nrows + 1) * sizeof(*cells));
	size_t w[COL__COUNT] = { 0 }, i;
	int c;

	if (!cells)
		return -ENOMEM;
	for (c = 0; c < COL__COUNT; c++)
		snprintf(cells[0][c], CELL, "%s", table_col__name(c));
	for (i = 0; i < t->nrows; i++)
		format_row(t, st, t->rows[i], cells[i + 1]);
	for (i = 0; i <= t->nrows; i++)
		for (c = 0; c < COL__COUNT; c++)
			if (utf8__width(cells[i][c]) > w[c])
				w[c] = utf8__width(cells[i][c]);
	out__run_header(st, t->run);
	probe_comp__print(st, &t->fns.comp);
	out__filter_line(st, t->o, t->kept_over ? ": percentiles from their histogram (within 1.6%)" : "");
	fputc('\n', st->out);
	print_line(t, st, cells[0], w, out__color(st, SGR_BOLD));
	for (i = 0; i < t->nrows; i++)
		print_line(t, st, cells[i + 1], w, row_color(t, st, t->rows[i]));
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
	if (table__no_durations(ff, c) || (c == COL_SELF && ff->partial))
		jsonw__null(w);
	else
		jsonw__int(w, table__col_value(ff, c));
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

/* On-CPU, blocked and run-queue ns of its outermost calls: null unless each has them. */
static void json_sched(struct jsonw *w, const struct sched_sum *s)
{
	static const char *const keys[] = { "cpu_ns", "blocked_ns", "runq_ns" };
	const int64_t v[] = { s->cpu_ns, s->blocked_ns, s->runq_ns };
	char name[32];
	size_t k;

	for (k = 0; k < 3; k++) {
		jsonw__key(w, keys[k]);
		if (sched_sum__complete(s))
			jsonw__int(w, v[k]);
		else
			jsonw__null(w);
	}
	jsonw__key(w, "blocked_in");
	if (sched_sum__complete(s) && s->blocked_ns)
		jsonw__string(w, sched__syscall_name(sched_sum__blocked_in(s), name, sizeof(name)));
	else
		jsonw__null(w);
}

void table__json_function(struct jsonw *w, const struct table *t, int32_t row)
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
	jsonw__kv_uint(w, "incomplete", fs->incomplete);
	if (t->sched)
		json_sched(w, &fs->sched);
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

/* A write error is the caller's to report (it checks the FILE). */
int table__print_json(const struct table *t, FILE *out)
{
	struct jsonw *w = jsonw__new_spaced(out);
	char sort[16];
	size_t i;
	int err;

	if (!w)
		return -EIO; /* printed */
	for (i = 0; table_col__name(t->o->sort_col)[i] && i < sizeof(sort) - 1; i++)
		sort[i] = (char)tolower((unsigned char)table_col__name(t->o->sort_col)[i]);
	sort[i] = '\0';
	jsonw__begin_object(w);
	json__run_fields(w, t->run);
	probe_comp__json(w, &t->fns.comp);
	jsonw__kv_string(w, "sort", sort);
	json__filter_fields(w, t->o);
	jsonw__kv_string(w, "percentiles", t->o->approx || table__pct_approx(t) ? "approx" : "exact");
	jsonw__key(w, "functions");
	jsonw__begin_array(w);
	for (i = 0; i < t->nrows; i++)
		table__json_function(w, t, t->rows[i]);
	if (t->nrows)
		jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
	err = jsonw__out_of_memory(w) ? -EIO : 0;
	jsonw__free(w);
	return err;
}

