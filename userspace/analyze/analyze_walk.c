/*
 * The one streaming pass both views share: spans arrive ordered by thread,
 * start, depth; a per-thread stack of open calls gives each span its parent,
 * its self time (duration minus direct children) and whether it is the
 * outermost activation of its function (recursion must not count twice).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "analyze_args.h"
#include "core/glob.h"
#include "core/log.h"
#include "core/util.h"

void fn_table__init(struct func_table *t, const char *glob)
{
	memset(t, 0, sizeof(*t));
	t->glob = glob;
}

void fn_table__free(struct func_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].module);
	}
	free(t->v);
	hashmap__free(&t->index_of);
	memset(t, 0, sizeof(*t));
}

int32_t fn_table__find(const struct func_table *t, int64_t key)
{
	uint32_t index;

	return hashmap__get(&t->index_of, key, 0, &index) ? (int32_t)index : -1;
}

static char *module_basename(const char *path)
{
	const char *slash;

	if (!path || !*path)
		return strdup("?");
	slash = strrchr(path, '/');
	return strdup(slash ? slash + 1 : path);
}

int32_t fn_table__intern(struct func_table *t, struct run_query *ss, int64_t key)
{
	int32_t found = fn_table__find(t, key);
	struct func_info *fi;
	char *path = NULL;

	if (found >= 0)
		return found;
	if (grow_array((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)))
		return -ENOMEM;
	fi = &t->v[t->n];
	memset(fi, 0, sizeof(*fi));
	fi->key = key;
	if (run_query__function(ss, key, &fi->name, &path))
		return -EIO;
	fi->module = module_basename(path);
	free(path);
	if (!fi->module) {
		free(fi->name);
		return -ENOMEM;
	}
	fi->selected = !t->glob || glob_match(t->glob, fi->name);
	if (t->comp.on && run_query__function_cost(ss, key, &fi->call_ns, &fi->inside_ns) < 0) {
		free(fi->name);
		free(fi->module);
		return -EIO;
	}
	if (hashmap__put(&t->index_of, key, 0, (uint32_t)t->n)) {
		free(fi->name);
		free(fi->module);
		return -ENOMEM;
	}
	return (int32_t)t->n++;
}

struct walk {
	struct run_query *ss;
	struct func_table *fns;
	const struct walk_ops *ops;
	void *ctx;
	struct call_stack stack;
	struct call_filter filter; /* --status, --where */
	int64_t orphans; /* spans whose parent was not open: counted as roots */
};

/*
 * A call lasts at least until its last child's end. Only an incomplete call ends
 * earlier as recorded (a SIGKILL leaves a zero-length placeholder whose children ran
 * on), or clock skew: its duration is extended to that end, so that no self time is
 * negative; its figures are taken when it pops, once its duration is final.
 */
static int pop_call(struct walk *w)
{
	struct open_call *c = call_stack__top(&w->stack), *parent = call_stack__parent(&w->stack);
	int64_t end = open_call__end_ns(c); /* as recorded: ends compare in the same clock */
	int err;

	if (w->fns->comp.on)
		probe_comp__pop(c, &w->fns->v[c->fn], parent);
	err = w->ops->pop ? w->ops->pop(w->ctx, c, parent) : 0;
	w->fns->v[c->fn].active--;
	w->fns->v[c->fn].picked_active -= !c->skipped;
	if (parent)
		parent->picked_inside |= !c->skipped || c->picked_inside;
	if (parent && end > open_call__end_ns(parent)) {
		parent->duration_ns = sub_ns(end, parent->start_ns);
		parent->extended = true;
	}
	call_stack__pop(&w->stack);
	return err;
}

/* Pops until the top is parent_id (0: pops everything). A parent that is not on
 * the stack can only come from a damaged file: the span then counts as a root. */
static int unwind_to(struct walk *w, int64_t parent_id)
{
	int err;

	while (w->stack.depth && (!parent_id || call_stack__top(&w->stack)->span_id != parent_id))
		if ((err = pop_call(w)))
			return err;
	if (parent_id && !w->stack.depth)
		w->orphans++;
	return 0;
}

static int push_call(struct walk *w, const struct keyed_span *row)
{
	struct open_call *c;
	int32_t fn = fn_table__intern(w->fns, w->ss, row->function_key);

	if (fn < 0)
		return fn;
	if (!(c = call_stack__push(&w->stack)))
		return -ENOMEM;
	c->span_id = row->span_id;
	c->start_ns = row->start_ns;
	c->duration_ns = row->duration_ns;
	c->fn = fn;
	c->user = -1;
	c->status = row->status;
	c->outermost = w->fns->v[fn].active++ == 0;
	c->skipped = w->filter.on && !call_filter__passes(&w->filter, row->span_id, row->status);
	c->outermost_picked = !c->skipped && w->fns->v[fn].picked_active++ == 0;
	OPEN_CALL_TAKE_SCHED(c, row);
	return w->ops->push ? w->ops->push(w->ctx, c, call_stack__parent(&w->stack)) : 0;
}

static int end_thread(struct walk *w)
{
	int err = unwind_to(w, 0);

	if (!err && w->ops->thread_end)
		err = w->ops->thread_end(w->ctx);
	return err;
}

static int begin_thread(struct walk *w, int64_t thread_key)
{
	struct thread_info th;
	int err = run_query__thread(w->ss, thread_key, &th.pid, &th.tid, th.comm, sizeof(th.comm));

	th.key = thread_key;
	if (!err && w->ops->thread_begin)
		err = w->ops->thread_begin(w->ctx, &th);
	return err;
}

int analyze__walk(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		  struct func_table *fns, const struct walk_ops *ops, void *ctx)
{
	struct walk w = { .ss = ss, .fns = fns, .ops = ops, .ctx = ctx };
	struct keyed_spans *sc;
	struct keyed_span row;
	int64_t thread = 0;
	bool in_thread = false;
	int err, more;

	if (call_filter__init(&w.filter, ss, o->status, o->where))
		return -EIO;
	sc = run_query__keyed_spans(ss, run->run_key, o->pid, o->tid);
	if (!sc) {
		call_filter__free(&w.filter);
		return -EIO;
	}
	while ((more = keyed_spans__next(sc, &row)) == 1) {
		if (!in_thread || row.thread_key != thread) {
			if (in_thread && (err = end_thread(&w)))
				goto cleanup;
			in_thread = true;
			thread = row.thread_key;
			if ((err = begin_thread(&w, thread)))
				goto cleanup;
		}
		if ((err = unwind_to(&w, row.parent_id)))
			goto cleanup;
		if ((err = push_call(&w, &row)))
			goto cleanup;
	}
	err = more < 0 ? more : 0;
	if (!err && in_thread)
		err = end_thread(&w);
	if (!err && w.orphans)
		fwarn("%lld spans came before their parent (a damaged file?): counted as roots",
		      (long long)w.orphans);
cleanup:
	if (err == -ENOMEM)
		ferr("out of memory while reading the spans");
	keyed_spans__free(sc);
	call_stack__free(&w.stack);
	call_filter__free(&w.filter);
	return err;
}
