/*
 * calibrate: what one traced call costs on this machine, per probe kind, measured at the
 * start of each run with ferret's own BPF programs on functions of ferret's own binary
 * whose first instruction is of each kind (a 5-byte nop, a push, a relative jmp, an
 * instruction the kernel single-steps). Each is called N times untraced, then traced:
 *   call_ns    the time one traced call adds to its caller: its entry and return probes
 *              whole (the traced loop's time minus the untraced one's, per call);
 *   inside_ns  the part of it inside the call's own recorded duration: from the entry
 *              record's timestamp to the return record's (the median recorded duration
 *              minus the untraced call's time).
 * analyze subtracts them (analyze/probe_comp.h). About 0.1 s in all.
 */
#ifndef FERRET_CALIBRATE_H
#define FERRET_CALIBRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "probe_site.h"

struct probe_cost {
	bool measured;
	int64_t calls; /* traced calls timed */
	int64_t call_ns, inside_ns;
};

/* Fills costs[kind] for nop5, push, emulated and stepped probes (measured false for a kind it
 * could not measure, with the reason at -v). 0, or <0 when nothing could be measured (printed
 * as a warning: the run is then not compensated). */
int calibrate__probe_costs(struct probe_cost costs[PROBE_KIND_COUNT]);

#endif
