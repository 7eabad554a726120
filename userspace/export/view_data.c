/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * view's pass over the spans: export's nesting feeds analyze's table and merged tree
 * (the tree recorded, thread by thread, as when a run's figures are stored), and the
 * calls the page lists one by one are kept within budgets (view.h):
 *  - the flame chart keeps the longest calls: when twice VIEW_FLAME_MAX are kept, only
 *    the VIEW_FLAME_MAX longest stay (those longer than the next one), and from then on
 *    only longer ones come in; the same cut once more at the end. A caller lasts at least as long as its callee (export's
 *    nesting clamps a call into its caller), so a kept call's callers are kept too;
 *  - the calls list keeps every call of a run of up to VIEW_ALL_CALLS spans, else the
 *    VIEW_CALLS_PER_PATH slowest calls of each call path (a small min-heap per node).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "core/log.h"
#include "core/util.h"

size_t view_flame_max = VIEW_FLAME_MAX, view_nodes_max = VIEW_NODES_MAX, view_calls_max = VIEW_CALLS_MAX,
       view_all_calls = VIEW_ALL_CALLS, view_diff_paths_max = VIEW_DIFF_PATHS_MAX;

static int oom(void)
{
	ferr("out of memory");
	return -1;
}

/* The node record of the current thread's local node (1..): grown as the tree grows. */
static struct view_node *node_of(struct view *v, int32_t local)
{
	size_t i = v->tree.nrecorded + (size_t)local - 1, old = v->nodes_cap;

	if (grow_array((void **)&v->nodes, &v->nodes_cap, i + 1, sizeof(*v->nodes)))
		return NULL;
	for (; old < v->nodes_cap; old++)
		v->nodes[old] = (struct view_node){ .slow = -1 };
	return &v->nodes[i];
}

/* ---- the flame chart's longest calls ---- */

/* Keeps the calls longer than the (view_flame_max + 1)-th longest: view_flame_max of them
 * when no two last as long. */
static int shrink_flame(struct view *v)
{
	int64_t *d = malloc(v->nflame * sizeof(*d));
	size_t i, w = 0;

	if (!d)
		return oom();
	for (i = 0; i < v->nflame; i++)
		d[i] = v->flame[i].duration_ns;
	v->flame_over_ns = view__cut(d, v->nflame, view_flame_max);
	free(d);
	for (i = 0; i < v->nflame; i++)
		if (v->flame[i].duration_ns > v->flame_over_ns)
			v->flame[w++] = v->flame[i];
	v->nflame = w;
	return 0;
}

static int keep_flame(struct view *v, const struct view_call *c)
{
	if (v->flame_over_ns && c->duration_ns <= v->flame_over_ns)
		return 0;
	if (grow_array((void **)&v->flame, &v->flame_cap, v->nflame + 1, sizeof(*v->flame)))
		return oom();
	v->flame[v->nflame++] = *c;
	return v->nflame >= 2 * view_flame_max ? shrink_flame(v) : 0;
}

/* ---- the calls list ---- */

static void heap_down(struct view_call *h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		struct view_call tmp;

		if (l < n && h[l].duration_ns < h[m].duration_ns)
			m = l;
		if (r < n && h[r].duration_ns < h[m].duration_ns)
			m = r;
		if (m == i)
			return;
		tmp = h[i], h[i] = h[m], h[m] = tmp;
		i = m;
	}
}

static void heap_up(struct view_call *h, size_t i)
{
	while (i && h[(i - 1) / 2].duration_ns > h[i].duration_ns) {
		struct view_call tmp = h[i];

		h[i] = h[(i - 1) / 2], h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

/* The node's slowest calls: a min-heap of VIEW_CALLS_PER_PATH slots in slow_pool. */
static int keep_slow(struct view *v, struct view_node *nd, const struct view_call *c)
{
	struct view_call *h;

	if (nd->slow < 0) {
		if (grow_array((void **)&v->slow_pool, &v->slow_pool_cap,
			       v->nslow_pool + VIEW_CALLS_PER_PATH, sizeof(*v->slow_pool)))
			return oom();
		nd->slow = (int32_t)v->nslow_pool;
		v->nslow_pool += VIEW_CALLS_PER_PATH;
	}
	h = &v->slow_pool[nd->slow];
	if (nd->nslow < VIEW_CALLS_PER_PATH) {
		h[nd->nslow] = *c;
		heap_up(h, nd->nslow++);
	} else if (c->duration_ns > h[0].duration_ns) {
		h[0] = *c;
		heap_down(h, nd->nslow, 0);
	}
	return 0;
}

static int keep_call(struct view *v, struct view_node *nd, const struct view_call *c)
{
	if (!v->all_calls)
		return keep_slow(v, nd, c);
	if (grow_array((void **)&v->calls, &v->calls_cap, v->ncalls + 1, sizeof(*v->calls)))
		return oom();
	v->calls[v->ncalls++] = *c;
	return 0;
}

/* ---- the walk ---- */

/* A call returned (its duration final): the table's, the tree's and the page's. */
static int pop_call(struct view *v, struct open_call *f, struct open_call *parent)
{
	struct view_call c = { .span_id = f->span_id, .start_ns = f->start_ns - v->run->start_mono_ns,
			       .duration_ns = f->duration_ns, .status = f->status,
			       .has_sched = f->has_sched, .blocked_in = f->blocked_in, .cpu_ns = f->cpu_ns,
			       .blocked_ns = f->blocked_ns, .runq_ns = f->runq_ns };
	struct view_node *nd;
	int err;

	v->table.fns.v[f->fn].active--;
	if ((err = table__pop(&v->table, f, parent)) || (err = tree__pop(&v->tree, f, parent)))
		return err == -ENOMEM ? oom() : -1;
	if (f->user <= 0)
		return 0;
	if (!(nd = node_of(v, (int32_t)f->user)))
		return oom();
	nd->incomplete += f->status == SPAN_INCOMPLETE;
	c.node = (int32_t)(v->tree.nrecorded + (size_t)f->user - 1);
	if (keep_call(v, nd, &c) || keep_flame(v, &c))
		return -1;
	return 0;
}

static int close_calls(struct view *v, const struct named_span *next)
{
	struct open_call *f;

	while ((f = nest__top_to_close(&v->c.nest, next))) {
		if (pop_call(v, f, nest__parent(&v->c.nest)))
			return -1;
		nest__pop(&v->c.nest);
	}
	return 0;
}

static int end_thread(struct view *v)
{
	struct view_thread *th;

	if (!v->in_thread)
		return 0;
	if (close_calls(v, NULL))
		return -1;
	th = &v->threads[v->nthreads - 1];
	th->first_node = v->tree.nrecorded;
	if (tree__thread_end(&v->tree))
		return oom();
	th->nnodes = v->tree.nrecorded - th->first_node;
	v->in_thread = false;
	return 0;
}

static int begin_thread(struct view *v, const struct named_span *row)
{
	struct thread_info ti = { .key = row->thread_key, .pid = row->pid, .tid = row->tid };
	struct view_thread *th;

	if (end_thread(v))
		return -1;
	if (grow_array((void **)&v->threads, &v->threads_cap, v->nthreads + 1, sizeof(*v->threads)))
		return oom();
	th = &v->threads[v->nthreads++];
	memset(th, 0, sizeof(*th));
	th->pid = row->pid;
	th->tid = row->tid;
	snprintf(th->comm, sizeof(th->comm), "%s", row->comm ? row->comm : "");
	snprintf(ti.comm, sizeof(ti.comm), "%s", th->comm);
	nest__start_thread(&v->c.nest, row);
	v->in_thread = true;
	return tree__thread_begin(&v->tree, &ti) ? oom() : 0;
}

static int view_span(struct export_ctx *ctx, const struct named_span *row)
{
	struct view *v = ctx->state;
	struct open_call *f, *parent;
	int32_t fn;

	if (nest__is_new_thread(&v->c.nest, row) && begin_thread(v, row))
		return -1;
	if (close_calls(v, row))
		return -1;
	if ((fn = fn_table__intern(&v->table.fns, v->in->ss, row->function_key)) < 0)
		return fn == -ENOMEM ? oom() : -1;
	if (!(f = nest__push(&v->c.nest, row)))
		return -1;
	parent = nest__parent(&v->c.nest);
	f->fn = fn;
	f->user = -1;
	f->outermost = v->table.fns.v[fn].active++ == 0;
	v->spans++;
	if (table__push(&v->table, f, parent) || tree__push(&v->tree, f, parent))
		return oom();
	return 0;
}

static int view_begin(struct export_ctx *ctx)
{
	struct view *v = export_common__new(ctx, sizeof(struct view), false);

	if (!v)
		return -1;
	v->in = ctx->arg;
	v->run = ctx->run;
	/* the spans are filtered already; percentiles from the pass's histograms */
	v->aopts = (struct analyze_opts){ .pid = v->in->filter->pid, .tid = v->in->filter->tid,
					  .approx = true, .raw = true };
	table__init(&v->table, v->in->ss, ctx->run, &v->aopts);
	tree__init(&v->tree, v->in->ss, ctx->run, &v->aopts, NULL, &v->table.fns);
	v->tree.record = true;
	v->all_calls = ctx->run->spans <= (int64_t)view_all_calls;
	return 0;
}

/* ---- ordering what was kept, for the page ---- */

static int call_cmp(const void *a, const void *b)
{
	const struct view_call *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->duration_ns != y->duration_ns)
		return x->duration_ns > y->duration_ns ? -1 : 1; /* slowest first */
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* By thread (nodes are numbered thread after thread), then start. */
static int flame_cmp(const void *a, const void *b, void *ctx)
{
	const struct view_call *x = a, *y = b;
	const int32_t *thread_of = ctx;

	if (thread_of[x->node] != thread_of[y->node])
		return thread_of[x->node] < thread_of[y->node] ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* Each path's slowest calls, as many per path as VIEW_CALLS_MAX allows (one at least). */
static int gather_slowest(struct view *v)
{
	size_t i, paths = 0, n;

	for (i = 0; i < v->tree.nrecorded; i++)
		paths += v->nodes[i].slow >= 0 && v->nodes[i].shown;
	n = paths ? view_calls_max / paths : 1;
	v->calls_per_path = n < 1 ? 1 : n > VIEW_CALLS_PER_PATH ? VIEW_CALLS_PER_PATH : (int)n;
	for (i = 0; i < v->tree.nrecorded; i++) {
		struct view_node *nd = &v->nodes[i];
		struct view_call *h = v->slow_pool + (nd->slow >= 0 ? nd->slow : 0);

		if (nd->slow < 0 || !nd->shown)
			continue;
		qsort(h, nd->nslow, sizeof(*h), call_cmp); /* one node: slowest first */
		n = nd->nslow < v->calls_per_path ? nd->nslow : (size_t)v->calls_per_path;
		if (grow_array((void **)&v->calls, &v->calls_cap, v->ncalls + n, sizeof(*v->calls)))
			return oom();
		memcpy(v->calls + v->ncalls, h, n * sizeof(*v->calls));
		v->ncalls += n;
	}
	return 0; /* nodes in order, each slowest first: calls are sorted */
}

static int order_kept(struct view *v)
{
	int32_t *thread_of = malloc((v->tree.nrecorded ? v->tree.nrecorded : 1) * sizeof(*thread_of));
	size_t i, k;

	if (!thread_of)
		return oom();
	if (v->nflame > view_flame_max && shrink_flame(v)) {
		free(thread_of);
		return -1;
	}
	for (i = 0; i < v->nthreads; i++)
		for (k = 0; k < v->threads[i].nnodes; k++)
			thread_of[v->threads[i].first_node + k] = (int32_t)i;
	qsort_r(v->flame, v->nflame, sizeof(*v->flame), flame_cmp, thread_of);
	free(thread_of);
	if (!v->all_calls)
		return gather_slowest(v);
	qsort(v->calls, v->ncalls, sizeof(*v->calls), call_cmp);
	return 0;
}

static int view_end(struct export_ctx *ctx)
{
	struct view *v = ctx->state;
	int err;

	if (end_thread(v) || view__choose_paths(v) || order_kept(v))
		return -1;
	if ((err = table__finish_figures(&v->table)) || (err = table__all_percentiles(&v->table)))
		return err == -ENOMEM ? oom() : -1;
	return view__write_page(v, ctx->out);
}

static void view_release(struct export_ctx *ctx)
{
	struct view *v = ctx->state;

	if (!v)
		return;
	tree__free(&v->tree);
	table__free(&v->table);
	free(v->threads);
	free(v->nodes);
	free(v->calls);
	free(v->slow_pool);
	free(v->flame);
	export_common__free(ctx);
}

const struct exporter view_exporter = {
	.name = "view",
	.suffix = ".html",
	.description = "one self-contained HTML page (ferret view)",
	.begin = view_begin,
	.span = view_span,
	.end = view_end,
	.release = view_release,
};

int view__run(struct store *s, struct run_query *ss, const struct run_row *run,
	      const struct span_filter *filter, const struct view_diff *diff,
	      const struct export_target *to, int64_t *spans)
{
	struct view_input in = { .ss = ss, .s = s, .filter = filter, .diff = diff };

	return export__run_with(&view_exporter, s, run, filter, to, &in, spans);
}
