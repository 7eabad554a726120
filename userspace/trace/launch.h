/*
 * launch: start a command held at a gate, so that its probes are attached
 * before it runs a single instruction of its own code; then release it.
 */
#ifndef FERRET_LAUNCH_H
#define FERRET_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int gate_fd; /* write end: closing it lets the child exec */
	bool exited;
	int status; /* wait status once exited */
	struct follower *follower; /* while set, its thread reaps the child (follow.h) */
};

/* Where a child's standard streams go: fds it gets as stdin, and as stdout and stderr. */
struct child_stdio {
	int in, out;
};

/* Forks; the child waits at the gate, then execs exe with argv. io NULL: ferret's streams. */
int launch__prepare(const char *exe, char **argv, const struct child_stdio *io, struct child *c);
int launch__release(struct child *c);
/* Kills a child that never ran (setup failed after the fork). */
void launch__abort(struct child *c);
/* true once the child has exited (reaped, status kept). timeout_ms 0: do not wait. */
bool launch__wait(struct child *c, int timeout_ms);
/* Stops following (the child and its descendants run on, untraced), keeping its status. */
void launch__unfollow(struct child *c);
/* The exit code ferret passes on: the child's, or 128+signal. */
int launch__exit_code(const struct child *c);
/* If a terminating signal without a core dump (SIGINT, SIGTERM, SIGHUP, SIGPIPE) killed the
 * child, ferret ends itself by the same signal, as strace does: the shell then sees what it
 * would have seen untraced (a Ctrl-C stops a script's loop). Otherwise it returns. */
void launch__end_like_child(const struct child *c);

#endif
