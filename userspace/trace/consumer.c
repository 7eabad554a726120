#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumer.h"
#include "ingest.h"
#include "stall_watch.h"
#include "core/log.h"
#include "core/util.h"

#define POLL_MS 10
/* What is stored is committed at least this often: `ferret analyze` can read a run
 * while it is traced, and a tracer that is killed loses at most this much. */
#define COMMIT_EVERY_NS 1000000000LL

struct removal {
	uint32_t func_id;
	int64_t at_ns;
};

struct consumer {
	struct loader *loader;
	struct ingest *ingest;
	struct store *store;
	int64_t committed_at_ns;
	int err; /* first storage error: tracing stops, and says so */
	bool status_line;
	int64_t status_at_ns, status_spans;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_bool failed;
	/* --overhead: functions whose probes are gone, to tell ingest once their last events are in */
	pthread_mutex_t removed_lock;
	struct removal *removed;
	size_t nremoved, removed_cap;
	atomic_bool pending_removals;
	_Atomic(struct stall_watch *) watch; /* open calls published, --stall */
};

/* Ends the open calls of functions removed at or before ts (all of them: ts INT64_MAX). The
 * traced processes were held still from before a removal until after it was posted: every
 * event sent before it is in the ring buffer ahead of the first with a later timestamp. */
static int apply_removals(struct consumer *c, int64_t ts)
{
	size_t i, kept = 0;
	int err = 0;

	pthread_mutex_lock(&c->removed_lock);
	for (i = 0; i < c->nremoved; i++) {
		if (!err && c->removed[i].at_ns <= ts)
			err = ingest__probes_removed(c->ingest, c->removed[i].func_id, c->removed[i].at_ns);
		else
			c->removed[kept++] = c->removed[i];
	}
	c->nremoved = kept;
	atomic_store(&c->pending_removals, kept > 0);
	pthread_mutex_unlock(&c->removed_lock);
	return err;
}

int consumer__probes_removed(struct consumer *c, uint32_t func_id, int64_t at_ns)
{
	int err = 0;

	pthread_mutex_lock(&c->removed_lock);
	if (grow_array((void **)&c->removed, &c->removed_cap, c->nremoved + 1, sizeof(*c->removed)))
		err = -ENOMEM;
	else
		c->removed[c->nremoved++] = (struct removal){ func_id, at_ns };
	atomic_store(&c->pending_removals, true);
	pthread_mutex_unlock(&c->removed_lock);
	return err;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	int err = 0;

	if (atomic_load_explicit(&c->pending_removals, memory_order_relaxed))
		err = apply_removals(c, ingest__event_ts(data, size));
	if (!err)
		err = ingest__event(c->ingest, data, size);
	if (err) {
		c->err = err;
		atomic_store(&c->failed, true);
	}
	return err; /* non-zero stops ring_buffer__consume */
}

static void show_status(struct consumer *c, bool final)
{
	const struct span_counts *st = ingest__counts(c->ingest);
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

/* Commits what came in once a second (calls still running go in as incomplete
 * and are completed when they return); nothing to commit costs nothing. */
static bool commit_now_and_then(struct consumer *c)
{
	int64_t now = mono_ns();

	if (now < c->committed_at_ns + COMMIT_EVERY_NS)
		return false;
	c->committed_at_ns = now;
	if (store__flush(c->store)) {
		c->err = -EIO;
		atomic_store(&c->failed, true);
	}
	return true;
}

void consumer__set_watch(struct consumer *c, struct stall_watch *w)
{
	atomic_store(&c->watch, w);
}

static void *consume_loop(void *arg)
{
	struct consumer *c = arg;
	struct stall_watch *w;
	bool committed;

	while (!atomic_load(&c->stop) && !c->err) {
		/* The BPF side skips most wakeups, so poll on a timeout and then consume. */
		loader__poll(c->loader, POLL_MS);
		loader__poll(c->loader, 0);
		show_status(c, false);
		committed = commit_now_and_then(c);
		if ((w = atomic_load(&c->watch)) && !c->err)
			stall_watch__tick(w, ingest__builder(c->ingest), committed);
	}
	while (!c->err && loader__poll(c->loader, 0) > 0)
		;
	if (!c->err && (c->err = apply_removals(c, INT64_MAX)))
		atomic_store(&c->failed, true);
	show_status(c, true);
	return NULL;
}

int consumer__start(struct loader *l, struct store *s, const int64_t *func_keys, size_t nfuncs,
		    const struct usdt_plan *usdt, const struct capture_plan *plan, bool status_line,
		    struct consumer **out)
{
	struct consumer *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->loader = l;
	c->store = s;
	c->status_line = status_line;
	c->status_at_ns = c->committed_at_ns = mono_ns();
	pthread_mutex_init(&c->removed_lock, NULL);
	err = ingest__new(s, func_keys, nfuncs, &c->ingest);
	if (!err && !(err = ingest__set_usdt(c->ingest, usdt)) && !(err = ingest__set_capture(c->ingest, plan)) &&
	    loader__sched_on(l))
		err = ingest__enable_sched(c->ingest);
	if (err) {
		consumer__free(c);
		return err;
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

struct open_stacks_ctx {
	struct consumer *c;
	struct aggregates *agg;
	int64_t end_ns;
};

static int end_open_stack(void *ctx, uint32_t pid, uint32_t tid, const struct open_frame *frames,
			  uint32_t nframes)
{
	struct open_stacks_ctx *o = ctx;
	uint32_t i;

	for (i = 0; i < nframes; i++) {
		int64_t dur = o->end_ns - (int64_t)frames[i].start_ns;

		if (frames[i].no_return) /* its time is not known: kept out of the figures */
			continue;
		aggregates__add_open_call(o->agg, frames[i].func_id, dur > 0 ? (uint64_t)dur : 0,
					  frames[i].nested);
	}
	return ingest__open_stack(o->c->ingest, pid, tid, frames, nframes, o->end_ns);
}

int consumer__finish(struct consumer *c, int64_t end_ns, struct aggregates *agg)
{
	struct open_stacks_ctx o = { .c = c, .agg = agg, .end_ns = end_ns };

	if (c->started) {
		atomic_store(&c->stop, true);
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	if (!c->err && agg) {
		c->err = aggregates__read(agg, c->loader);
		if (!c->err)
			c->err = loader__open_stacks(c->loader, end_open_stack, &o);
	}
	if (!c->err)
		c->err = ingest__finish(c->ingest, end_ns);
	if (!c->err && atomic_load(&c->watch))
		stall_watch__finish(atomic_load(&c->watch));
	if (c->err)
		ferr("tracing stopped: %s", strerror(c->err < 0 ? -c->err : c->err));
	if (ingest__bad_events(c->ingest))
		fwarn("%lld malformed events ignored", (long long)ingest__bad_events(c->ingest));
	return c->err;
}

int64_t consumer__errors(const struct consumer *c)
{
	return ingest__errors(c->ingest);
}

uint64_t consumer__calls(const struct consumer *c, uint32_t func_id)
{
	return ingest__calls(c->ingest, func_id);
}

bool consumer__failed(const struct consumer *c)
{
	return atomic_load(&c->failed);
}

const struct span_counts *consumer__counts(const struct consumer *c)
{
	return ingest__counts(c->ingest);
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
	ingest__free(c->ingest);
	pthread_mutex_destroy(&c->removed_lock);
	free(c->removed);
	free(c);
}

const struct usdt_counts *consumer__usdt_counts(const struct consumer *c)
{
	return ingest__usdt_counts(c->ingest);
}
