#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumer.h"
#include "events.h"
#include "log.h"
#include "util.h"

#define POLL_MS 10

struct consumer {
	struct loader *loader;
	struct store *store;
	struct span_builder *builder;
	const int64_t *func_keys;
	size_t nfuncs;
	int64_t bad_events;
	int err; /* first storage error: tracing stops, and says so */
	bool status_line;
	int64_t status_at_ns, status_spans;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_bool failed;
};

static int64_t next_span_id(void *ctx)
{
	return store__next_span_id(ctx);
}

static int store_span(void *ctx, const struct span_rec *span)
{
	return store__append_span(ctx, span);
}

/* A thread whose announcement was lost: name it from /proc while it may still exist. */
static int64_t add_unannounced_thread(struct consumer *c, const struct ferret_event *e)
{
	char path[64], comm[FERRET_COMM_LEN + 1] = "?";
	FILE *f;
	int64_t key;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", e->pid, e->tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	key = store__add_thread(c->store, (int)e->pid, (int)e->tid, comm);
	if (key > 0 && span_builder__set_thread(c->builder, e->tid, key))
		return -ENOMEM;
	return key;
}

static int on_thread(struct consumer *c, const struct ferret_thread_event *t)
{
	char comm[FERRET_COMM_LEN + 1];
	int64_t key;

	memcpy(comm, t->comm, FERRET_COMM_LEN);
	comm[FERRET_COMM_LEN] = '\0';
	key = store__add_thread(c->store, (int)t->hdr.pid, (int)t->hdr.tid, comm);
	if (key < 0)
		return (int)key;
	/* The same tid announced again is a new thread (tid reuse): its old calls are over. */
	if (span_builder__thread_key(c->builder, t->hdr.tid))
		span_builder__end_thread(c->builder, t->hdr.tid, (int64_t)t->hdr.ts_ns);
	return span_builder__set_thread(c->builder, t->hdr.tid, key);
}

static int on_call(struct consumer *c, const struct ferret_event *e)
{
	int64_t fkey;

	if (e->func_id >= c->nfuncs) {
		c->bad_events++;
		return 0;
	}
	fkey = c->func_keys[e->func_id];
	if (!span_builder__thread_key(c->builder, e->tid) && add_unannounced_thread(c, e) < 0)
		return -EIO;
	if (e->type == FERRET_EV_ENTRY)
		return span_builder__entry(c->builder, e->tid, fkey, (int64_t)e->ts_ns);
	return span_builder__exit(c->builder, e->tid, fkey, (int64_t)e->ts_ns);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const struct ferret_event *e = data;
	int err = 0;

	if (size < sizeof(*e)) {
		c->bad_events++;
		return 0;
	}
	switch (e->type) {
	case FERRET_EV_ENTRY:
	case FERRET_EV_EXIT:
		err = on_call(c, e);
		break;
	case FERRET_EV_THREAD:
		if (size >= sizeof(struct ferret_thread_event))
			err = on_thread(c, data);
		break;
	case FERRET_EV_PROC_EXIT:
		err = span_builder__end_thread(c->builder, e->tid, (int64_t)e->ts_ns);
		break;
	default:
		break;
	}
	if (err) {
		c->err = err;
		atomic_store(&c->failed, true);
		return err; /* stops ring_buffer__consume */
	}
	return 0;
}

static void show_status(struct consumer *c, bool final)
{
	const struct span_stats *st = span_builder__stats(c->builder);
	int64_t now = mono_ns();
	double rate;

	if (!c->status_line)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (now < c->status_at_ns + 1000000000LL)
		return;
	rate = (double)(st->spans - c->status_spans) * 1e9 / (double)(now - c->status_at_ns);
	fprintf(stderr, "\r\033[Kferret: %lld spans (%.0f/s), %llu lost", (long long)st->spans, rate,
		(unsigned long long)loader__lost_events(c->loader));
	c->status_at_ns = now;
	c->status_spans = st->spans;
}

static void *consume_loop(void *arg)
{
	struct consumer *c = arg;

	while (!atomic_load(&c->stop) && !c->err) {
		/* The BPF side skips most wakeups, so poll on a timeout and then consume. */
		loader__poll(c->loader, POLL_MS);
		loader__poll(c->loader, 0);
		show_status(c, false);
	}
	while (!c->err && loader__poll(c->loader, 0) > 0)
		;
	show_status(c, true);
	return NULL;
}

int consumer__start(struct loader *l, struct store *s, const int64_t *func_keys, size_t nfuncs,
		    bool status_line, struct consumer **out)
{
	struct consumer *c = calloc(1, sizeof(*c));
	struct span_sink sink = { .next_span_id = next_span_id, .emit = store_span, .ctx = s };
	int err;

	if (!c)
		return -ENOMEM;
	c->loader = l;
	c->store = s;
	c->func_keys = func_keys;
	c->nfuncs = nfuncs;
	c->status_line = status_line;
	c->status_at_ns = mono_ns();
	c->builder = span_builder__new(&sink);
	if (!c->builder) {
		free(c);
		return -ENOMEM;
	}
	loader__set_handler(l, handle_event, c);
	err = pthread_create(&c->thread, NULL, consume_loop, c);
	if (err) {
		ferr("cannot start the consumer thread: %s", strerror(err));
		consumer__free(c);
		return -err;
	}
	c->started = true;
	*out = c;
	return 0;
}

int consumer__finish(struct consumer *c, int64_t end_ns)
{
	if (c->started) {
		atomic_store(&c->stop, true);
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	if (!c->err)
		c->err = span_builder__end_all(c->builder, end_ns);
	if (c->err)
		ferr("storing spans failed: %s", strerror(c->err < 0 ? -c->err : c->err));
	if (c->bad_events)
		fwarn("%lld malformed events ignored", (long long)c->bad_events);
	return c->err;
}

bool consumer__failed(const struct consumer *c)
{
	return atomic_load(&c->failed);
}

const struct span_stats *consumer__stats(const struct consumer *c)
{
	return span_builder__stats(c->builder);
}

void consumer__free(struct consumer *c)
{
	if (!c)
		return;
	if (c->started) {
		atomic_store(&c->stop, true);
		pthread_join(c->thread, NULL);
	}
	loader__set_handler(c->loader, NULL, NULL);
	span_builder__free(c->builder);
	free(c);
}
