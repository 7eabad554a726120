/*
 * calibrate: what one traced call costs on this machine, per probe kind, measured at the
 * start of each run with ferret's own BPF programs, loaded as the run loads them (the
 * context-switch programs too unless --no-sched) and with a thread draining the ring buffer
 * as the run's consumer does, on functions of ferret's own binary whose first instruction
 * is of each kind (a 5-byte nop, a push, a relative jmp, an instruction the kernel
 * single-steps). Each is called in batches, in turn with an untraced twin of the same bytes:
 *   call_ns    the CPU time one traced call adds to its caller: its entry and return probes
 *              whole (per call, the traced batch's thread CPU time less the twin's; the
 *              median of 9 batches). CPU time: waiting for a CPU is no probe's cost;
 *   inside_ns  the part of it inside the call's own recorded duration: from the entry
 *              record's timestamp to the return record's (the median recorded duration
 *              minus the untraced call's time).
 * analyze subtracts them (analyze/probe_comp.c). About 0.1 s in all.
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

/* Fills costs[kind] for nop5, push, emulated and stepped probes; sched: the run follows
 * context switches (its programs are loaded here too) (measured false for a kind it
 * could not measure, with the reason at -v). 0, or <0 when nothing could be measured (printed
 * as a warning: the run is then not compensated). */
int calibrate__probe_costs(struct probe_cost costs[PROBE_KIND_COUNT], bool sched);

#endif
