/* SPDX-License-Identifier: BSD-2-Clause */
/* store internals shared by store.c (opening), store_write.c and store_read.c. */
#ifndef FERRET_STORE_INTERNAL_H
#define FERRET_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

/* Spans wait in memory until this many are batched, then go in as one transaction.
 * Also the number of span ids a writer reserves at a time (meta.next_span_id). */
#define STORE_SPAN_BATCH 65536
/* Spans per INSERT statement: amortises the per-statement cost (cursor, reset). */
#define STORE_ROWS_PER_INSERT 32

/* A run's stored spans, as SQL over runs r: recorded when the run ends, counted
 * (a scan of its span id range) while it is being written. */
#define STORE_RUN_SPANS_SQL                                                              \
	"coalesce(r.spans, (SELECT count(*) FROM spans WHERE span_id >= r.first_span_id"  \
	" AND thread IN (SELECT id FROM threads WHERE run = r.id)))"

/* What the tracer learns of a thread's spans while writing (threads.spans...). */
struct thread_spans {
	int64_t spans;
	int64_t first_span_id, last_span_id;
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	bool in_txn; /* a write transaction is open */

	/* The run being written; run_key is 0 when none is. */
	int64_t run_key;
	int64_t run_start_ns;
	int64_t next_span_id;
	int64_t ids_end;	   /* the end (exclusive) of the span ids reserved for this writer */
	int64_t run_spans;
	char run_id[128];

	/* The run's threads, indexed by thread key - first_thread_key. */
	struct thread_spans *threads;
	size_t threads_len, threads_cap;
	int64_t first_thread_key;

	sqlite3_stmt *insert_span;  /* one span */
	sqlite3_stmt *insert_spans; /* STORE_ROWS_PER_INSERT spans in one statement */
	sqlite3_stmt *find_module;
	sqlite3_stmt *insert_module;
	sqlite3_stmt *insert_function;
	sqlite3_stmt *insert_thread;
	sqlite3_stmt *insert_func_stats;

	sqlite3_stmt *update_span;  /* a call that was open when its window was written */

	/* Appended spans, inserted in span_id order when the batch is full or flushed:
	 * in-order inserts are appends to the table's b-tree (fast, full pages). */
	struct span_rec *batch;
	size_t batch_len;
	bool batch_sorted;
	/* Calls by id from window_base to next_span_id (store_spans.c). */
	struct span_rec *window;
	int64_t window_base;
	int64_t last_stored_id; /* the highest span id inserted */
	/* Calls that returned after their placeholder was written: updated with the next write. */
	struct span_rec *updates;
	size_t updates_len, updates_cap;
	bool may_append;	/* no other writer's span since ours: NULL rowids are ours */
};

/* Prints "ferret: FILE: what: sqlite's message" and returns -1. */
int store_sql_error(const struct store *s, const char *what);
int store_prepare(const struct store *s, const char *sql, sqlite3_stmt **stmt);
int store_exec(struct store *s, const char *sql, const char *what);
/* One write transaction stays open between commits (BEGIN IMMEDIATE on first need). */
int store_begin_txn(struct store *s);
/* 0 while a run is being written; else prints "PATH: what without a run being written", -1. */
int store_require_run(const struct store *s, const char *what);
int store_commit_txn(struct store *s);
void store_finalize_writers(struct store *s);
/* store_spans.c: the span writers, a new run's span state, its threads' figures. */
int store_prepare_span_writers(struct store *s);
/* A new run's first block of span ids, and its span state (inside a write transaction). */
int store_start_spans(struct store *s);
/* Hands back the run's unused span ids when no writer reserved after it. */
int store_return_span_ids(struct store *s);
int store_track_thread(struct store *s, int64_t thread_key);
int store_record_thread_spans(struct store *s);
/* Copies a text column (NULL reads as ""), truncating to len. */
void copy_column_text(sqlite3_stmt *stmt, int col, char *buf, size_t len);

#endif /* FERRET_STORE_INTERNAL_H */
