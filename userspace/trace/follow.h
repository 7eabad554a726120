/*
 * follow: only a launched command's processes get breakpoints. The command is
 * ptrace-seized at its gate; each process it or a descendant forks stops at birth,
 * gets links of its own, filtered on its pid (loader__attach_pid), then runs; an
 * exited process loses its links. One thread waits for every ptrace event, so it
 * also reaps the command (launch__wait asks it).
 */
#ifndef FERRET_FOLLOW_H
#define FERRET_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>

struct follower;
struct loader;

/* Seizes pid, a child held at its gate. A negative errno (ptrace refused): nothing done. */
int follower__start(int pid, struct follower **out);
/* From now on, processes forked by followed ones get their probes from l. */
void follower__set_loader(struct follower *f, struct loader *l);
/* The command's wait status, once the follower has reaped it. */
bool follower__reaped(struct follower *f, int *status);
/* The followed processes (those with links of their own), at most max of them. */
size_t follower__pids(struct follower *f, int *pids, size_t max);
/* --overhead's swap: holds every thread of the followed processes in a ptrace stop (the
 * follower's thread, their tracer, does it; a seize by another would be refused), waiting at
 * most timeout_ms for them. 0: all held until follower__release; <0: none is. */
int follower__hold(struct follower *f, int timeout_ms);
void follower__release(struct follower *f);
/* Ends the thread: the kernel detaches every tracee, which runs on untraced. */
void follower__stop(struct follower *f);
void follower__free(struct follower *f); /* stops first; NULL is a no-op */

#endif
