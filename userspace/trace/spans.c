#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "spans.h"

struct open_call {
	int64_t span_id;
	int64_t function_key;
	int64_t start_ns;
};

struct thread_state {
	uint32_t tid;
	int64_t thread_key;
	struct open_call *stack;
	size_t depth, cap;
};

/* Threads in an open-addressing table keyed by tid: lookups are on the hot path. */
struct span_builder {
	struct span_sink sink;
	struct thread_state *slots;
	size_t nslots, used;
	struct span_stats stats;
};

struct span_builder *span_builder__new(const struct span_sink *sink)
{
	struct span_builder *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->sink = *sink;
	b->nslots = 64;
	b->slots = calloc(b->nslots, sizeof(*b->slots));
	if (!b->slots) {
		free(b);
		return NULL;
	}
	return b;
}

void span_builder__free(struct span_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nslots; i++)
		free(b->slots[i].stack);
	free(b->slots);
	free(b);
}

static size_t slot_of(const struct thread_state *slots, size_t nslots, uint32_t tid)
{
	size_t i = (tid * 2654435761u) & (nslots - 1);

	while (slots[i].thread_key && slots[i].tid != tid)
		i = (i + 1) & (nslots - 1);
	return i;
}

static struct thread_state *find_thread(const struct span_builder *b, uint32_t tid)
{
	struct thread_state *t = &b->slots[slot_of(b->slots, b->nslots, tid)];

	return t->thread_key ? t : NULL;
}

static int grow_table(struct span_builder *b)
{
	size_t n = b->nslots * 2, i;
	struct thread_state *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < b->nslots; i++)
		if (b->slots[i].thread_key)
			slots[slot_of(slots, n, b->slots[i].tid)] = b->slots[i];
	free(b->slots);
	b->slots = slots;
	b->nslots = n;
	return 0;
}

int span_builder__set_thread(struct span_builder *b, uint32_t tid, int64_t thread_key)
{
	struct thread_state *t = find_thread(b, tid);

	if (t) {
		/* A reused tid (new process or thread): its old calls already ended. */
		t->thread_key = thread_key;
		return 0;
	}
	if ((b->used + 1) * 2 > b->nslots && grow_table(b))
		return -ENOMEM;
	t = &b->slots[slot_of(b->slots, b->nslots, tid)];
	t->tid = tid;
	t->thread_key = thread_key;
	b->used++;
	b->stats.threads++;
	return 0;
}

int64_t span_builder__thread_key(const struct span_builder *b, uint32_t tid)
{
	struct thread_state *t = find_thread(b, tid);

	return t ? t->thread_key : 0;
}

int span_builder__entry(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	struct stored_span call;
	struct open_call *c;
	int64_t id;

	if (!t)
		return -ENOENT;
	if (t->depth == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct open_call *stack = realloc(t->stack, cap * sizeof(*stack));

		if (!stack)
			return -ENOMEM;
		t->stack = stack;
		t->cap = cap;
	}
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
	c = &t->stack[t->depth++];
	c->span_id = id;
	c->function_key = function_key;
	c->start_ns = ts;
	return 0;
}

/* Emits the top of t's stack, ending at ts. */
static int pop_call(struct span_builder *b, struct thread_state *t, int64_t ts, int status)
{
	const struct open_call *c = &t->stack[--t->depth];
	struct stored_span span = {
		.span_id = c->span_id,
		.parent_id = t->depth ? t->stack[t->depth - 1].span_id : 0,
		.thread_key = t->thread_key,
		.function_key = c->function_key,
		.start_ns = c->start_ns,
		.end_ns = ts < c->start_ns ? c->start_ns : ts,
		.depth = (int32_t)t->depth,
		.status = status,
	};

	b->stats.spans++;
	if (status != SPAN_OK)
		b->stats.incomplete++;
	return b->sink.emit(b->sink.ctx, &span);
}

int span_builder__exit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	size_t i;
	int err;

	if (!t)
		return -ENOENT;
	for (i = t->depth; i > 0; i--)
		if (t->stack[i - 1].function_key == function_key)
			break;
	if (i == 0) {
		b->stats.unmatched_exits++;
		return 0;
	}
	/* Calls above the match were left without a return (longjmp, lost event). */
	while (t->depth > i) {
		err = pop_call(b, t, ts, SPAN_INCOMPLETE);
		if (err)
			return err;
	}
	return pop_call(b, t, ts, SPAN_OK);
}

int span_builder__end_thread(struct span_builder *b, uint32_t tid, int64_t ts)
{
	struct thread_state *t = find_thread(b, tid);
	int err;

	if (!t)
		return 0;
	while (t->depth) {
		err = pop_call(b, t, ts, SPAN_INCOMPLETE);
		if (err)
			return err;
	}
	return 0;
}

int span_builder__end_all(struct span_builder *b, int64_t ts)
{
	size_t i;
	int err;

	for (i = 0; i < b->nslots; i++) {
		if (!b->slots[i].thread_key)
			continue;
		err = span_builder__end_thread(b, b->slots[i].tid, ts);
		if (err)
			return err;
	}
	return 0;
}

const struct span_stats *span_builder__stats(const struct span_builder *b)
{
	return &b->stats;
}
