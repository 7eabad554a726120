/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret view --diff: the page's run (A) compared with run B as `ferret diff` compares them
 * (run_diff.h: whole runs, each run's figures as analyze computes them). The page's data
 * gains, compact like the rest:
 *
 *   diff  a, b       {db, run fields} of each run
 *         functions  [name, module, calls A, calls B, total A, total B, self A, self B,
 *                    avg A, avg B, p95 A, p95 B, errors A, errors B]... in diff's order
 *                    (largest change of total first); null: a figure the run does not
 *                    have (every figure of a run without the function)
 *         names      [name, module]... the paths' names
 *         paths      [node - parent, name, calls A, calls B, total A, total B, self A,
 *                    self B, errors A, errors B]... the merged trees (every thread's, one
 *                    per run) in pre-order, siblings by largest change of total; node i
 *                    is the i-th tuple, from 1 (a root: node - parent = i); null when a
 *                    run has no spans to merge
 *         summary    {functions, paths: both runs' merged paths, paths_shown, paths_over_ns:
 *                    past VIEW_DIFF_PATHS_MAX, the paths listed are those longer than it
 *                    in A or in B (their callers are too); else 0}
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "view.h"

static const enum diff_fig table_figs[] = { DIFF_CALLS, DIFF_TOTAL, DIFF_SELF, DIFF_AVG, DIFF_P95, DIFF_ERRORS };
static const enum diff_fig tree_figs[] = { DIFF_CALLS, DIFF_TOTAL, DIFF_SELF, DIFF_ERRORS };

/* Each figure of figs: A's, then B's. */
static void write_figures(struct jsonw *w, const struct run_diff *d, const struct diff_row *r,
			  const enum diff_fig *figs, size_t n)
{
	size_t i;
	int64_t v;
	int k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++)
			if (run_diff__value(d, k ? &r->b : &r->a, figs[i], &v))
				jsonw__int(w, v);
			else
				jsonw__null(w);
}

static void write_functions(const struct run_diff *d, struct jsonw *w)
{
	size_t i;

	jsonw__key(w, "functions");
	jsonw__begin_array(w);
	for (i = 0; i < d->n; i++) {
		const struct diff_row *r = &d->rows[d->order[i]];

		jsonw__newline(w);
		jsonw__string(w, r->name);
		jsonw__string(w, r->module);
		write_figures(w, d, r, table_figs, sizeof(table_figs) / sizeof(table_figs[0]));
	}
	jsonw__end_array(w);
}

static void write_names(const struct run_diff *d, struct jsonw *w)
{
	size_t i;

	jsonw__key(w, "names");
	jsonw__begin_array(w);
	for (i = 0; i < d->nnames; i++) { /* "name\0module" */
		jsonw__begin_array(w);
		jsonw__string(w, d->names[i]);
		jsonw__string(w, d->names[i] + strlen(d->names[i]) + 1);
		jsonw__end_array(w);
	}
	jsonw__end_array(w);
}

/* A path's total in the run where it is longer (0: in neither). */
static int64_t longest(const struct diff_row *r)
{
	int64_t a = r->a.present ? r->a.total : 0, b = r->b.present ? r->b.total : 0;

	return a > b ? a : b;
}

/* What the paths listed are longer than: 0 (every one) up to view_diff_paths_max. */
static int paths_over(const struct run_diff *d, int64_t *over)
{
	int64_t *t;
	size_t i;

	*over = 0;
	if (d->n <= view_diff_paths_max)
		return 0;
	if (!(t = malloc(d->n * sizeof(*t)))) {
		ferr("out of memory");
		return -1;
	}
	for (i = 0; i < d->n; i++)
		t[i] = longest(&d->rows[i]);
	*over = view__cut(t, d->n, view_diff_paths_max);
	free(t);
	return 0;
}

/* The paths over over, each after its caller (a caller is at least as long: listed too). */
static int write_paths(const struct run_diff *d, int64_t over, struct jsonw *w, int32_t *listed)
{
	int32_t *place = calloc(d->n ? d->n : 1, sizeof(*place)); /* row -> its number, 0: left out */
	size_t i;

	if (!place) {
		ferr("out of memory");
		return -1;
	}
	*listed = 0;
	jsonw__key(w, "paths");
	jsonw__begin_array(w);
	for (i = 0; i < d->n; i++) {
		const struct diff_row *r = &d->rows[d->order[i]];
		int32_t parent = r->parent >= 0 ? place[r->parent] : 0;

		if ((over && longest(r) <= over) || (r->parent >= 0 && !parent))
			continue;
		place[d->order[i]] = ++*listed;
		jsonw__newline(w);
		jsonw__int(w, *listed - parent);
		jsonw__int(w, r->name_index);
		write_figures(w, d, r, tree_figs, sizeof(tree_figs) / sizeof(tree_figs[0]));
	}
	jsonw__end_array(w);
	free(place);
	return 0;
}

static int write_tree(const struct run_diff *d, struct jsonw *w, int64_t *over, int32_t *listed)
{
	*over = 0;
	*listed = 0;
	if (!d) {
		jsonw__key(w, "names");
		jsonw__null(w);
		jsonw__key(w, "paths");
		jsonw__null(w);
		return 0;
	}
	write_names(d, w);
	return paths_over(d, over) || write_paths(d, *over, w, listed) ? -1 : 0;
}

int view__write_diff(const struct view *v, struct jsonw *w)
{
	const struct view_diff *vd = v->in->diff;
	int64_t over;
	int32_t listed;

	if (!vd)
		return 0;
	jsonw__key(w, "diff");
	jsonw__begin_object(w);
	diff_out__json_run(w, "a", v->run, vd->db_a);
	diff_out__json_run(w, "b", vd->b, vd->db_b);
	write_functions(vd->functions, w);
	if (write_tree(vd->tree, w, &over, &listed))
		return -1;
	jsonw__key(w, "summary");
	jsonw__begin_object(w);
	jsonw__kv_uint(w, "functions", vd->functions->n);
	jsonw__kv_uint(w, "paths", vd->tree ? vd->tree->n : 0);
	jsonw__kv_int(w, "paths_shown", listed);
	jsonw__kv_int(w, "paths_over_ns", over);
	jsonw__end_object(w);
	jsonw__end_object(w);
	return 0;
}
