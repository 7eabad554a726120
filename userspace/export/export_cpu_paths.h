/*
 * cpu_paths: one thread's on-CPU time by call path, for Speedscope's second, CPU-weighted
 * profile of the thread: each path's self on-CPU ns (its calls' cpu_ns less their direct
 * children's). Grows with the thread's distinct paths, not its spans. A thread with a span
 * without figures gets no such profile.
 */
#ifndef FERRET_EXPORT_CPU_PATHS_H
#define FERRET_EXPORT_CPU_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hashmap.h"
#include "core/jsonw.h"
#include "store/span_reader.h"

struct cpu_path {
	int32_t parent; /* -1: a root */
	uint32_t frame;
	int64_t self_ns;
};

struct cpu_paths {
	struct cpu_path *v;
	size_t n, cap;
	struct hashmap index_of; /* (parent + 1, frame) -> index in v */
	int32_t *open;		 /* the path of each open call, by depth */
	size_t open_cap;
	bool complete; /* every span of the thread so far had figures */
};

void cpu_paths__start(struct cpu_paths *p); /* a new thread: empty, complete */
/* The call just nested at depth (1: a root) with frame; 0 or -1 (out of memory, printed). */
int cpu_paths__push(struct cpu_paths *p, size_t depth, uint32_t frame, const struct named_span *row);
/* The thread's sampled profile as the next member of the profiles array, when complete and
 * some time was on a CPU. */
void cpu_paths__write(const struct cpu_paths *p, struct jsonw *w, const char *thread_name);
void cpu_paths__free(struct cpu_paths *p);

#endif
