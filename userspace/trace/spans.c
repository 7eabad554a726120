#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/util.h"
#include "spans.h"

struct open_call {
	int64_t span_id;
	int64_t function_key;
	int64_t start_ns;
	bool no_return; /* the kernel gave it no return probe */
	/* Where on its stack it entered, deeper calls higher (0: unknown). Go: g.stack.hi - SP;
	 * other code: ~SP. */
	uint64_t stack_pos;
	/* As stored at its entry: a call --overhead cut from below it keeps its parent. */
	int64_t parent_id;
	int32_t depth;
	bool explicit_span; /* opened by span_builder__entry_explicit */
};

struct thread_state {
	uint32_t tid;
	bool has_mark;
	uint32_t lost_mark; /* of the thread's last event */
	int64_t last_ns;    /* its last entry or return (stall_watch.c) */
	int64_t thread_key;
	struct open_call *stack;
	size_t depth, cap;
};

struct span_builder {
	struct span_sink sink;
	struct thread_state *threads; /* in the order they were first seen */
	size_t nthreads, cap;
	struct hashmap by_tid; /* tid -> index in threads: looked up on every event */
	size_t last;	       /* the thread found last: events come in runs of one thread */
	struct span_counts counts;
};

struct span_builder *span_builder__new(const struct span_sink *sink)
{
	struct span_builder *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->sink = *sink;
	return b;
}

void span_builder__free(struct span_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nthreads; i++)
		free(b->threads[i].stack);
	free(b->threads);
	hashmap__free(&b->by_tid);
	free(b);
}

static struct thread_state *find_thread(struct span_builder *b, uint32_t tid)
{
	uint32_t i;

	if (b->last < b->nthreads && b->threads[b->last].tid == tid)
		return &b->threads[b->last];
	if (!hashmap__get(&b->by_tid, tid, 0, &i))
		return NULL;
	b->last = i;
	return &b->threads[i];
}

int span_builder__set_thread(struct span_builder *b, uint32_t tid, int64_t thread_key)
{
	struct thread_state *t = find_thread(b, tid);

	if (t) {
		/* A reused tid (new process or thread): its old calls already ended. */
		t->thread_key = thread_key;
		return 0;
	}
	if (grow_array((void **)&b->threads, &b->cap, b->nthreads + 1, sizeof(*b->threads)) ||
	    hashmap__put(&b->by_tid, tid, 0, (uint32_t)b->nthreads))
		return -ENOMEM;
	b->threads[b->nthreads++] = (struct thread_state){ .tid = tid, .thread_key = thread_key };
	b->counts.threads++;
	return 0;
}

int64_t span_builder__thread_key(struct span_builder *b, uint32_t tid)
{
	struct thread_state *t = find_thread(b, tid);

	return t ? t->thread_key : 0;
}

static int push_call(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts,
		     bool no_return, uint64_t stack_pos)
{
	struct thread_state *t = find_thread(b, tid);
	struct stored_span call;
	struct open_call *c;
	int64_t id;

	if (!t)
		return -ENOENT;
	if (t->depth == t->cap && grow_array((void **)&t->stack, &t->cap, t->depth + 1, sizeof(*t->stack)))
		return -ENOMEM;
	call = (struct stored_span){
		.parent_id = t->depth ? t->stack[t->depth - 1].span_id : 0,
		.thread_key = t->thread_key,
		.function_key = function_key,
		.start_ns = ts,
		.depth = (int32_t)t->depth,
	};
	id = b->sink.open(b->sink.ctx, &call);
	if (id < 0)
		return (int)id;
	t->last_ns = ts;
	c = &t->stack[t->depth++];
	c->span_id = id;
	c->function_key = function_key;
	c->start_ns = ts;
	c->no_return = no_return;
	c->stack_pos = stack_pos;
	c->parent_id = call.parent_id;
	c->depth = call.depth;
	c->explicit_span = false; /* the slot may have held one */
	return 0;
}

static int unwind_from(struct span_builder *b, struct thread_state *t, uint64_t pos, int64_t ts);

int span_builder__entry_at(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts,
			   const struct entry_place *place, bool no_return)
{
	struct thread_state *t = find_thread(b, tid);
	uint64_t pos = place && place->sp ? ~place->sp : 0; /* deeper is higher */
	int err;

	if (!t)
		return -ENOENT;
	err = pos ? unwind_from(b, t, place->tail_call ? pos + 1 : pos, ts) : 0;
	return err ? err : push_call(b, tid, function_key, ts, no_return, pos);
}

int span_builder__entry(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts)
{
	return span_builder__entry_at(b, tid, function_key, ts, NULL, false);
}

/* Emits call c of t's stack, ending at ts, with status. */
static int emit_call(struct span_builder *b, const struct thread_state *t, const struct open_call *c,
		     int64_t ts, int status)
{
	struct stored_span span = {
		.span_id = c->span_id,
		.parent_id = c->parent_id,
		.thread_key = t->thread_key,
		.function_key = c->function_key,
		.start_ns = c->start_ns,
		.end_ns = ts < c->start_ns ? c->start_ns : ts,
		.depth = c->depth,
		.status = status,
	};

	span_counts__add(&b->counts, span.status);
	return b->sink.emit(b->sink.ctx, &span);
}

/* Emits the top of t's stack, ending at ts. A call without a return probe has no other
 * status: whatever ended it, its own end was never seen. */
static int pop_call(struct span_builder *b, struct thread_state *t, int64_t ts, int status)
{
	const struct open_call *c = &t->stack[--t->depth];

	b->counts.explicit_incomplete += c->explicit_span && status != SPAN_OK;
	return emit_call(b, t, c, ts, c->no_return && status != SPAN_LOST ? SPAN_NO_RETURN : status);
}

/* Ends the call at depth i - 1 of t's stack, ok, at ts, and first every call above it, which
 * never returned: incomplete. */
static int pop_through(struct span_builder *b, struct thread_state *t, size_t i, int64_t ts)
{
	int err;

	while (t->depth > i) {
		err = pop_call(b, t, ts, SPAN_INCOMPLETE);
		if (err)
			return err;
	}
	return pop_call(b, t, ts, SPAN_OK);
}

void span_builder__no_more_returns(struct span_builder *b, int64_t function_key)
{
	size_t i, d;

	for (i = 0; i < b->nthreads; i++)
		for (d = 0; d < b->threads[i].depth; d++)
			if (b->threads[i].stack[d].function_key == function_key)
				b->threads[i].stack[d].no_return = true;
}

/* Emits the call at index d of t's stack, ending at ts, and takes it out of the stack (the
 * calls above keep the parent and depth they were stored with). */
static int cut_call(struct span_builder *b, struct thread_state *t, size_t d, int64_t ts, int status)
{
	int err = emit_call(b, t, &t->stack[d], ts, status);

	memmove(&t->stack[d], &t->stack[d + 1], (t->depth - d - 1) * sizeof(*t->stack));
	t->depth--;
	return err;
}

int span_builder__end_function(struct span_builder *b, int64_t function_key, int64_t ts)
{
	size_t i, d;
	int err;

	for (i = 0; i < b->nthreads; i++)
		for (d = b->threads[i].depth; d-- > 0;)
			if (b->threads[i].stack[d].function_key == function_key &&
			    (err = cut_call(b, &b->threads[i], d, ts, SPAN_NO_RETURN)))
				return err;
	return 0;
}

int span_builder__exit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	size_t i;

	if (!t)
		return -ENOENT;
	t->last_ns = ts;
	for (i = t->depth; i > 0; i--)
		if (t->stack[i - 1].function_key == function_key && !t->stack[i - 1].no_return)
			break;
	if (i == 0) {
		b->counts.unmatched_exits++;
		return 0;
	}
	return pop_through(b, t, i, ts); /* calls above it: no return (longjmp, lost event) */
}

/* The open calls at stack positions from `pos` down (deeper) are over: the stack was
 * unwound past them (a longjmp; Go: a panic, runtime.Goexit) or they left by a jump. */
static int unwind_from(struct span_builder *b, struct thread_state *t, uint64_t pos, int64_t ts)
{
	int err;

	while (t->depth && t->stack[t->depth - 1].stack_pos >= pos) {
		err = pop_call(b, t, ts, SPAN_INCOMPLETE);
		if (err)
			return err;
	}
	return 0;
}

int span_builder__go_entry(struct span_builder *b, uint32_t key, int64_t function_key, int64_t ts,
			   uint64_t stack_pos)
{
	struct thread_state *t = find_thread(b, key);
	int err;

	if (!t)
		return -ENOENT;
	err = unwind_from(b, t, stack_pos, ts);
	return err ? err : push_call(b, key, function_key, ts, false, stack_pos);
}

int span_builder__go_exit(struct span_builder *b, uint32_t key, int64_t function_key, int64_t ts,
			  uint64_t stack_pos)
{
	struct thread_state *t = find_thread(b, key);
	const struct open_call *top;
	int err;

	if (!t)
		return -ENOENT;
	t->last_ns = ts;
	err = unwind_from(b, t, stack_pos + 1, ts);
	if (err)
		return err;
	top = t->depth ? &t->stack[t->depth - 1] : NULL;
	if (!top || top->stack_pos != stack_pos || top->function_key != function_key) {
		b->counts.unmatched_exits++;
		return 0;
	}
	return pop_call(b, t, ts, SPAN_OK);
}

/* Every call t still has open ends at ts with status. */
static int end_calls(struct span_builder *b, struct thread_state *t, int64_t ts, int status)
{
	int err;

	while (t->depth) {
		err = pop_call(b, t, ts, status);
		if (err)
			return err;
	}
	return 0;
}

int span_builder__end_thread(struct span_builder *b, uint32_t tid, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);

	return t ? end_calls(b, t, ts, SPAN_INCOMPLETE) : 0;
}

int span_builder__lost_mark(struct span_builder *b, uint32_t tid, uint32_t mark, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	bool changed;

	if (!t)
		return -ENOENT;
	changed = t->has_mark && t->lost_mark != mark;
	t->has_mark = true;
	t->lost_mark = mark;
	return changed ? end_calls(b, t, ts, SPAN_LOST) : 0;
}

int span_builder__end_all(struct span_builder *b, int64_t ts)
{
	size_t i;
	int err;

	for (i = 0; i < b->nthreads; i++) {
		err = end_calls(b, &b->threads[i], ts, SPAN_INCOMPLETE);
		if (err)
			return err;
	}
	return 0;
}

const struct span_counts *span_builder__counts(const struct span_builder *b)
{
	return &b->counts;
}

int span_builder__entry_explicit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts)
{
	struct thread_state *t;
	int err = push_call(b, tid, function_key, ts, false, 0);

	if (!err && (t = find_thread(b, tid)))
		t->stack[t->depth - 1].explicit_span = true;
	return err;
}

int span_builder__end_explicit(struct span_builder *b, uint32_t tid, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	size_t i;

	if (!t)
		return -ENOENT;
	for (i = t->depth; i > 0 && !t->stack[i - 1].explicit_span; i--)
		;
	if (i == 0) {
		b->counts.unmatched_ends++;
		return 0;
	}
	return pop_through(b, t, i, ts);
}

int span_builder__innermost(struct span_builder *b, uint32_t tid, int64_t *span_id, bool *explicit_span)
{
	struct thread_state *t = find_thread(b, tid);

	if (!t || !t->depth)
		return 0;
	*span_id = t->stack[t->depth - 1].span_id;
	*explicit_span = t->stack[t->depth - 1].explicit_span;
	return 1;
}

int span_builder__rename_innermost(struct span_builder *b, uint32_t tid, int64_t function_key)
{
	struct thread_state *t = find_thread(b, tid);

	if (!t || !t->depth || !t->stack[t->depth - 1].explicit_span)
		return 0;
	t->stack[t->depth - 1].function_key = function_key;
	return 1;
}

int span_builder__each_open(const struct span_builder *b,
			    int (*cb)(void *ctx, uint32_t tid, int64_t last_ns, const struct stored_span *call),
			    void *ctx)
{
	size_t i, d;
	int err;

	for (i = 0; i < b->nthreads; i++)
		for (d = 0; d < b->threads[i].depth; d++) {
			const struct open_call *c = &b->threads[i].stack[d];
			struct stored_span call = { .span_id = c->span_id, .parent_id = c->parent_id,
						    .thread_key = b->threads[i].thread_key,
						    .function_key = c->function_key, .start_ns = c->start_ns,
						    .depth = c->depth };

			if ((err = cb(ctx, b->threads[i].tid, b->threads[i].last_ns, &call)))
				return err;
		}
	return 0;
}
