/* What ferret trace says about its probes: how they were placed, and what they cost. */
#ifndef FERRET_TRACE_REPORT_H
#define FERRET_TRACE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "elf/selection.h"
#include "trace/probe_site.h"

/* "ferret: probes: N on 5-byte nops, ...": one line before tracing starts. */
void trace_report__placement(const size_t kinds[PROBE_KIND_COUNT], size_t moved);

/* calls[i]: the calls of sel->funcs[i]. After the run: the share of calls that hit
 * single-stepped probes, and a warning naming the costliest functions with the remedy. */
void trace_report__costs(const struct selection *sel, const uint64_t *calls);

#endif
