/*
 * ingest: ring-buffer records -> spans -> store. The same path serves the
 * live consumer thread and the ingest benchmark, which feeds it synthetic events.
 */
#ifndef FERRET_INGEST_H
#define FERRET_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "spans.h"
#include "store/store.h"

struct ingest;

/* func_keys[cookie]: the store's key of the function a probe cookie names. */
int ingest__new(struct store *s, const int64_t *func_keys, size_t nfuncs, struct ingest **out);
/* -A, -R, --error: what the calls of planned functions carry (kept by the caller; NULL: none). */
struct capture_plan;
int ingest__set_capture(struct ingest *in, const struct capture_plan *plan);
int64_t ingest__errors(const struct ingest *in); /* spans an --error rule made errors */
/* One ring-buffer record. <0: storage failed (printed by the store). */
int ingest__event(struct ingest *in, const void *data, size_t size);
/* Stack mode: a thread's calls still open in the kernel when tracing stopped
 * (outermost first, as loader__open_stacks gives them) become incomplete spans ending at end_ns. */
int ingest__open_stack(struct ingest *in, uint32_t pid, uint32_t tid,
		       const struct open_frame *frames, uint32_t nframes, int64_t end_ns);
/* A record's timestamp (CLOCK_MONOTONIC ns); -1: too short to have one. */
int64_t ingest__event_ts(const void *data, size_t size);
/* Closes every open call at end_ns (incomplete). */
int ingest__finish(struct ingest *in, int64_t end_ns);
int64_t ingest__bad_events(const struct ingest *in);
/* Calls of a function seen so far (entries, or whole spans in stack mode). */
uint64_t ingest__calls(const struct ingest *in, uint32_t func_id);
const struct span_counts *ingest__counts(struct ingest *in);
/* The function's probes were removed at at_ns, and every event they sent has been passed in:
 * its open calls end there (span_builder__end_function). */
int ingest__probes_removed(struct ingest *in, uint32_t func_id, int64_t at_ns);
/* From now, context-switch records give each span its on-CPU, blocked and run-queue time
 * (sched_time.h). 0 or -ENOMEM. */
int ingest__enable_sched(struct ingest *in);
void ingest__free(struct ingest *in);
/* USDT probes' records (ingest_usdt.h), keyed by the plan's sites; before the first event. */
struct usdt_plan;
struct usdt_counts;
int ingest__set_usdt(struct ingest *in, const struct usdt_plan *plan);
const struct usdt_counts *ingest__usdt_counts(const struct ingest *in); /* NULL: no USDT probes */
/* The span builder: its open calls (stall_watch.c). */
const struct span_builder *ingest__builder(const struct ingest *in);

#endif
