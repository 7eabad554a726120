/*
 * consumer: drains the ring buffer on its own thread into ingest.c (events ->
 * spans -> store). Also owns the live status line, since it knows the counts.
 */
#ifndef FERRET_CONSUMER_H
#define FERRET_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "aggregates.h"
#include "loader.h"
#include "spans.h"
#include "store/store.h"

struct consumer;

/* func_keys[cookie] is the store's key of the function a probe's cookie names. usdt: the
 * run's USDT probes (their records' cookies), NULL: none. plan: what the plan's functions'
 * calls carry (-A, -R, --error; kept by the caller until consumer__free), NULL: none. */
struct usdt_plan;
struct usdt_counts;
struct capture_plan;
int consumer__start(struct loader *l, struct store *s, const int64_t *func_keys, size_t nfuncs,
		    const struct usdt_plan *usdt, const struct capture_plan *plan, bool status_line,
		    struct consumer **out);
const struct usdt_counts *consumer__usdt_counts(const struct consumer *c); /* NULL: none */
int64_t consumer__errors(const struct consumer *c); /* spans an --error rule made errors */
/* Drains what is left (call after detaching), closes open calls at end_ns
 * (incomplete), joins the thread. Stack mode: agg gets the kernel's aggregates
 * plus the calls still open; NULL otherwise. */
int consumer__finish(struct consumer *c, int64_t end_ns, struct aggregates *agg);
bool consumer__failed(const struct consumer *c);
const struct span_counts *consumer__counts(const struct consumer *c);
uint64_t consumer__calls(const struct consumer *c, uint32_t func_id);
/* --overhead removed the function's probes at at_ns (they are detached), with the traced
 * processes still held: its calls still open end there as no_return, before the first event
 * after at_ns is passed in. */
int consumer__probes_removed(struct consumer *c, uint32_t func_id, int64_t at_ns);
void consumer__free(struct consumer *c);
/* From now on, the consumer's thread publishes the open calls and looks for stalls through w
 * (kept by the caller until consumer__finish). */
struct stall_watch;
void consumer__set_watch(struct consumer *c, struct stall_watch *w);

#endif
