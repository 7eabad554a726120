/*
 * analyze_sched: the on-CPU, blocked and run-queue time of a set of calls (a function's
 * outermost activations in the table, a path's calls in the merged tree, one call with
 * --calls), summed from their spans, and the tree's label for it: "(cpu)", "(blocked 93% in
 * read)", "(runq 40%)". Shown only when every call counted has figures.
 */
#ifndef FERRET_ANALYZE_SCHED_H
#define FERRET_ANALYZE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "open_call.h"

#define SCHED_SUM_SYSCALLS 4 /* system calls kept per sum, by blocked ns */

struct sched_sum {
	uint64_t known, unknown; /* calls with figures, and without */
	int64_t cpu_ns, blocked_ns, runq_ns;
	/* Blocked ns by each call's own blocked_in (a call's most blocking system call takes its
	 * whole blocked time): the few largest. */
	int32_t nr[SCHED_SUM_SYSCALLS];
	int64_t nr_ns[SCHED_SUM_SYSCALLS];
	uint8_t nnr;
};

void sched_sum__add(struct sched_sum *s, const struct open_call *c);
/* Every call counted has figures (and there is one). */
static inline bool sched_sum__complete(const struct sched_sum *s)
{
	return s->known && !s->unknown;
}
/* The system call with the most blocked ns; -1: none (or blocked outside any). */
int32_t sched_sum__blocked_in(const struct sched_sum *s);
/* "read", "(no syscall)", "syscall_512": as span_view names it. */
const char *sched__syscall_name(int32_t nr, char *buf, size_t len);
/* The tree's label: the largest of the three shares of the calls' time ("(cpu)" from 95%);
 * "" when not complete. */
void sched_sum__label(const struct sched_sum *s, char *buf, size_t len);

#endif
