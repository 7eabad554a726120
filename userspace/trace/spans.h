/*
 * spans: entry/exit events -> spans, per thread, with a shadow stack.
 * Knows nothing of BPF or SQLite: events come in, finished spans go out
 * through a sink, so it is unit-tested on synthetic event streams.
 */
#ifndef FERRET_SPANS_H
#define FERRET_SPANS_H

#include <stdint.h>

#include "store/store.h"

/* A call is opened at its entry (everything but end_ns and status is known;
 * the sink returns its span id, <0 stops the builder) and emitted when it ends. */
struct span_sink {
	int64_t (*open)(void *ctx, const struct stored_span *call);
	int (*emit)(void *ctx, const struct stored_span *span); /* <0 stops the builder */
	void *ctx;
};

struct span_stats {
	int64_t spans;		  /* spans emitted */
	int64_t incomplete;	  /* of which had no matching return */
	int64_t unmatched_exits;  /* returns with no open entry (their entry was lost) */
	int64_t threads;
};

struct span_builder;

struct span_builder *span_builder__new(const struct span_sink *sink);
void span_builder__free(struct span_builder *b);
/* A thread's key in the store; must be set before its first entry. */
int span_builder__set_thread(struct span_builder *b, uint32_t tid, int64_t thread_key);
int64_t span_builder__thread_key(const struct span_builder *b, uint32_t tid); /* 0: unknown */
int span_builder__entry(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts);
/* A return: pops the matching entry; entries above it never returned (longjmp) and end here, incomplete. */
int span_builder__exit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts);
/* The thread is gone (or tracing stops): every open call ends at ts, incomplete. */
int span_builder__end_thread(struct span_builder *b, uint32_t tid, int64_t ts);
int span_builder__end_all(struct span_builder *b, int64_t ts);
const struct span_stats *span_builder__stats(const struct span_builder *b);

#endif
