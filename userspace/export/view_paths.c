/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which call paths the page shows: all of them, or, past VIEW_NODES_MAX, the longest
 * (total time): those longer than the (VIEW_NODES_MAX + 1)-th. A path's total is at least the sum of
 * its callees' (export's nesting clamps a call into its caller), so the paths kept are
 * closed under callers: the shown trees are the stored ones with short subtrees cut, whose
 * time stays in their callers' totals. Each thread counts what it lost.
 */
#include <stdlib.h>

#include "view.h"
#include "core/log.h"

static int total_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int64_t view__cut(int64_t *t, size_t n, size_t keep)
{
	if (n <= keep)
		return 0;
	qsort(t, n, sizeof(*t), total_desc);
	return t[keep];
}

static int paths_threshold(struct view *v)
{
	size_t n = v->tree.nrecorded, i;
	int64_t *t;

	if (n <= view_nodes_max)
		return 0;
	if (!(t = malloc(n * sizeof(*t)))) {
		ferr("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		t[i] = v->tree.recorded[i].total_ns;
	v->nodes_over_ns = view__cut(t, n, view_nodes_max);
	free(t);
	return 0;
}

int view__choose_paths(struct view *v)
{
	size_t i, k;

	if (paths_threshold(v))
		return -1;
	for (i = 0; i < v->nthreads; i++) {
		struct view_thread *th = &v->threads[i];

		th->kept_nodes = 0;
		for (k = th->first_node; k < th->first_node + th->nnodes; k++) {
			const struct stored_tree_node *n = &v->tree.recorded[k];
			bool parent_shown = !n->parent || v->nodes[th->first_node + (size_t)n->parent - 1].shown;

			v->nodes[k].shown = 0;
			if (!v->nodes_over_ns || n->total_ns > v->nodes_over_ns) {
				v->nodes[k].shown = (int32_t)++th->kept_nodes;
				continue;
			}
			th->hidden_nodes++;
			if (parent_shown)
				th->hidden_ns = add_ns(th->hidden_ns, n->total_ns);
		}
	}
	for (i = 0; i < v->nflame; i++)
		v->flame_hidden += !v->nodes[v->flame[i].node].shown;
	return 0;
}
