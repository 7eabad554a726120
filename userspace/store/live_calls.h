/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * live_calls: what a run being traced shows to readers while it runs (`ferret top`, --stall).
 * Open calls are known only to the tracer: it rewrites the run's open_calls rows in a
 * transaction of their own after each commit of its spans (about every second), and empties
 * them when the run ends. Each call open longer than --stall goes into stalls once.
 * The readers here read spans committed since a span id, the open calls and the stalls of
 * a run, through their own connection (db__open's checks; any user who may read the file).
 * A file of schema 5 (before these tables) reads as having none.
 */
#ifndef FERRET_LIVE_CALLS_H
#define FERRET_LIVE_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "run_reader.h"

/* ---- the tracer's side ---- */

/* A call still open; times CLOCK_MONOTONIC ns (stored relative to the run's start). */
struct open_call_row {
	int64_t span_id, parent_id; /* parent_id 0: a root */
	int64_t thread_key, function_key;
	int64_t start_ns;
	int64_t thread_last_ns; /* its thread's last traced entry or return */
	int32_t depth;
};

/* The call a thread's stack (its open calls, outermost first) is stalled in at now_ns: its
 * innermost one, when the thread has entered or left no traced call for limit_ns (a handler
 * stuck in an untraced read; an event loop whose traced calls go on is not); n: none. One rule
 * for the tracer's --stall and top's. */
static inline size_t open_calls__stalled(const struct open_call_row *stack, size_t n, int64_t now_ns,
					 int64_t limit_ns)
{
	return n && now_ns - stack[n - 1].thread_last_ns >= limit_ns ? n - 1 : n;
}

/* Replaces run_key's open calls with rows[0..n), seen open at seen_ns, in one transaction
 * (none may be open). 0; 1: skipped, quietly (the disk has no room to spare); <0: printed. */
int live_calls__publish(struct db *db, int64_t run_key, int64_t run_start_ns, int64_t seen_ns,
			const struct open_call_row *rows, size_t n);

/* A call found open longer than --stall. chain: its function names, outermost first. */
struct stall_row {
	int64_t span_id, thread_key, function_key;
	int64_t start_ns, reported_ns; /* CLOCK_MONOTONIC ns */
	const char *chain;
};
/* 0; 1: not recorded, quietly (no room to spare on the disk); <0: printed. */
int live_calls__add_stall(struct db *db, int64_t run_key, int64_t run_start_ns, const struct stall_row *s);

/* A function's name (malloc'd; "?" when unknown), NULL: out of memory. */
char *live_calls__function_name(struct db *db, int64_t function_key);
/* A stall as a line, the tracer's and top's alike: "stall: thread TID: FUNCTION open for AGE:
 * CHAIN" (malloc'd; NULL: out of memory). */
char *live_calls__stall_line(int tid, const char *function, int64_t age_ns, const char *chain);

/* ---- the readers' side ---- */

struct live_reader;

int live_reader__open(const char *path, struct live_reader **out); /* <0: printed */
void live_reader__free(struct live_reader *lr);			 /* NULL is a no-op */
/* run_id NULL: the latest run. Re-read on every refresh (it ends, its span count). */
int live_reader__run(struct live_reader *lr, const char *run_id, struct run_row *out);

/* One span as committed: times relative to the run's start. */
struct live_span {
	int64_t span_id, function_key, thread_key;
	int64_t start_ns, duration_ns;
	int32_t status;
};
/* The run's spans with span_id > after, in id order; a non-zero return from cb stops. */
int live_reader__spans_after(struct live_reader *lr, int64_t run_key, int64_t after,
			     int (*cb)(void *ctx, const struct live_span *s), void *ctx);
/* One span by id: 1 found, 0 not (yet), <0 error. */
int live_reader__span(struct live_reader *lr, int64_t span_id, struct live_span *out);
int64_t live_reader__last_span_id(struct live_reader *lr); /* the file's highest; <0 error */

/* An open call as published, names resolved (strings valid during the callback). */
struct live_open_call {
	int64_t span_id, parent_id, thread_key;
	int64_t start_ns, thread_last_ns; /* relative to the run's start */
	int64_t seen_ns; /* when the tracer saw it open (its last commit), relative to the run's start */
	int32_t depth;
	int tid;
	const char *comm, *function;
};
/* The run's open calls, oldest first (a parent before its children). */
int live_reader__open_calls(struct live_reader *lr, int64_t run_key,
			    int (*cb)(void *ctx, const struct live_open_call *c), void *ctx);
/* A function's name (malloc'd; "?" when unknown), NULL: out of memory. */
char *live_reader__function_name(struct live_reader *lr, int64_t function_key);
/* The stalls recorded for the run, in the order reported. */
struct live_stall {
	int64_t span_id;
	int64_t start_ns, reported_ns; /* relative to the run's start */
	int tid;
	const char *function, *chain;
};
int live_reader__stalls(struct live_reader *lr, int64_t run_key,
			int (*cb)(void *ctx, const struct live_stall *s), void *ctx);

#endif /* FERRET_LIVE_CALLS_H */
