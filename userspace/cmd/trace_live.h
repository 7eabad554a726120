/*
 * trace_live: `ferret trace --live`, top's view of the run in the tracer's own terminal.
 * The tracer's main thread, which only waits for the end, runs top_watch between its checks:
 * the figures come from the file through a read connection of its own, as `ferret top` reads
 * them, and the consumer's thread is not slowed. While the view has the terminal a launched
 * command writes to a file (--live-output, default DB.out) and reads no key, and ferret's own
 * messages are held, printed once the terminal is restored. q closes the view: tracing goes
 * on with the usual output; Ctrl-C stops tracing as ever.
 */
#ifndef FERRET_TRACE_LIVE_H
#define FERRET_TRACE_LIVE_H

#include <stdint.h>

#include "trace/trace_target.h"
#include "trace_options.h"

struct trace_live;

/* Before the launch: the command's streams (t->stdio). <0: printed. */
int trace_live__prepare(const struct trace_opts *o, struct trace_target *t, struct trace_live **out);
/* Once the run is in the file: the view takes the terminal. <0: printed, nothing taken. */
int trace_live__start(struct trace_live *l, const char *db, const char *run_id, int64_t stall_ns);
/* In the tracer's wait, for about ms: a frame each second, the keys. */
void trace_live__wait(struct trace_live *l, int ms);
/* The terminal restored and the held messages printed (again: a no-op). */
void trace_live__stop(struct trace_live *l);
/* After the summary: where the command's output went. */
void trace_live__report(const struct trace_live *l);
void trace_live__free(struct trace_live *l); /* stops; NULL is a no-op */

#endif /* FERRET_TRACE_LIVE_H */
