/*
 * The call tree, one thread at a time (spans arrive grouped by thread, so a
 * thread's tree is complete when the next thread starts, is printed, and its
 * memory reused). Merged: one node per call path, counting and summing the
 * calls that share it. --calls: every call on its own, in time order.
 * --function GLOB focuses on the subtrees of matching calls: each outermost
 * matching call becomes a root.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_tree.h"
#include "core/log.h"
#include "core/util.h"

int32_t tree__add_child(struct tree *t, int32_t parent, int32_t fn)
{
	struct tree_node *c;

	if (grow_array((void **)&t->nodes, &t->cap, t->n + 1, sizeof(*t->nodes)))
		return -ENOMEM;
	c = &t->nodes[t->n];
	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->parent = parent;
	c->level = t->nodes[parent].level + 1;
	c->next_sibling = t->nodes[parent].first_child;
	t->nodes[parent].first_child = (int32_t)t->n;
	t->nodes[parent].last_child = (int32_t)t->n;
	return (int32_t)t->n++;
}

/* A loop calls the same function again and again: the parent's last child found is tried
 * before the map. */
int32_t tree__child_of(struct tree *t, int32_t parent, int32_t fn)
{
	int32_t last = t->nodes[parent].last_child;
	uint32_t node;

	if (last > 0 && t->nodes[last].fn == fn)
		return last;
	if (hashmap__get(&t->node_of, parent, fn, &node)) {
		t->nodes[parent].last_child = (int32_t)node;
		return (int32_t)node;
	}
	if (hashmap__put(&t->node_of, parent, fn, (uint32_t)t->n))
		return -ENOMEM;
	return tree__add_child(t, parent, fn);
}

int tree__thread_begin(void *ctx, const struct thread_info *th)
{
	struct tree *t = ctx;

	memset(&t->th, 0, sizeof(t->th));
	t->thread_key = th->key;
	t->nstored = 0;
	t->th.pid = th->pid;
	t->th.tid = th->tid;
	snprintf(t->th.comm, sizeof(t->th.comm), "%s", th->comm);
	t->nrows = 0;
	if (grow_array((void **)&t->nodes, &t->cap, 1, sizeof(*t->nodes)))
		return -ENOMEM;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].fn = -1;
	t->nodes[0].first_child = -1;
	t->n = 1;
	/* emptied, not cleared: a huge previous thread must not make every small one clear
	 * a huge table */
	hashmap__free(&t->node_of);
	return 0;
}

static int push_call(struct tree *t, struct open_call *f, struct open_call *parent)
{
	int32_t level = parent && parent->user >= 0 ? t->rows[parent->user].level + 1 : 1;
	struct tree_row *r;

	if (t->o->max_depth && level > t->o->max_depth) {
		f->user = PRUNED;
		t->th.hidden_nodes++;
		return 0;
	}
	if (grow_array((void **)&t->rows, &t->rows_cap, t->nrows + 1, sizeof(*t->rows)))
		return -ENOMEM;
	r = &t->rows[t->nrows];
	memset(r, 0, sizeof(*r));
	r->fn = f->fn;
	r->level = level;
	r->status = f->status;
	r->picked = !f->skipped;
	r->calls = 1;
	r->errors = f->status != SPAN_OK;
	r->start_ns = f->start_ns;
	r->span_id = f->span_id;
	f->user = (int32_t)t->nrows++;
	return 0;
}

int tree__push(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct tree *t = ctx;
	int32_t pnode = parent ? (int32_t)parent->user : -1, node;

	t->spans++;
	if (pnode == PRUNED) { /* below a call hidden by --max-depth: already counted in its time */
		f->user = PRUNED;
		t->th.hidden_nodes++;
		return 0;
	}
	if (pnode < 0 && !t->fns->v[f->fn].selected)
		return 0; /* outside the --function focus */
	if (t->o->calls)
		return push_call(t, f, pnode >= 0 ? parent : NULL);
	node = tree__child_of(t, pnode >= 0 ? pnode : 0, f->fn);
	if (node < 0)
		return -ENOMEM;
	f->user = node; /* counted at its pop: --status/--where's paths are known only then */
	return 0;
}

/* Durations are final only here (see pop_call). */
int tree__pop(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct tree *t = ctx;
	int64_t self = sub_ns(f->duration_ns, f->children_ns);

	if (f->user == PRUNED && !(parent && parent->user == PRUNED))
		t->th.hidden_ns = add_ns(t->th.hidden_ns, f->duration_ns); /* the outermost hidden */
	if (f->user < 0)
		return 0;
	if (t->o->calls) {
		t->rows[f->user].total_ns = f->duration_ns;
		t->rows[f->user].self_ns = self;
		sched_sum__add(&t->rows[f->user].sched, f);
	} else if (!f->skipped || f->picked_inside) { /* filtered: a path to a picked call */
		struct tree_node *nd = &t->nodes[f->user];

		nd->calls++;
		nd->errors += f->status != SPAN_OK;
		nd->total = add_ns(nd->total, f->duration_ns);
		nd->self = add_ns(nd->self, self);
		sched_sum__add(&nd->sched, f);
	}
	return 0;
}

/* Children by total time, largest first; ties by name for a stable output. */
static int child_cmp(const void *a, const void *b, void *ctx)
{
	const struct tree *t = ctx;
	const struct tree_node *x = &t->nodes[*(const int32_t *)a], *y = &t->nodes[*(const int32_t *)b];

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(t->fns->v[x->fn].name, t->fns->v[y->fn].name);
}

static int sort_children(struct tree *t)
{
	size_t i, k, n;
	int32_t c;

	for (i = 0; i < t->n; i++) {
		for (n = 0, c = t->nodes[i].first_child; c > 0; c = t->nodes[c].next_sibling) {
			if (grow_array((void **)&t->stack, &t->stack_cap, n + 1, sizeof(*t->stack)))
				return -ENOMEM;
			t->stack[n++] = c;
		}
		if (n > 1)
			qsort_r(t->stack, n, sizeof(*t->stack), child_cmp, t);
		t->nodes[i].first_child = n ? t->stack[0] : -1;
		for (k = 0; k < n; k++)
			t->nodes[t->stack[k]].next_sibling = k + 1 < n ? t->stack[k + 1] : -1;
	}
	return 0;
}

static bool shown(const struct tree *t, int32_t level, int64_t total_ns)
{
	if (t->o->max_depth && level > t->o->max_depth)
		return false;
	return (double)total_ns * 100.0 >= t->o->min_percent * (double)t->th.total_ns;
}

static int add_row(struct tree *t, const struct tree_node *nd)
{
	struct tree_row *r;

	if (grow_array((void **)&t->rows, &t->rows_cap, t->nrows + 1, sizeof(*t->rows)))
		return -ENOMEM;
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	r->fn = nd->fn;
	r->level = nd->level;
	r->calls = nd->calls;
	r->errors = nd->errors;
	r->total_ns = nd->total;
	r->self_ns = nd->self;
	r->parent_ns = t->nodes[nd->parent].total;
	r->sched = nd->sched;
	return 0;
}

/* Pre-order list of the shown nodes; hidden subtrees are counted, not listed. */
static int flatten_merged(struct tree *t)
{
	size_t sp = 0, i;
	int32_t c, k;

	/* A child is always created after its parent. A node without calls is on no path to a
	 * call --status/--where pick: neither shown nor hidden, nor is any node below it. */
	for (i = t->n - 1; i > 0; i--) {
		t->nodes[i].subtree += t->nodes[i].calls > 0;
		t->nodes[t->nodes[i].parent].subtree += t->nodes[i].subtree;
	}
	for (c = t->nodes[0].first_child; c > 0; c = t->nodes[c].next_sibling)
		t->nodes[0].total = add_ns(t->nodes[0].total, t->nodes[c].total);
	t->th.total_ns = t->nodes[0].total;
	if (grow_array((void **)&t->stack, &t->stack_cap, t->n, sizeof(*t->stack)))
		return -ENOMEM;
	for (c = t->nodes[0].first_child; c > 0; c = t->nodes[c].next_sibling)
		t->stack[sp++] = c;
	for (i = 0; i < sp / 2; i++) { /* pop order = sibling order */
		k = t->stack[i];
		t->stack[i] = t->stack[sp - 1 - i];
		t->stack[sp - 1 - i] = k;
	}
	while (sp) {
		const struct tree_node *nd = &t->nodes[t->stack[--sp]];
		size_t first = sp;

		if (!nd->calls)
			continue;
		if (!shown(t, nd->level, nd->total)) {
			t->th.hidden_nodes += nd->subtree;
			t->th.hidden_ns = add_ns(t->th.hidden_ns, nd->total);
			continue;
		}
		if (add_row(t, nd))
			return -ENOMEM;
		for (c = nd->first_child; c > 0; c = t->nodes[c].next_sibling)
			t->stack[sp++] = c;
		for (i = 0; i < (sp - first) / 2; i++) {
			k = t->stack[first + i];
			t->stack[first + i] = t->stack[sp - 1 - i];
			t->stack[sp - 1 - i] = k;
		}
	}
	return 0;
}

/* --calls: a row's parent total (the thread's for roots), known once every call popped;
 * calls under --min-percent go, with their subtrees. */
static int finish_calls(struct tree *t)
{
	size_t i, w = 0;
	int32_t skip = 0;

	for (i = 0; i < t->nrows; i++) { /* pre-order: a row's parent is its level's latest above */
		struct tree_row *r = &t->rows[i];

		if (grow_array((void **)&t->level_ns, &t->level_cap, (size_t)r->level + 1,
			       sizeof(*t->level_ns)))
			return -ENOMEM;
		t->level_ns[r->level] = r->total_ns;
		if (r->level == 1)
			t->th.total_ns = add_ns(t->th.total_ns, r->total_ns);
		else
			r->parent_ns = t->level_ns[r->level - 1];
	}
	for (i = 0; i < t->nrows; i++) {
		struct tree_row *r = &t->rows[i];

		if (r->level == 1)
			r->parent_ns = t->th.total_ns;
		if (skip && r->level > skip) {
			t->th.hidden_nodes++;
			continue;
		}
		skip = 0;
		if (!shown(t, r->level, r->total_ns)) {
			t->th.hidden_nodes++;
			t->th.hidden_ns = add_ns(t->th.hidden_ns, r->total_ns);
			skip = r->level;
			continue;
		}
		t->rows[w++] = *r;
	}
	t->nrows = w;
	return 0;
}

/* A row is its parent's last shown child when no row of its level follows
 * before one of a lower level does: one backward scan. */
static int mark_last(struct tree_row *rows, size_t n)
{
	int32_t max_level = 0, l;
	bool *later;
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].level > max_level)
			max_level = rows[i].level;
	if (!(later = calloc((size_t)max_level + 2, sizeof(*later))))
		return -ENOMEM;
	for (i = n; i-- > 0;) {
		l = rows[i].level;
		rows[i].last = !later[l];
		later[l] = true;
		memset(later + l + 1, 0, (size_t)(max_level - l + 1) * sizeof(*later));
	}
	free(later);
	return 0;
}

/* When a run ends: the thread's merged paths, a parent before its children. */
static int record_nodes(struct tree *t)
{
	size_t i;

	if (grow_array((void **)&t->recorded, &t->recorded_cap, t->nrecorded + t->n,
		       sizeof(*t->recorded)))
		return -ENOMEM;
	for (i = 1; i < t->n; i++) {
		const struct tree_node *nd = &t->nodes[i];

		t->recorded[t->nrecorded++] = (struct stored_tree_node){
			.thread_key = t->thread_key, .node = (int64_t)i, .parent = nd->parent,
			.function_key = t->fns->v[nd->fn].key, .calls = nd->calls, .errors = nd->errors,
			.total_ns = nd->total, .self_ns = nd->self, .sched = nd->sched,
		};
	}
	return 0;
}

/* --status, --where: only the matching calls, each on its own line (their callers may not
 * match). */
static void filter_calls(struct tree *t)
{
	size_t i, w = 0;

	if (!analyze_opts__filtered(t->o))
		return;
	for (i = 0; i < t->nrows; i++) {
		struct tree_row *r = &t->rows[i];

		if (!r->picked)
			continue;
		r->level = 1;
		r->parent_ns = t->th.total_ns;
		t->rows[w++] = *r;
	}
	t->nrows = w;
}

int tree__thread_end(void *ctx)
{
	struct tree *t = ctx;
	bool any;
	int err = 0;

	if (t->record)
		return record_nodes(t);
	if (t->o->calls) {
		err = finish_calls(t);
		filter_calls(t);
		any = t->nrows || (t->th.hidden_nodes && !analyze_opts__filtered(t->o));
	} else {
		if (t->n > 1 && !(err = sort_children(t)))
			err = flatten_merged(t);
		any = t->nrows || t->th.hidden_nodes; /* filtered: a path to a picked call */
	}
	if (err || !any)
		return err;
	if ((err = mark_last(t->rows, t->nrows)))
		return err;
	t->th.rows = t->rows;
	t->th.n = t->nrows;
	return tree_out__thread(&t->p, &t->th);
}

void tree__init(struct tree *t, struct run_query *ss, const struct run_row *run,
		const struct analyze_opts *o, const struct out_style *st, struct func_table *fns)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	t->ss = ss;
	fn_table__init(&t->own_fns, o->function_glob);
	t->fns = fns ? fns : &t->own_fns;
	t->p = (struct tree_printer){ .st = st, .fns = t->fns, .o = o, .run = run };
	/* Without them (an error, printed) the calls are shown untagged. */
	if (o->calls && run_query__span_tags(ss, run->run_key, &t->p.tags))
		memset(&t->p.tags, 0, sizeof(t->p.tags));
	if (o->calls)
		t->p.args = run_query__arg_reader(ss);
}

void tree__free(struct tree *t)
{
	fn_table__free(&t->own_fns);
	free(t->nodes);
	hashmap__free(&t->node_of);
	free(t->rows);
	free(t->stack);
	free(t->level_ns);
	free(t->stored_node);
	free(t->recorded);
	jsonw__free(t->p.json); /* printing stopped before tree_out__end */
	span_tags__free(&t->p.tags);
	arg_reader__free(t->p.args);
}

int analyze__tree(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		 const struct out_style *st)
{
	static const struct walk_ops ops = {
		.thread_begin = tree__thread_begin,
		.push = tree__push,
		.pop = tree__pop,
		.thread_end = tree__thread_end,
	};
	struct tree t;
	int err;

	tree__init(&t, ss, run, o, st, NULL);
	if ((err = probe_comp__load(&t.fns->comp, ss, run, o->raw)) || (err = tree__read_stored(&t, run)) < 0 ||
	    (!err && (err = analyze__walk(ss, run, o, t.fns, &ops, &t))))
		goto cleanup;
	err = 0;
	if (!t.spans) {
		ferr("run %s has no spans%s", run->run_id, o->pid || o->tid ? " for this --pid/--thread" : "");
		err = -ENOENT;
	} else if (!t.p.threads) {
		analyze__no_match(run, o, "call");
		err = -ENOENT;
	} else {
		tree_out__end(&t.p);
	}
cleanup:
	if (err == -ENOMEM)
		ferr("out of memory");
	tree__free(&t);
	return err;
}
