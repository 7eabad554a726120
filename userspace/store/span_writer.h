/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * span_writer: writing a run's spans, the hot path. Two ways in:
 *  - span_writer__open_span/span_writer__close_span (the tracer's event mode):
 *    ids are handed out here, in order, and each call sits in a window of slots
 *    indexed by span id until the window is full. The window is then inserted
 *    in id order with the rowid left to SQLite: it appends each row at the end
 *    of the table without searching the b-tree (a quarter of the cost of a row)
 *    and no sort is needed. A call still open then goes in as an incomplete
 *    zero-length span and is updated when it returns, so a tracer killed
 *    mid-run still leaves every started call in the file.
 *  - span_writer__next_id/span_writer__append: whole spans with ids of their
 *    own (stack mode's, tests), batched, sorted and inserted by id.
 * Span ids are reserved in blocks (meta.next_span_id), so several tracers can
 * write one file; the NULL rowid is used only while the table's last row is
 * this writer's. A write that fails is rolled back whole; from then on the
 * run's calls are only counted (span_writer__unstored). Each thread's span
 * count and id range are kept for readers (range_scan.c). The run itself is the run writer's (run_writer.c).
 */
#ifndef FERRET_SPAN_WRITER_H
#define FERRET_SPAN_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Spans wait in memory until this many are batched, then go in as one transaction.
 * Also the number of span ids a writer reserves at a time (meta.next_span_id). */
#define STORE_SPAN_BATCH 65536

enum span_status {
	SPAN_OK = 0,
	SPAN_INCOMPLETE = 1, /* no matching return: longjmp, exit, crash, tracing stopped */
	SPAN_NO_RETURN = 2,  /* the kernel gave the call no return probe (nesting limit): end unknown */
	SPAN_LOST = 3,	     /* events of its thread were lost while it was open: end unknown */
	/* -A/-R/--error: */
	SPAN_ERROR = 4,	     /* it returned a value an --error rule calls an error */
};

/* A status as span_view names it ("ok", "incomplete", "no_return_probe", "lost"). */
static inline const char *span_status__name(int status)
{
	switch (status) {
	case SPAN_OK: return "ok";
	case SPAN_NO_RETURN: return "no_return_probe";
	case SPAN_LOST: return "lost";
	case SPAN_ERROR: return "error";
	default: return "incomplete";
	}
}

/* Why a call that is not ok has no exact end, in a sentence. */
static inline const char *span_status__why(int status)
{
	switch (status) {
	case SPAN_NO_RETURN: return "no_return_probe: the kernel gave the call no return probe "
				    "(nested too deep): its end is not known";
	case SPAN_LOST: return "lost: its thread lost events while it was open: its end is not known";
	case SPAN_ERROR: return "error: its return value matched an --error rule";
	default: return "incomplete: no return was seen (longjmp, exit, crash or tracing stopped)";
	}
}

/* Whether a call of this status ended when its return was seen (its duration is exact). */
static inline bool span_status__returned(int status)
{
	return status == SPAN_OK || status == SPAN_ERROR;
}

/* One finished (or incomplete) call, as the store writes it. */
struct stored_span {
	int64_t span_id; /* first: batches are sorted by it (compare_int64_keys) */
	int64_t parent_id; /* 0: a root span */
	int64_t thread_key;
	int64_t function_key;
	int64_t start_ns;
	int64_t end_ns;
	int32_t depth;	/* 0 for a root */
	int32_t status; /* enum span_status */
	/* On-CPU, blocked and run-queue time (trace/sched_time.c): stored NULL unless has_sched. */
	bool has_sched;
	int32_t blocked_in; /* the system call it slept in most; -1: none; with blocked_ns > 0 */
	int64_t cpu_ns, blocked_ns, runq_ns;
};

struct span_writer;

struct span_writer *span_writer__new(struct db *db); /* NULL: out of memory (printed) */
void span_writer__free(struct span_writer *sw);	     /* NULL is a no-op; writes nothing */
/* A run starts (inside the caller's write transaction): its first block of span
 * ids, the first of them in *first_span_id. Its spans' start_ns are stored
 * relative to run_start_ns. */
int span_writer__start(struct span_writer *sw, int64_t run_start_ns, int64_t *first_span_id);
/* The run ends (inside the caller's write transaction, after a flush): its
 * threads' span figures, and its unused span ids handed back unless another
 * writer reserved ids since. */
int span_writer__finish(struct span_writer *sw);
/* No run is being written any more (finished, or its start rolled back). */
void span_writer__stop(struct span_writer *sw);
int64_t span_writer__stored(const struct span_writer *sw); /* the run's spans committed so far */
/* The run's calls not stored since a write failed (disk full, lock held, I/O), and
 * why in *why (may be NULL). After a failure the writer counts instead of
 * storing: every call still succeeds, so that tracing goes on. */
int64_t span_writer__unstored(const struct span_writer *sw, const char **why);
/* Another write of the run failed (rolled back here): the writer counts from now on. */
void span_writer__fail(struct span_writer *sw, const char *why);
bool span_writer__failed(const struct span_writer *sw); /* counting, not storing */
/* A new thread of the run (keys are consecutive rowids). */
int span_writer__track_thread(struct span_writer *sw, int64_t thread_key);

/* A call as it starts (end_ns and status unset): returns its span id. */
int64_t span_writer__open_span(struct span_writer *sw, const struct stored_span *call);
/* The same call, finished or incomplete; span_id from span_writer__open_span. */
int span_writer__close_span(struct span_writer *sw, const struct stored_span *span);
/* count span ids of the file for ids handed out elsewhere; returns the first. */
int64_t span_writer__reserve_ids(struct span_writer *sw, int64_t count);
/* Whole spans: an id unique in the file, then the span, any order. */
int64_t span_writer__next_id(struct span_writer *sw);
int span_writer__append(struct span_writer *sw, const struct stored_span *span); /* batched */
int span_writer__flush(struct span_writer *sw); /* commits what is batched */

#endif /* FERRET_SPAN_WRITER_H */
