#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "ingest.h"

struct ingest {
	struct store *store;
	struct span_builder *builder;
	const int64_t *func_keys;
	size_t nfuncs;
	int64_t bad_events;
};

static int64_t next_span_id(void *ctx)
{
	return store__next_span_id(ctx);
}

static int store_span(void *ctx, const struct span_rec *span)
{
	return store__append_span(ctx, span);
}

int ingest__new(struct store *s, const int64_t *func_keys, size_t nfuncs, struct ingest **out)
{
	struct span_sink sink = { .next_span_id = next_span_id, .emit = store_span, .ctx = s };
	struct ingest *in = calloc(1, sizeof(*in));

	if (!in)
		return -ENOMEM;
	in->store = s;
	in->func_keys = func_keys;
	in->nfuncs = nfuncs;
	in->builder = span_builder__new(&sink);
	if (!in->builder) {
		free(in);
		return -ENOMEM;
	}
	*out = in;
	return 0;
}

/* A thread whose announcement was lost: name it from /proc while it may still exist. */
static int add_unannounced_thread(struct ingest *in, const struct ferret_event *e)
{
	char path[64], comm[FERRET_COMM_LEN + 1] = "?";
	int64_t key;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", e->pid, e->tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	key = store__add_thread(in->store, (int)e->pid, (int)e->tid, comm);
	if (key < 0)
		return (int)key;
	return span_builder__set_thread(in->builder, e->tid, key);
}

static int on_thread(struct ingest *in, const struct ferret_thread_event *t)
{
	char comm[FERRET_COMM_LEN + 1];
	int64_t key;

	memcpy(comm, t->comm, FERRET_COMM_LEN);
	comm[FERRET_COMM_LEN] = '\0';
	key = store__add_thread(in->store, (int)t->hdr.pid, (int)t->hdr.tid, comm);
	if (key < 0)
		return (int)key;
	/* The same tid announced again is a new thread (tid reuse): its old calls are over. */
	if (span_builder__thread_key(in->builder, t->hdr.tid))
		span_builder__end_thread(in->builder, t->hdr.tid, (int64_t)t->hdr.ts_ns);
	return span_builder__set_thread(in->builder, t->hdr.tid, key);
}

static int on_call(struct ingest *in, const struct ferret_event *e)
{
	int64_t fkey;
	int err;

	if (e->func_id >= in->nfuncs) {
		in->bad_events++;
		return 0;
	}
	fkey = in->func_keys[e->func_id];
	if (!span_builder__thread_key(in->builder, e->tid)) {
		err = add_unannounced_thread(in, e);
		if (err)
			return err;
	}
	if (e->type == FERRET_EV_ENTRY)
		return span_builder__entry(in->builder, e->tid, fkey, (int64_t)e->ts_ns);
	return span_builder__exit(in->builder, e->tid, fkey, (int64_t)e->ts_ns);
}

int ingest__event(struct ingest *in, const void *data, size_t size)
{
	const struct ferret_event *e = data;

	if (size < sizeof(*e)) {
		in->bad_events++;
		return 0;
	}
	switch (e->type) {
	case FERRET_EV_ENTRY:
	case FERRET_EV_EXIT:
		return on_call(in, e);
	case FERRET_EV_THREAD:
		if (size < sizeof(struct ferret_thread_event)) {
			in->bad_events++;
			return 0;
		}
		return on_thread(in, data);
	case FERRET_EV_PROC_EXIT:
		return span_builder__end_thread(in->builder, e->tid, (int64_t)e->ts_ns);
	case FERRET_EV_FORK:
		return 0;
	default:
		in->bad_events++;
		return 0;
	}
}

int ingest__finish(struct ingest *in, int64_t end_ns)
{
	return span_builder__end_all(in->builder, end_ns);
}

int64_t ingest__bad_events(const struct ingest *in)
{
	return in->bad_events;
}

const struct span_stats *ingest__stats(const struct ingest *in)
{
	return span_builder__stats(in->builder);
}

void ingest__free(struct ingest *in)
{
	if (!in)
		return;
	span_builder__free(in->builder);
	free(in);
}
