/*
 * trace_target: what `ferret trace` traces. Exactly one of -p PID, --all, or
 * a command; resolved into the modules whose functions can be selected, a
 * description for the run, and (for a command) a child held at its gate.
 */
#ifndef FERRET_TRACE_TARGET_H
#define FERRET_TRACE_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "launch.h"
#include "elf/modules.h"

struct target_spec {
	int pid;    /* -p */
	bool all;   /* --all */
	bool no_ptrace; /* --no-ptrace: a command's children followed in BPF only (follow.h) */
	char **argv; /* -- PROGRAM ARGS */
	char **includes, **excludes;
	size_t ninc, nexc;
	size_t inc_cap, exc_cap; /* room in includes and excludes (grow_array) */
};

struct trace_target {
	bool resolved;
	struct module_list modules;
	char description[1024]; /* the command line, as stored in the run */
	char *exe;		 /* launched program's real path: what probes attach to */
	int pid;		 /* the traced process (launched: after trace_target__launch) */
	int pidfd;		 /* -p: readable once the process exits; -1 otherwise */
	bool launched, follow; /* follow: with ptrace, unless --no-ptrace */
	char **argv; /* launched: the caller's argv from PROGRAM on */
	const struct child_stdio *stdio; /* launched: its streams (NULL: ferret's), set before launch */
	struct child child;
};

/* Exactly one target, and --all names its binaries. Prints the error. */
int target_spec__check(const struct target_spec *spec);
int trace_target__resolve(const struct target_spec *spec, struct trace_target *t);
/* A command: fork it, held at its gate, and follow it (follow.h; child.follower stays NULL,
 * with a warning, where ptrace is refused). Others: nothing to do. */
int trace_target__launch(struct trace_target *t);
/* The process (thread group) tid belongs to, from /proc/TID/status; 0 when unknown. */
int trace_target__process_of(int tid);
/* The thread's state letter of /proc/TID/stat ('R', 'S', 't', 'Z'...); 0: it is gone. */
char trace_target__thread_state(int tid);
/* Calls fn for each thread of process pid (its /proc/PID/task) until fn returns non-zero,
 * which it returns; a process that is gone has no threads. */
int trace_target__each_thread(int pid, int (*fn)(int tid, void *arg), void *arg);
/* Lets a launched command run. */
void trace_target__start(struct trace_target *t);
/* Setup failed after launch: kill the child that never ran. */
void trace_target__abort(struct trace_target *t);
/*
 * The path to store for a module (what the module column shows): a launched
 * command's executable as the user named it, every other module its real path.
 */
const char *trace_target__shown_path(const struct trace_target *t, const char *path);
void trace_target__free(struct trace_target *t);

#endif
