/*
 * pause: holds every thread of some processes still for a moment (ptrace seize and
 * interrupt, so no parent or shell sees a stop, and blocked system calls restart after),
 * while --overhead replaces probes: no traced code runs meanwhile, so no call is seen by
 * both the old and the new probes, or by neither.
 */
#ifndef FERRET_PAUSE_H
#define FERRET_PAUSE_H

#include <stddef.h>
#include <sys/types.h>

struct pause;

/* Stops every thread of the npids processes (threads they start meanwhile too), waiting at
 * most timeout_ms for each. 0: all are stopped; <0: not all could be (none stays stopped). */
int pause__stop(const int *pids, size_t npids, int timeout_ms, struct pause **out);
/* Lets them all run again; NULL is a no-op. */
void pause__resume(struct pause *p);

#endif
