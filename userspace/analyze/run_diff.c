/*
 * Two runs compared (see run_diff.h): each run's figures as analyze computes them, merged
 * into rows keyed by (parent row, name and module), then ordered by the change of total.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_table.h"
#include "analyze_tree.h"
#include "core/log.h"
#include "core/util.h"
#include "run_diff.h"

static const char *const fig_names[DIFF__COUNT] = { "calls", "total", "self", "avg", "p95", "errors" };

const char *diff_fig__name(enum diff_fig f)
{
	return fig_names[f];
}

void run_diff__init(struct run_diff *d)
{
	memset(d, 0, sizeof(*d));
}

void run_diff__free(struct run_diff *d)
{
	size_t i;

	for (i = 0; i < d->nnames; i++)
		free(d->names[i]);
	free(d->names);
	free(d->rows);
	free(d->order);
	free(d->node_row);
	hashmap__free(&d->name_of);
	hashmap__free(&d->row_of);
	memset(d, 0, sizeof(*d));
}

/* FNV-1a of name, then module: the map's key, collisions told apart by strcmp. */
static int64_t name_hash(const char *name, const char *module)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	for (s = name; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = module; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (int64_t)h;
}

/* The index of (name, module), added on first sight; <0: -ENOMEM. */
static int32_t intern_name(struct run_diff *d, const char *name, const char *module)
{
	int64_t h = name_hash(name, module), k;
	size_t ln = strlen(name), lm = strlen(module);
	uint32_t i;
	char *s;

	for (k = 0; hashmap__get(&d->name_of, h, k, &i); k++)
		if (!strcmp(d->names[i], name) && !strcmp(d->names[i] + strlen(d->names[i]) + 1, module))
			return (int32_t)i;
	if (grow_array((void **)&d->names, &d->names_cap, d->nnames + 1, sizeof(*d->names)) ||
	    !(s = malloc(ln + lm + 2)))
		return -ENOMEM;
	memcpy(s, name, ln + 1);
	memcpy(s + ln + 1, module, lm + 1);
	if (hashmap__put(&d->name_of, h, k, (uint32_t)d->nnames)) {
		free(s);
		return -ENOMEM;
	}
	d->names[d->nnames] = s;
	return (int32_t)d->nnames++;
}

/* The row of (parent, name, module), added on first sight; <0: -ENOMEM. */
static int32_t row_of(struct run_diff *d, int32_t parent, const char *name, const char *module)
{
	int32_t nm = intern_name(d, name, module);
	struct diff_row *r;
	uint32_t i;

	if (nm < 0)
		return nm;
	if (hashmap__get(&d->row_of, parent, nm, &i))
		return (int32_t)i;
	if (grow_array((void **)&d->rows, &d->cap, d->n + 1, sizeof(*d->rows)) ||
	    hashmap__put(&d->row_of, parent, nm, (uint32_t)d->n))
		return -ENOMEM;
	r = &d->rows[d->n];
	memset(r, 0, sizeof(*r));
	r->name = d->names[nm];
	r->module = d->names[nm] + strlen(r->name) + 1;
	r->name_index = nm;
	r->parent = parent;
	r->level = parent < 0 ? (d->tree ? 1 : 0) : d->rows[parent].level + 1;
	return (int32_t)d->n++;
}

/* s gets one more function (or path) of its run: a second one of the same name adds up. */
static void side_add(struct diff_side *s, const struct diff_side *v)
{
	if (!s->present) {
		*s = *v;
		return;
	}
	if (s->calls + v->calls) /* the average over both, weighted by their calls */
		s->avg = (int64_t)(((__int128)s->avg * s->calls + (__int128)v->avg * v->calls) /
				   (s->calls + v->calls));
	s->calls += v->calls;
	s->errors += v->errors;
	s->total = add_ns(s->total, v->total);
	s->self = add_ns(s->self, v->self);
	s->p95 = v->p95 > s->p95 ? v->p95 : s->p95; /* not known exactly: the larger */
	s->self_known &= v->self_known;
	s->times_known &= v->times_known;
}

/* ---- the table ---- */

static int add_table(struct run_diff *d, struct run_query *q, const struct run_row *run, bool is_b)
{
	struct analyze_opts o = { .raw = true, .sort_col = COL_TOTAL };
	struct table t;
	size_t i;
	int err;

	table__init(&t, q, run, &o);
	if (!(err = table__compute(&t)) && !t.pct_known)
		err = table__all_percentiles(&t);
	for (i = 0; !err && i < t.nfigures; i++) {
		const struct row_figures *f = &t.figures[i];
		struct diff_side v = {
			.present = true, .self_known = !f->partial, .times_known = !f->count_only,
			.calls = f->calls, .errors = f->errors, .total = f->total, .self = f->self,
			.avg = f->avg, .p95 = f->pct[1],
		};
		int32_t row = row_of(d, -1, t.fns.v[i].name, t.fns.v[i].module);

		if (row < 0)
			err = row;
		else
			side_add(is_b ? &d->rows[row].b : &d->rows[row].a, &v);
	}
	table__free(&t);
	return err;
}

/* ---- the trees ---- */

struct tree_add {
	struct run_diff *d;
	struct func_table fns;
	struct run_query *q;
	bool is_b;
	int64_t thread_key;
};

/* One merged path of a thread; its parent's came before it (node numbers from 1). */
static int add_node(void *ctx, const struct stored_tree_node *sn)
{
	struct tree_add *ta = ctx;
	struct run_diff *d = ta->d;
	int32_t fn = fn_table__intern(&ta->fns, ta->q, sn->function_key), parent, row;
	struct diff_side v = { .present = true, .self_known = true, .times_known = true,
			       .calls = sn->calls, .errors = sn->errors, .total = sn->total_ns,
			       .self = sn->self_ns };

	if (fn < 0)
		return fn;
	if (sn->thread_key != ta->thread_key)
		ta->thread_key = sn->thread_key;
	if (sn->node < 1 || sn->parent < 0 || sn->parent >= sn->node) {
		ferr("the call tree of a run is damaged (node %lld)", (long long)sn->node);
		return -EIO;
	}
	if (grow_array((void **)&d->node_row, &d->node_cap, (size_t)sn->node + 1, sizeof(*d->node_row)))
		return -ENOMEM;
	parent = sn->parent ? d->node_row[sn->parent] : -1;
	row = row_of(d, parent, ta->fns.v[fn].name, ta->fns.v[fn].module);
	if (row < 0)
		return row;
	d->node_row[sn->node] = row;
	side_add(ta->is_b ? &d->rows[row].b : &d->rows[row].a, &v);
	return 0;
}

/* The merged paths of every thread, as stored when the run ended or from one walk. */
static int add_tree(struct run_diff *d, struct run_query *q, const struct run_row *run, bool is_b)
{
	static const struct walk_ops ops = {
		.thread_begin = tree__thread_begin, .push = tree__push,
		.pop = tree__pop, .thread_end = tree__thread_end,
	};
	struct analyze_opts o = { .raw = true, .tree = true };
	struct tree_add ta = { .d = d, .q = q, .is_b = is_b, .thread_key = -1 };
	struct stored_run_totals totals;
	struct tree t;
	size_t i;
	int err;

	fn_table__init(&ta.fns, NULL);
	if ((err = analyze__stored_totals(q, run, &totals)) > 0) {
		err = run_query__stored_tree(q, run->run_key, 0, 0, add_node, &ta);
	} else if (!err) {
		tree__init(&t, q, run, &o, NULL, NULL);
		t.record = true;
		err = analyze__walk(q, run, &o, t.fns, &ops, &t);
		for (i = 0; !err && i < t.nrecorded; i++)
			err = add_node(&ta, &t.recorded[i]);
		tree__free(&t);
	}
	fn_table__free(&ta.fns);
	return err;
}

/* ---- order ---- */

static int64_t abs_total_change(const struct diff_row *r)
{
	int64_t a = r->a.present ? r->a.total : 0, b = r->b.present ? r->b.total : 0;
	int64_t c = sub_ns(b, a);

	return c < 0 ? (c == INT64_MIN ? INT64_MAX : -c) : c;
}

/* Largest change of total first; ties by name, then module, so output is stable. */
static int order_cmp(const void *x, const void *y, void *ctx)
{
	const struct run_diff *d = ctx;
	const struct diff_row *a = &d->rows[*(const size_t *)x], *b = &d->rows[*(const size_t *)y];
	int64_t ca = abs_total_change(a), cb = abs_total_change(b);
	int c;

	if (ca != cb)
		return ca < cb ? 1 : -1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return strcmp(a->module, b->module);
}

/* Tree: each row's children, in sorted order, after it (pre-order). */
static int tree_order(struct run_diff *d, const size_t *sorted)
{
	size_t *first = malloc((d->n + 1) * sizeof(*first)), *next = malloc((d->n + 1) * sizeof(*next));
	size_t *stack = malloc((d->n + 1) * sizeof(*stack)), top = 0, out = 0, i, r, c;
	const size_t none = SIZE_MAX, roots = d->n; /* first[roots]: the roots' list */

	if (!first || !next || !stack) {
		free(first);
		free(next);
		free(stack);
		return -ENOMEM;
	}
	for (i = 0; i <= d->n; i++)
		first[i] = none;
	for (i = d->n; i-- > 0;) { /* prepended last first: each list in sorted order */
		int32_t p = d->rows[sorted[i]].parent;

		next[sorted[i]] = first[p < 0 ? roots : (size_t)p];
		first[p < 0 ? roots : (size_t)p] = sorted[i];
	}
	for (c = first[roots]; c != none; c = next[c])
		stack[top++] = c;
	for (i = 0; i < top / 2; i++) {
		r = stack[i];
		stack[i] = stack[top - 1 - i];
		stack[top - 1 - i] = r;
	}
	while (top) { /* the stack holds siblings reversed: reverse each pushed list */
		size_t lo, hi;

		r = stack[--top];
		d->order[out++] = r;
		lo = top;
		for (c = first[r]; c != none; c = next[c])
			stack[top++] = c;
		for (hi = top; lo + 1 < hi; lo++, hi--) {
			size_t t = stack[lo];

			stack[lo] = stack[hi - 1];
			stack[hi - 1] = t;
		}
	}
	free(first);
	free(next);
	free(stack);
	return 0;
}

static int set_order(struct run_diff *d)
{
	size_t *sorted = malloc((d->n ? d->n : 1) * sizeof(*sorted)), i;
	int err = 0;

	if (!sorted || !(d->order = malloc((d->n ? d->n : 1) * sizeof(*d->order)))) {
		free(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < d->n; i++)
		sorted[i] = i;
	qsort_r(sorted, d->n, sizeof(*sorted), order_cmp, d);
	if (d->tree)
		err = tree_order(d, sorted);
	else
		memcpy(d->order, sorted, d->n * sizeof(*sorted));
	free(sorted);
	return err;
}

static int compare(struct run_diff *d, struct run_query *qa, const struct run_row *a,
		   struct run_query *qb, const struct run_row *b, bool tree)
{
	int err;

	d->tree = tree;
	err = tree ? add_tree(d, qa, a, false) : add_table(d, qa, a, false);
	if (!err)
		err = tree ? add_tree(d, qb, b, true) : add_table(d, qb, b, true);
	if (!err)
		err = set_order(d);
	if (err == -ENOMEM)
		ferr("out of memory");
	return err;
}

int run_diff__functions(struct run_diff *d, struct run_query *qa, const struct run_row *a,
			struct run_query *qb, const struct run_row *b)
{
	return compare(d, qa, a, qb, b, false);
}

int run_diff__tree(struct run_diff *d, struct run_query *qa, const struct run_row *a,
		   struct run_query *qb, const struct run_row *b)
{
	return compare(d, qa, a, qb, b, true);
}

/* ---- changes ---- */

bool run_diff__value(const struct run_diff *d, const struct diff_side *s, enum diff_fig f, int64_t *v)
{
	if (!s->present)
		return false;
	switch (f) {
	case DIFF_CALLS: *v = (int64_t)s->calls; return true;
	case DIFF_ERRORS: *v = (int64_t)s->errors; return true;
	case DIFF_TOTAL: *v = s->total; return s->times_known;
	case DIFF_SELF: *v = s->self; return s->times_known && s->self_known;
	case DIFF_AVG: *v = s->avg; return s->times_known && s->calls && !d->tree;
	case DIFF_P95: *v = s->p95; return s->times_known && s->calls && !d->tree;
	default: return false;
	}
}

void run_diff__change(const struct run_diff *d, const struct diff_row *r, enum diff_fig f,
		      struct diff_change *out)
{
	memset(out, 0, sizeof(*out));
	if (!run_diff__value(d, &r->a, f, &out->a) || !run_diff__value(d, &r->b, f, &out->b))
		return;
	out->known = true;
	out->delta = sub_ns(out->b, out->a);
	out->has_pct = out->a != 0;
	if (out->has_pct)
		out->pct = 100.0 * ((double)out->b - (double)out->a) / (double)out->a;
}

static bool row_small(const struct run_diff *d, const struct diff_row *r, double pct)
{
	static const enum diff_fig figs[] = { DIFF_CALLS, DIFF_TOTAL };
	struct diff_change c;
	size_t i;

	if (!r->a.present || !r->b.present)
		return false;
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		run_diff__change(d, r, figs[i], &c);
		if (c.known && c.delta && (!c.has_pct || c.pct >= pct || c.pct <= -pct))
			return false;
	}
	return true;
}

void run_diff__threshold(struct run_diff *d, double pct)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		d->rows[i].hidden = pct > 0 && row_small(d, &d->rows[i], pct);
	/* a parent's row was made before its children's: from the last, each shown row shows its parent */
	for (i = d->n; d->tree && i-- > 0;)
		if (!d->rows[i].hidden && d->rows[i].parent >= 0)
			d->rows[d->rows[i].parent].hidden = false;
}
