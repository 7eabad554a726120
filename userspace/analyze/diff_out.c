/* ferret diff's output (run_diff.h): aligned text columns, or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "core/utf8.h"
#include "run_diff.h"

#define CELL 96
#define NAME_WIDTH 60

enum diff_col {
	DC_FUNCTION, DC_MODULE, DC_CALLS_A, DC_CALLS_B, DC_CALLS, DC_TOTAL_A, DC_TOTAL_B, DC_TOTAL,
	DC_SELF, DC_AVG, DC_P95, DC_ERRORS, DC__COUNT,
};

static const char *const col_names[DC__COUNT] = {
	"Function", "Module", "Calls A", "Calls B", "ΔCalls", "Total A", "Total B", "ΔTotal",
	"ΔSelf", "ΔAvg", "ΔP95", "ΔErrors",
};

/* The tree has no avg or p95 columns. */
static bool col_shown(const struct run_diff *d, int c)
{
	return !d->tree || (c != DC_AVG && c != DC_P95);
}

static bool is_time(enum diff_fig f)
{
	return f != DIFF_CALLS && f != DIFF_ERRORS;
}

static void fmt_value(const struct out_style *st, enum diff_fig f, int64_t v, char *buf, size_t len)
{
	if (is_time(f))
		out__duration(st, v, buf, len);
	else
		snprintf(buf, len, "%" PRId64, v);
}

/* "+1.20 ms (+15.0%)"; "-" when the change is not known. */
static void fmt_change(const struct out_style *st, const struct diff_change *c, enum diff_fig f,
		       char *buf, size_t len)
{
	char v[48];

	if (!c->known) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_value(st, f, c->delta < 0 ? (c->delta == INT64_MIN ? INT64_MAX : -c->delta) : c->delta, v,
		  sizeof(v));
	if (!c->delta)
		snprintf(buf, len, "0");
	else if (c->has_pct)
		snprintf(buf, len, "%c%s (%+.1f%%)", c->delta < 0 ? '-' : '+', v, c->pct);
	else
		snprintf(buf, len, "%c%s", c->delta < 0 ? '-' : '+', v);
}

/* One side's own figure ("-": the run does not have it). */
static void fmt_side(const struct out_style *st, const struct diff_side *s, enum diff_fig f,
		     char *buf, size_t len)
{
	if (!s->present || (is_time(f) && !s->times_known))
		snprintf(buf, len, "-");
	else
		fmt_value(st, f, f == DIFF_CALLS ? (int64_t)s->calls : s->total, buf, len);
}

static void format_row(const struct run_diff *d, const struct out_style *st, const struct diff_row *r,
		       char cells[DC__COUNT][CELL])
{
	static const enum diff_fig change_of[DC__COUNT] = {
		[DC_CALLS] = DIFF_CALLS, [DC_TOTAL] = DIFF_TOTAL, [DC_SELF] = DIFF_SELF,
		[DC_AVG] = DIFF_AVG, [DC_P95] = DIFF_P95, [DC_ERRORS] = DIFF_ERRORS,
	};
	char name[CELL * 2];
	struct diff_change c;
	int col;

	snprintf(name, sizeof(name), "%*s%s%s", d->tree ? 2 * (r->level - 1) : 0, "", r->name,
		 !r->b.present ? " [only A]" : !r->a.present ? " [only B]" : "");
	utf8__fit(name, NAME_WIDTH, st->utf8 ? "…" : "...", cells[DC_FUNCTION], CELL);
	utf8__fit(r->module, 24, st->utf8 ? "…" : "...", cells[DC_MODULE], CELL);
	fmt_side(st, &r->a, DIFF_CALLS, cells[DC_CALLS_A], CELL);
	fmt_side(st, &r->b, DIFF_CALLS, cells[DC_CALLS_B], CELL);
	fmt_side(st, &r->a, DIFF_TOTAL, cells[DC_TOTAL_A], CELL);
	fmt_side(st, &r->b, DIFF_TOTAL, cells[DC_TOTAL_B], CELL);
	for (col = DC_CALLS; col < DC__COUNT; col++) {
		if (col == DC_TOTAL_A || col == DC_TOTAL_B)
			continue;
		run_diff__change(d, r, change_of[col], &c);
		fmt_change(st, &c, change_of[col], cells[col], CELL);
	}
}

static void print_line(const struct run_diff *d, const struct out_style *st, char cells[DC__COUNT][CELL],
		       const size_t *w, const char *color)
{
	int c, last = d->tree ? DC_ERRORS : DC__COUNT - 1;

	fputs(color, st->out);
	for (c = 0; c < DC__COUNT; c++) {
		if (!col_shown(d, c))
			continue;
		if (c)
			fputs("  ", st->out);
		if (c == last)
			fputs(cells[c], st->out); /* no trailing blanks */
		else
			out__pad(st->out, cells[c], w[c], c > DC_MODULE);
	}
	fprintf(st->out, "%s\n", *color ? out__color(st, SGR_RESET) : "");
}

/* Rows shown: not hidden by --threshold, at most limit (0: all). */
static size_t shown_rows(const struct run_diff *d, long limit, size_t *rows)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (!d->rows[d->order[i]].hidden && (limit <= 0 || n < (size_t)limit))
			rows[n++] = d->order[i];
	return n;
}

int diff_out__text(const struct run_diff *d, const struct diff_print *p, const struct out_style *st)
{
	char (*cells)[DC__COUNT][CELL] = malloc((d->n + 1) * sizeof(*cells));
	size_t *rows = malloc((d->n + 1) * sizeof(*rows)), w[DC__COUNT] = { 0 }, n, i, visible = 0;
	int c;

	if (!cells || !rows) {
		free(cells);
		free(rows);
		return -ENOMEM;
	}
	n = shown_rows(d, p->limit, rows);
	for (i = 0; i < d->n; i++)
		visible += !d->rows[i].hidden;
	for (c = 0; c < DC__COUNT; c++) /* "Δ" (2 bytes) is "d" without UTF-8 */
		if (!st->utf8 && !strncmp(col_names[c], "Δ", 2))
			snprintf(cells[0][c], CELL, "d%s", col_names[c] + 2);
		else
			snprintf(cells[0][c], CELL, "%s", col_names[c]);
	for (i = 0; i < n; i++)
		format_row(d, st, &d->rows[rows[i]], cells[i + 1]);
	for (i = 0; i <= n; i++)
		for (c = 0; c < DC__COUNT; c++)
			if (utf8__width(cells[i][c]) > w[c])
				w[c] = utf8__width(cells[i][c]);
	fputs("A: ", st->out);
	out__run_header(st, p->a);
	fputs("B: ", st->out);
	out__run_header(st, p->b);
	fputc('\n', st->out);
	print_line(d, st, cells[0], w, out__color(st, SGR_BOLD));
	for (i = 0; i < n; i++)
		print_line(d, st, cells[i + 1], w, "");
	if (n < visible)
		fprintf(st->out, "(%zu of %zu %s shown; --limit 0 shows all)\n", n, visible,
			d->tree ? "call paths" : "functions");
	if (visible < d->n)
		fprintf(st->out, "(%zu %s changed by less than %g%% in calls and total: hidden by --threshold)\n",
			d->n - visible, d->tree ? "call paths" : "functions", p->threshold);
	free(cells);
	free(rows);
	return 0;
}

/* A percentage, two decimals (jsonw writes integers). */
static void json_pct(struct jsonw *w, double pct)
{
	char text[48];

	snprintf(text, sizeof(text), "%.2f", pct);
	jsonw__raw_number(w, text);
}

/* {"a": A's value, "b": B's, "delta": b - a, "pct": 100 * delta / a}, null where not known. */
static void json_change(struct jsonw *w, const struct run_diff *d, const struct diff_row *r, enum diff_fig f)
{
	struct diff_change c;
	int64_t v;
	int k;

	jsonw__key(w, diff_fig__name(f));
	jsonw__begin_object(w);
	for (k = 0; k < 2; k++) { /* each side alone: the other's presence does not matter */
		jsonw__key(w, k ? "b" : "a");
		if (run_diff__value(d, k ? &r->b : &r->a, f, &v))
			jsonw__int(w, v);
		else
			jsonw__null(w);
	}
	run_diff__change(d, r, f, &c);
	jsonw__key(w, "delta");
	if (c.known)
		jsonw__int(w, c.delta);
	else
		jsonw__null(w);
	jsonw__key(w, "pct");
	if (c.known && c.has_pct)
		json_pct(w, c.pct);
	else
		jsonw__null(w);
	jsonw__end_object(w);
}

static void json_row(struct jsonw *w, const struct run_diff *d, const struct diff_row *r)
{
	int f;

	jsonw__newline_indent(w, 2);
	jsonw__begin_object(w);
	json__kv_text(w, "function", r->name);
	json__kv_text(w, "module", r->module);
	if (d->tree)
		jsonw__kv_int(w, "level", r->level);
	jsonw__key(w, "only_in");
	if (r->a.present && r->b.present)
		jsonw__null(w);
	else
		jsonw__string(w, r->a.present ? "a" : "b");
	for (f = 0; f < DIFF__COUNT; f++)
		if (!d->tree || (f != DIFF_AVG && f != DIFF_P95))
			json_change(w, d, r, (enum diff_fig)f);
	jsonw__end_object(w);
}

void diff_out__json_run(struct jsonw *w, const char *key, const struct run_row *run, const char *db)
{
	jsonw__key(w, key);
	jsonw__begin_object(w);
	json__kv_text(w, "db", db);
	json__run_fields(w, run);
	jsonw__end_object(w);
}

int diff_out__json(const struct run_diff *d, const struct diff_print *p, FILE *out)
{
	struct jsonw *w = jsonw__new_spaced(out);
	size_t *rows = malloc((d->n + 1) * sizeof(*rows)), n, i, hidden;
	int err;

	if (!w || !rows) {
		jsonw__free(w);
		free(rows);
		return -ENOMEM;
	}
	n = shown_rows(d, p->limit, rows);
	jsonw__begin_object(w);
	diff_out__json_run(w, "a", p->a, p->db_a);
	diff_out__json_run(w, "b", p->b, p->db_b);
	jsonw__kv_string(w, "view", d->tree ? "tree" : "functions");
	jsonw__key(w, "threshold_pct");
	json_pct(w, p->threshold);
	for (i = 0, hidden = 0; i < d->n; i++)
		hidden += d->rows[i].hidden;
	jsonw__kv_uint(w, "hidden", hidden);
	jsonw__key(w, d->tree ? "paths" : "functions");
	jsonw__begin_array(w);
	for (i = 0; i < n; i++)
		json_row(w, d, &d->rows[rows[i]]);
	if (n)
		jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
	err = jsonw__out_of_memory(w) ? -ENOMEM : 0;
	jsonw__free(w);
	free(rows);
	return err;
}
