/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * span_reader: a run's spans with their thread and function names, ordered by
 * thread_key, then start_ns, then span_id (ids are allocated at entry, so a
 * parent always comes before its children). Names are read once per run and
 * joined in memory, not per row.
 */
#ifndef FERRET_SPAN_READER_H
#define FERRET_SPAN_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "func_names.h"

/* One span as the readers see it. Strings stay valid until the next span_reader__next(). */
struct named_span {
	int64_t span_id;
	int64_t parent_id; /* 0 for a root */
	int64_t thread_key;
	int64_t function_key;
	int pid;
	int tid;
	const char *comm;
	const char *function;
	const char *module; /* full path of the module */
	int64_t start_ns;
	int64_t end_ns;
	int32_t depth;
	int32_t status;
	/* On-CPU, blocked and run-queue time (schema_sched.h); has_sched false: NULL. */
	bool has_sched;
	int32_t blocked_in; /* a system call number; -1: none (also when never blocked) */
	int64_t cpu_ns, blocked_ns, runq_ns;
};

/* Which spans a reader wants. Zero fields mean "no filter". */
struct span_filter {
	int pid;
	int tid;
	const char *function_glob; /* glob_match (core/glob.h) on the function name */
	int64_t min_duration_ns;
};

struct span_reader;
/* NULL on error (printed). */
/* names: shown instead of the stored ones (func_names.h), NULL: none. */
struct span_reader *span_reader__open(struct db *db, int64_t run_key, const struct span_filter *filter,
				      const struct func_names *names);
/* 1: *row filled; 0: no more; <0: error (printed). */
int span_reader__next(struct span_reader *it, struct named_span *row);
void span_reader__free(struct span_reader *it);

#endif /* FERRET_SPAN_READER_H */
