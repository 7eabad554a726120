/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_scan: a run's spans in thread order (by thread, then span_id) without
 * any index. Span ids are handed out at call entry, so a thread's spans in id
 * order are in start order, a parent before its children. The tracer records
 * each thread's span count and first/last span id when the run ends; reading
 * a thread is then one rowid range scan. When the threads ran side by side so
 * long that scanning each thread's range would read the run many times over,
 * one scan of the run's range goes through SQLite's sorter instead (bounded
 * memory: it spills sorted runs to temporary files).
 *
 * Shared by store_read.c (export) and store_stats.c (analyze), each on its own
 * connection.
 */
#ifndef FERRET_STORE_SCAN_H
#define FERRET_STORE_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

struct scan_thread {
	int64_t key; /* first: threads are searched by it (compare_int64_keys) */
	int pid, tid;
	char comm[32];
	bool ranged;  /* spans/first/last known (the run has ended) */
	int64_t spans;
	int64_t first_span_id, last_span_id;
};

struct span_scan_spec {
	const char *columns; /* the select list, over "spans s" */
	const char *where;   /* NULL or " AND ...", parameters ?4 and up */
	const char *order;   /* NULL: thread order; else "" or " ORDER BY ...", one scan of the run */
	int pid, tid;	     /* only these threads; 0: any */
};

struct span_scan;

/* NULL on error (printed as "ferret: PATH: ..."). Bind ?4 and up on
 * span_scan__stmt() before the first step. */
struct span_scan *span_scan__open(sqlite3 *db, const char *path, int64_t run_key,
				  const struct span_scan_spec *spec);
sqlite3_stmt *span_scan__stmt(struct span_scan *sc);
/* 1: a row (read it from span_scan__stmt()); 0: no more; <0: error (printed). */
int span_scan__step(struct span_scan *sc);
/* A thread of the run that passed the pid/tid filter; NULL if none has this key. */
const struct scan_thread *span_scan__thread(const struct span_scan *sc, int64_t thread_key);
/* True when the threads are read one range at a time (no sort): for tests and benchmarks. */
bool span_scan__per_thread(const struct span_scan *sc);
void span_scan__free(struct span_scan *sc);

#endif /* FERRET_STORE_SCAN_H */
