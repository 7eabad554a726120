/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * thread_ranges: what the span writer learns of each thread's spans while a run
 * is written (a count and the first and last span id), stored in threads when
 * the run ends: a reader then scans each thread's id range (range_scan.c).
 */
#ifndef FERRET_THREAD_RANGES_H
#define FERRET_THREAD_RANGES_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct thread_spans {
	int64_t spans;
	int64_t first_span_id, last_span_id;
};

/* The run's threads, indexed by thread key - first_key. A zeroed struct is empty. */
struct thread_ranges {
	struct thread_spans *threads;
	size_t len, cap;
	int64_t first_key;
};

void thread_ranges__reset(struct thread_ranges *tr); /* a new run: no threads */
void thread_ranges__free(struct thread_ranges *tr);
/* A new thread of the run (its key is the next rowid of threads). */
int thread_ranges__add(struct thread_ranges *tr, int64_t thread_key);
void thread_ranges__count(struct thread_ranges *tr, int64_t thread_key, int64_t span_id);
/* UPDATE threads with every thread's figures (inside the caller's transaction). */
int thread_ranges__record(const struct thread_ranges *tr, struct db *db);

#endif /* FERRET_THREAD_RANGES_H */
