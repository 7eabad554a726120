/*
 * trace_session: what one `ferret trace` holds while it traces, and what it says at the end:
 * the summary (spans, threads, lost events, warnings), USDT's warnings, the probes' cost.
 */
#ifndef FERRET_TRACE_SESSION_H
#define FERRET_TRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace_target.h"
#include "trace/calibrate.h"
#include "trace/probe_site.h"
#include "trace_options.h"

struct trace_live;

struct session {
	struct trace_target target;
	struct selection *sel;
	struct store *store;
	struct loader *loader;
	struct consumer *consumer;
	struct aggregates *agg; /* stack mode only */
	struct budget *budget;	/* --overhead, --count-only */
	struct usdt_plan *usdt; /* USDT probes: ferret.h's, -u, --usdt-span; NULL: none */
	struct stall_watch *watch; /* open calls published; --stall */
	struct capture_plan *capture; /* -A, -R, --error; NULL: none */
	struct trace_live *live; /* --live */
	int64_t *func_keys;
	bool db_created;
	size_t probe_kinds[PROBE_KIND_COUNT], probes_moved;
	struct probe_cost costs[PROBE_KIND_COUNT]; /* measured: stored with the run */
};

/* After the run, on stderr. */
void trace_session__summary(const struct trace_opts *o, struct session *ss);

#endif /* FERRET_TRACE_SESSION_H */
