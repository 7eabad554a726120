/*
 * The merged call tree from the paths stored when the run ended (store/run_tree), in
 * place of a walk over the spans: each stored path merged into the tree as its calls would
 * have been one by one.
 */
#include <errno.h>

#include "analyze_tree.h"
#include "core/log.h"
#include "core/util.h"

/*
 * One stored path of a thread, merged into the tree as its calls would have been one
 * by one (tree__push): under --function, a path goes under its first matching call, so
 * stored paths that differ only above it add up, in the order the spans first made them.
 */
static int load_node(void *ctx, const struct stored_tree_node *sn)
{
	struct tree *t = ctx;
	struct thread_info th = { .key = sn->thread_key };
	int32_t fn, parent, node = -1;
	int err;

	if (sn->thread_key != t->thread_key) {
		if ((t->thread_key && (err = tree__thread_end(t))) ||
		    (err = run_query__thread(t->ss, th.key, &th.pid, &th.tid, th.comm, sizeof(th.comm))) ||
		    (err = tree__thread_begin(t, &th)))
			return err;
		t->stored_node[0] = 0; /* the thread */
		t->nstored = 1;
	}
	if (sn->node != (int64_t)t->nstored || sn->parent < 0 || sn->parent >= sn->node) {
		ferr("the call tree stored for run %s is damaged (node %lld)", t->p.run->run_id,
		     (long long)sn->node);
		return -EIO;
	}
	if ((fn = fn_table__intern(t->fns, t->ss, sn->function_key)) < 0)
		return fn;
	t->spans += (int64_t)sn->calls;
	parent = sn->parent ? t->stored_node[sn->parent] : -1;
	if (parent >= 0 || t->fns->v[fn].selected) {
		/* without --function, every stored path is a node of its own, already merged */
		node = t->fns->glob ? tree__child_of(t, parent >= 0 ? parent : 0, fn) : tree__add_child(t, parent >= 0 ? parent : 0, fn);
		if (node < 0)
			return -ENOMEM;
		t->nodes[node].calls += sn->calls;
		t->nodes[node].errors += sn->errors;
		t->nodes[node].total = add_ns(t->nodes[node].total, sn->total_ns);
		t->nodes[node].self = add_ns(t->nodes[node].self, sn->self_ns);
		sched_sum__merge(&t->nodes[node].sched, &sn->sched);
	}
	if (grow_array((void **)&t->stored_node, &t->stored_cap, t->nstored + 1, sizeof(*t->stored_node)))
		return -ENOMEM;
	t->stored_node[t->nstored++] = node;
	return 0;
}

int tree__read_stored(struct tree *t, const struct run_row *run)
{
	struct stored_run_totals totals;
	int found, err;

	/* compensated durations and filtered calls are computed from the spans, not stored */
	if (t->o->calls || t->fns->comp.on || analyze_opts__filtered(t->o) || (found = analyze__stored_totals(t->ss, run, &totals)) == 0)
		return 0;
	if (found < 0)
		return found;
	if (grow_array((void **)&t->stored_node, &t->stored_cap, 1, sizeof(*t->stored_node)))
		return -ENOMEM;
	err = run_query__stored_tree(t->ss, run->run_key, t->o->pid, t->o->tid, load_node, t);
	if (!err && t->thread_key)
		err = tree__thread_end(t);
	return err ? err : 1;
}
