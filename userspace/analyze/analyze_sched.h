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
#include "store/run_figures.h"

/* struct sched_sum: store/run_figures.h (the stored figures hold it too). */

void sched_sum__add(struct sched_sum *s, const struct open_call *c);
/* from's calls added to s's, as if each had been added (exact while their system calls fit). */
void sched_sum__merge(struct sched_sum *s, const struct sched_sum *from);
/* Every call counted has figures (and there is one). */
static inline bool sched_sum__complete(const struct sched_sum *s)
{
	return s->known && !s->unknown;
}
/* The system call with the most blocked ns (a tie: the lowest number, so the order calls
 * came in does not matter); -1: none (or blocked outside any). */
int32_t sched_sum__blocked_in(const struct sched_sum *s);
/* "read", "(no syscall)", "syscall_512": as span_view names it. */
const char *sched__syscall_name(int32_t nr, char *buf, size_t len);
/* The tree's label: the largest of the three shares of the calls' time ("(cpu)" from 95%);
 * "" when not complete. */
void sched_sum__label(const struct sched_sum *s, char *buf, size_t len);

#endif
