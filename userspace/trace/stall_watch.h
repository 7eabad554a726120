/*
 * stall_watch: the tracer's open calls, shown to readers while the run goes on. After each
 * commit of the spans it publishes the calls open then (store's open_calls, for `ferret top`
 * in any terminal); with --stall it reports, once, each thread's innermost call open longer
 * than the limit: one line on stderr with its thread and the chain of calls open above it,
 * and a row of the run's stalls. It runs on the consumer's thread, which owns the builder.
 */
#ifndef FERRET_STALL_WATCH_H
#define FERRET_STALL_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "spans.h"
#include "store/store.h"

#define STALL_WATCH_PUBLISHED 4096 /* open calls published at most, the oldest */

struct stall_watch;

/* stall_ns 0: open calls published, no stall reported. NULL: error (printed). */
struct stall_watch *stall_watch__new(struct store *s, int64_t stall_ns, bool status_line);
void stall_watch__free(struct stall_watch *w); /* NULL is a no-op */
/* Every pass of the consumer's loop: stalls looked for every 100 ms; committed: the spans
 * were just committed, the open calls are published (when they changed). */
void stall_watch__tick(struct stall_watch *w, const struct span_builder *b, bool committed);
/* The run ends: no call is open any more. */
void stall_watch__finish(struct stall_watch *w);
int64_t stall_watch__stalls(const struct stall_watch *w); /* reported so far */
int64_t stall_watch__recorded(const struct stall_watch *w); /* of those, in the stalls table */
int64_t stall_watch__limit_ns(const struct stall_watch *w);

#endif /* FERRET_STALL_WATCH_H */
