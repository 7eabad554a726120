/*
 * spans: entry/exit events -> spans, per thread, with a shadow stack.
 * Knows nothing of BPF or SQLite: events come in, finished spans go out
 * through a sink, so it is unit-tested on synthetic event streams.
 */
#ifndef FERRET_SPANS_H
#define FERRET_SPANS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* A call is opened at its entry (everything but end_ns and status is known;
 * the sink returns its span id, <0 stops the builder) and emitted when it ends. */
struct span_sink {
	int64_t (*open)(void *ctx, const struct stored_span *call);
	int (*emit)(void *ctx, const struct stored_span *span); /* <0 stops the builder */
	void *ctx;
};

struct span_counts {
	int64_t spans;		  /* spans emitted */
	int64_t incomplete;	  /* of which had no matching return */
	int64_t no_return;	  /* of which the kernel gave no return probe */
	int64_t lost;		  /* of which were open when their thread lost events */
	int64_t unmatched_exits;  /* returns with no open entry (their entry was lost) */
	int64_t threads;
	/* Explicit spans (ferret.h) */
	int64_t unmatched_ends;	     /* ends with no explicit span open on their thread */
	int64_t explicit_incomplete; /* explicit spans not closed by an end (thread exit, a return) */
};

/* One more span of this status in c. */
static inline void span_counts__add(struct span_counts *c, int status)
{
	c->spans++;
	c->incomplete += status == SPAN_INCOMPLETE;
	c->no_return += status == SPAN_NO_RETURN;
	c->lost += status == SPAN_LOST;
}

struct span_builder;

struct span_builder *span_builder__new(const struct span_sink *sink);
void span_builder__free(struct span_builder *b);
/* A thread's key in the store; must be set before its first entry. */
int span_builder__set_thread(struct span_builder *b, uint32_t tid, int64_t thread_key);
int64_t span_builder__thread_key(struct span_builder *b, uint32_t tid); /* 0: unknown */
/* Where a call entered: its stack pointer at its first instruction (0: unknown), and
 * whether that is a tail call out of the innermost open call (entered at the same place). */
struct entry_place {
	uint64_t sp;
	bool tail_call;
};
/* An entry at place (NULL: unknown). Every call made while a call is open enters lower on
 * the stack, or at the same place if it is a tail call out of it: the open calls that
 * entered lower, or at the same place when this is no tail call, are over (a longjmp or an
 * unwinding left them) and end at ts, incomplete. no_return: the kernel gave it no return
 * probe (the nesting limit): the call ends, as no_return, when a call below it returns or the
 * thread ends; no return is ever paired with it. */
int span_builder__entry_at(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts,
			   const struct entry_place *place, bool no_return);
/* span_builder__entry_at with the stack pointer unknown, and a return probe. */
int span_builder__entry(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts);
/* The thread's events carry the ring buffer's loss count read before each was sent: when it
 * changed since the thread's last event, events in between may be lost, so no open call can be
 * paired for certain: they all end at ts as lost, and the thread starts a new stack. */
int span_builder__lost_mark(struct span_builder *b, uint32_t tid, uint32_t mark, int64_t ts);
/* A return: pops the innermost open entry of the function that has a return probe; entries
 * above it never returned (longjmp: incomplete) or had no return probe (no_return). */
int span_builder__exit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts);
/* The function's probes are gone (--overhead removed them at ts): its open calls will see no
 * return. They end at ts as no_return (end unknown: they lasted at least that long). */
int span_builder__end_function(struct span_builder *b, int64_t function_key, int64_t ts);
/* Go code: calls keyed by goroutine (key: a thread slot the caller gives each goroutine),
 * each entered and left at a stack position (g.stack.hi - SP, unchanged when the stack is
 * copied). An entry ends the open calls at its position or deeper; a return ends those
 * deeper than its own (a panic or runtime.Goexit unwound them: incomplete), then pairs
 * with the call at its position, which must be of its function (else: unmatched). */
int span_builder__go_entry(struct span_builder *b, uint32_t key, int64_t function_key, int64_t ts,
			   uint64_t stack_pos);
int span_builder__go_exit(struct span_builder *b, uint32_t key, int64_t function_key, int64_t ts,
			  uint64_t stack_pos);
/* The thread is gone (or tracing stops): every open call ends at ts, incomplete. */
int span_builder__end_thread(struct span_builder *b, uint32_t tid, int64_t ts);
int span_builder__end_all(struct span_builder *b, int64_t ts);
const struct span_counts *span_builder__counts(const struct span_builder *b);
/* Every call still open, each thread's outermost first (end_ns and status unset); tid: the
 * thread (a Go goroutine's slot), last_ns: its last entry or return. A non-zero return from
 * cb stops and is returned. */
int span_builder__each_open(const struct span_builder *b,
			    int (*cb)(void *ctx, uint32_t tid, int64_t last_ns, const struct stored_span *call),
			    void *ctx);

/* ---- Explicit spans (ferret.h's probes, --usdt-span pairs): frames of the same stack ---- */
/* A span the program opened: a frame like a call's, of a function the caller allocated for
 * its name, ended only by span_builder__end_explicit (or as a call's would be). */
int span_builder__entry_explicit(struct span_builder *b, uint32_t tid, int64_t function_key, int64_t ts);
/* Ends the thread's innermost explicit span at ts (ok); frames above it never returned
 * (incomplete). None open: counted in unmatched_ends. */
int span_builder__end_explicit(struct span_builder *b, uint32_t tid, int64_t ts);
/* The thread's innermost open frame: 1 and its span id (and whether it is explicit), 0: none. */
int span_builder__innermost(struct span_builder *b, uint32_t tid, int64_t *span_id, bool *explicit_span);
/* The innermost frame, if explicit, is of function_key from now on (a rename): 1; else 0. */
int span_builder__rename_innermost(struct span_builder *b, uint32_t tid, int64_t function_key);

#endif
