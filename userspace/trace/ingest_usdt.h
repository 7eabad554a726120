/*
 * ingest_usdt: USDT records (bpf/events.h's USDT section) -> the span builder and the store.
 * ferret:begin opens an explicit span, a frame of the thread's stack beside its calls, of a
 * function made for its name the first time it is seen (kind 'explicit'); ferret:end closes
 * the innermost one. Tags and status go to the innermost open frame, explicit or a call; a
 * rename gives an explicit frame the function of its new name (a call keeps its function and
 * gets a tag 'name'). --usdt-span pairs open and close spans of the pair's function; -u probes
 * are instant events in the innermost open span.
 */
#ifndef FERRET_INGEST_USDT_H
#define FERRET_INGEST_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spans.h"
#include "store/store.h"
#include "usdt_plan.h"

struct usdt_counts {
	int64_t explicit_names; /* functions made for explicit spans' names */
	int64_t tags;		/* tags and statuses stored */
	int64_t orphan_notes;	/* tags, statuses, renames with no span open on their thread */
	int64_t events;		/* -u firings stored */
};

struct usdt_ingest;

int usdt_ingest__new(struct store *s, struct span_builder *b, const struct usdt_plan *plan,
		     struct usdt_ingest **out);
void usdt_ingest__free(struct usdt_ingest *u);
/* Whether a record of this type is one of the USDT records. */
bool usdt_ingest__handles(uint16_t type);
/* One USDT record of a thread the builder knows. <0: storage failed. */
int usdt_ingest__event(struct usdt_ingest *u, const void *data, size_t size, int64_t *bad_events);
const struct usdt_counts *usdt_ingest__counts(const struct usdt_ingest *u);

#endif
