/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * range_scan: a run's spans in thread order (by thread, then span_id) without
 * any index. Span ids are handed out at call entry, so a thread's spans in id
 * order are in start order, a parent before its children. The tracer records
 * each thread's span count and first/last span id when the run ends; reading
 * a thread is then one rowid range scan. When the threads ran side by side so
 * long that scanning each thread's range would read the run many times over,
 * one scan of the run's range goes through SQLite's sorter instead (bounded
 * memory: it spills sorted runs to temporary files).
 *
 * A run that has ended recorded how many spans each thread holds: a scan that
 * reads every row (no filter but pid/tid) compares the rows it read of each
 * thread with that count as it goes, and fails ("PATH is damaged: ...") on a
 * difference, which only a damaged file gives (SQLite may read a damaged page
 * as holding fewer rows, without an error).
 *
 * Shared by span_reader.c (export) and run_query.c (analyze), each on its own
 * connection.
 */
#ifndef FERRET_RANGE_SCAN_H
#define FERRET_RANGE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct range_thread {
	int64_t key; /* first: threads are searched by it (compare_int64_keys) */
	int pid, tid;
	char comm[32];
	bool ranged;  /* spans/first/last known (the run has ended) */
	int64_t spans;	       /* bounded to the range: what a scan plans with */
	int64_t recorded_spans; /* threads.spans as stored (ranged only): what a scan must read */
	int64_t first_span_id, last_span_id;
};

struct range_scan_spec {
	const char *columns; /* the select list, over "spans s" */
	const char *where;   /* NULL or " AND ...", parameters ?4 and up; NULL or "": checked */
	const char *order;   /* NULL: thread order; else "" or " ORDER BY ...", one scan of the run */
	int pid, tid;	     /* only these threads; 0: any */
};

struct range_scan;

/* NULL on error (printed as "ferret: PATH: ..."). Bind ?4 and up on
 * range_scan__stmt() before the first step. */
struct range_scan *range_scan__open(struct db *db, int64_t run_key, const struct range_scan_spec *spec);
struct sqlite3_stmt *range_scan__stmt(struct range_scan *sc);
/* 1: a row (read it from range_scan__stmt()); 0: no more; <0: error (printed),
 * also when a thread's rows are not as many as it recorded. */
int range_scan__step(struct range_scan *sc);
/* A thread of the run that passed the pid/tid filter; NULL if none has this key. */
const struct range_thread *range_scan__thread(const struct range_scan *sc, int64_t thread_key);
/* True when the threads are read one range at a time (no sort): for tests and benchmarks. */
bool range_scan__per_thread(const struct range_scan *sc);
void range_scan__free(struct range_scan *sc);
/* " AND column IN (k1,k2...)" of the int64 keys that start n items of stride bytes
 * (" AND 0" for none); malloc'd, NULL when out of memory. */
char *range_scan__key_list(const char *column, const void *items, size_t n, size_t stride);

#endif /* FERRET_RANGE_SCAN_H */
