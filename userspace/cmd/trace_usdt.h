/* ferret trace's USDT probes: the plan from the options, its rows in the run, what it says after. */
#ifndef FERRET_TRACE_USDT_H
#define FERRET_TRACE_USDT_H

#include "store/store.h"
#include "trace/spans.h"
#include "trace/trace_target.h"
#include "trace/usdt_plan.h"
#include "trace_options.h"

/* ferret.h's probes of every module of t, -u and --usdt-span: *out NULL when none. Stack mode
 * records no explicit spans: it says so when the modules have ferret.h's probes. */
int trace_usdt__plan(const struct trace_opts *o, const struct trace_target *t, struct usdt_plan **out);
/* The plan's modules and --usdt-span functions, in the run being written. */
int trace_usdt__store(struct usdt_plan *p, struct store *s, const struct trace_target *t);
/* After the run: explicit spans left open or ended twice, tags with no span; -u's events. */
void trace_usdt__report(const struct usdt_plan *p, const struct usdt_counts *u, const struct span_counts *c);

#endif
