/* stall_watch: open calls published, stalls reported (see stall_watch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/log.h"
#include "core/util.h"
#include "stall_watch.h"

#define CHECK_EVERY_NS 100000000LL

struct stall_watch {
	struct store *store;
	int64_t run_key, run_start_ns;
	int64_t stall_ns;
	bool status_line;
	bool publish_failed, record_failed; /* said once; the spans go on */
	int64_t checked_at_ns;
	struct open_call_row *open; /* this pass's open calls, in the builder's order */
	uint32_t *tid;		    /* each one's thread */
	size_t nopen, open_cap, tid_cap;
	size_t npublished;	    /* open calls published last */
	struct open_call_row *next; /* the ones to publish now, oldest first */
	size_t next_cap;
	struct hashmap reported; /* span id -> 1 */
	struct hashmap name_of;	 /* function key -> index in names */
	char **names;
	size_t nnames, names_cap;
	int64_t stalls, recorded;
	struct stall_row *queued; /* reported, recorded after the next commit (chains malloc'd) */
	size_t nqueued, queued_cap;
};

struct stall_watch *stall_watch__new(struct store *s, int64_t stall_ns, bool status_line)
{
	struct stall_watch *w = calloc(1, sizeof(*w));
	struct run_row *run = malloc(sizeof(*run));

	if (!w || !run) {
		ferr("out of memory");
		free(w);
		free(run);
		return NULL;
	}
	if (store__find_run(s, store__run_id(s), run)) {
		free(w);
		free(run);
		return NULL;
	}
	w->store = s;
	w->run_key = run->run_key;
	w->run_start_ns = run->start_mono_ns;
	w->stall_ns = stall_ns;
	w->status_line = status_line;
	free(run);
	return w;
}

void stall_watch__free(struct stall_watch *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
	for (i = 0; i < w->nqueued; i++)
		free((char *)w->queued[i].chain);
	free(w->queued);
	free(w->open);
	free(w->tid);
	free(w->next);
	hashmap__free(&w->reported);
	hashmap__free(&w->name_of);
	free(w);
}

static int collect(void *ctx, uint32_t tid, int64_t last_ns, const struct stored_span *call)
{
	struct stall_watch *w = ctx;

	if (grow_array((void **)&w->open, &w->open_cap, w->nopen + 1, sizeof(*w->open)) ||
	    grow_array((void **)&w->tid, &w->tid_cap, w->nopen + 1, sizeof(*w->tid)))
		return -ENOMEM;
	w->tid[w->nopen] = tid;
	w->open[w->nopen++] = (struct open_call_row){
		.span_id = call->span_id, .parent_id = call->parent_id, .thread_key = call->thread_key,
		.function_key = call->function_key, .start_ns = call->start_ns, .thread_last_ns = last_ns,
		.depth = call->depth,
	};
	return 0;
}

static const char *function_name(struct stall_watch *w, int64_t key)
{
	uint32_t i;
	char *name;

	if (hashmap__get(&w->name_of, key, 0, &i))
		return w->names[i];
	if (!(name = store__function_name(w->store, key)) ||
	    grow_array((void **)&w->names, &w->names_cap, w->nnames + 1, sizeof(*w->names)) ||
	    hashmap__put(&w->name_of, key, 0, (uint32_t)w->nnames)) {
		free(name);
		return "?";
	}
	w->names[w->nnames] = name;
	return w->names[w->nnames++];
}

/* "main > handle > read": the calls open[first..last], a thread's from its outermost. */
static char *chain_of(struct stall_watch *w, size_t first, size_t last)
{
	size_t i, len = 1;
	char *s;

	for (i = first; i <= last; i++)
		len += strlen(function_name(w, w->open[i].function_key)) + 3;
	if (!(s = malloc(len)))
		return NULL;
	*s = '\0';
	for (i = first; i <= last; i++) {
		if (i > first)
			strcat(s, " > ");
		strcat(s, function_name(w, w->open[i].function_key));
	}
	return s;
}

/* The call the thread's stack open[first..last] is stalled in, if it is a new stall. */
static void report(struct stall_watch *w, size_t first, size_t last, int64_t now)
{
	const struct open_call_row *e;
	char *chain, *line;
	uint32_t seen;
	size_t i = first + open_calls__stalled(&w->open[first], last - first + 1, now, w->stall_ns);

	if (i > last || hashmap__get(&w->reported, w->open[i].span_id, 0, &seen))
		return;
	e = &w->open[i];
	if (hashmap__put(&w->reported, e->span_id, 0, 1) || !(chain = chain_of(w, first, i)))
		return;
	w->stalls++;
	line = live_calls__stall_line((int)w->tid[i], function_name(w, e->function_key), now - e->start_ns, chain);
	fprintf(stderr, "%sferret: %s\n", w->status_line ? "\r\033[K" : "", line ? line : "stall");
	free(line);
	if (grow_array((void **)&w->queued, &w->queued_cap, w->nqueued + 1, sizeof(*w->queued))) {
		free(chain);
		return;
	}
	w->queued[w->nqueued++] = (struct stall_row){
		.span_id = e->span_id, .thread_key = e->thread_key,
		.function_key = e->function_key, .start_ns = e->start_ns,
		.reported_ns = now, .chain = chain };
}

/* Right after a commit: no write of the spans' is open, none is mixed with these. */
static void record_stalls(struct stall_watch *w)
{
	size_t i;

	int err;

	for (i = 0; i < w->nqueued; i++) {
		err = w->record_failed ? -1 : store__add_stall(w->store, w->run_key, w->run_start_ns, &w->queued[i]);
		w->recorded += !err;
		if (err < 0 && !w->record_failed) {
			fwarn("stalls are reported here but not recorded in the run");
			w->record_failed = true;
		}
		free((char *)w->queued[i].chain);
	}
	w->nqueued = 0;
}

static void find_stalls(struct stall_watch *w, int64_t now)
{
	size_t first = 0, i;

	for (i = 1; i <= w->nopen; i++) /* each thread's calls are together, outermost first */
		if (i == w->nopen || w->tid[i] != w->tid[first]) {
			report(w, first, i - 1, now);
			first = i;
		}
}

static int by_start(const void *a, const void *b)
{
	const struct open_call_row *x = a, *y = b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->span_id < y->span_id ? -1 : x->span_id > y->span_id;
}

/* The oldest calls (a call's callers are older: their chains are whole), seen open now: each
 * commit while any is open (their seen_ns moves on), once when none is any more. */
static void publish(struct stall_watch *w, int64_t now)
{
	size_t n = w->nopen < STALL_WATCH_PUBLISHED ? w->nopen : STALL_WATCH_PUBLISHED;
	int err;

	if (w->publish_failed ||
	    grow_array((void **)&w->next, &w->next_cap, w->nopen + 1, sizeof(*w->next)))
		return;
	if (w->nopen) { /* w->open is NULL until a call opens */
		memcpy(w->next, w->open, w->nopen * sizeof(*w->next));
		qsort(w->next, w->nopen, sizeof(*w->next), by_start);
	}
	if (!n && !w->npublished)
		return;
	if ((err = store__publish_open_calls(w->store, w->run_key, w->run_start_ns, now, w->next, n)) < 0) {
		fwarn("the open calls are not published: ferret top shows none");
		w->publish_failed = true;
	}
	if (err) /* 1: no room now, tried again at the next commit */
		return;
	w->npublished = n;
}

void stall_watch__tick(struct stall_watch *w, const struct span_builder *b, bool committed)
{
	int64_t now = mono_ns();
	bool check = w->stall_ns && now >= w->checked_at_ns + CHECK_EVERY_NS;

	if (!check && !committed)
		return;
	w->nopen = 0;
	if (span_builder__each_open(b, collect, w))
		return; /* out of memory: tried again next time */
	if (check) {
		w->checked_at_ns = now;
		find_stalls(w, now);
	}
	if (committed) {
		record_stalls(w);
		publish(w, now);
	}
}

void stall_watch__finish(struct stall_watch *w)
{
	if (store__flush(w->store))
		return;
	record_stalls(w);
	w->nopen = 0;
	publish(w, mono_ns());
}

int64_t stall_watch__stalls(const struct stall_watch *w)
{
	return w ? w->stalls : 0;
}

int64_t stall_watch__recorded(const struct stall_watch *w)
{
	return w ? w->recorded : 0;
}

int64_t stall_watch__limit_ns(const struct stall_watch *w)
{
	return w ? w->stall_ns : 0;
}
