/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading a run in thread order without an index (range_scan.c): threads that
 * ran one after another are read range by range, threads that ran side by side
 * through the sorter; both give every span once, by thread then id, and so do
 * the filters and a run still being written.
 */
#include <sqlite3.h>

#include "check.h"
#include "store/store.h"
#include "store_fixture.h"
#include "store/range_scan.h"

#define CALLS_PER_THREAD 3000
#define MAX_SCAN_THREADS 16

struct scan_run {
	struct store *s;
	int64_t function;
	int64_t threads[MAX_SCAN_THREADS];
	int n_threads;
	int64_t run_key;
};

static int begin(struct scan_run *r, const char *db, int n_threads)
{
	struct run_info info = { .run_id = "scan", .mode = "pid", .pid = 1, .start_mono_ns = 0 };
	int i;

	unlink(db);
	r->n_threads = n_threads;
	if (store__open(db, STORE_WRITE, &r->s) || store__begin_run(r->s, &info))
		return -1;
	r->function = store__add_function(r->s, store__add_module(r->s, "/bin/x", NULL), "f", NULL, 0);
	for (i = 0; i < n_threads; i++)
		r->threads[i] = store__add_thread(r->s, 1, 100 + i, "w");
	return r->function > 0 ? 0 : -1;
}

/* One call (a parent with one child) on thread i at time t. */
static int call(struct scan_run *r, int i, int64_t t)
{
	struct stored_span c = { .thread_key = r->threads[i], .function_key = r->function, .start_ns = t };
	int64_t parent = store__open_span(r->s, &c), child;

	c.parent_id = parent;
	c.start_ns = t + 1;
	c.depth = 1;
	child = store__open_span(r->s, &c);
	c.span_id = child;
	c.end_ns = t + 2;
	if (parent < 0 || child < 0 || store__close_span(r->s, &c))
		return -1;
	c = (struct stored_span){ .span_id = parent, .thread_key = r->threads[i], .function_key = r->function,
			       .start_ns = t, .end_ns = t + 3 };
	return store__close_span(r->s, &c);
}

/* interleaved: every thread's calls side by side; else thread after thread. */
static int write_calls(struct scan_run *r, bool interleaved)
{
	int i, k, n = CALLS_PER_THREAD * r->n_threads, err = 0;

	for (k = 0; k < n && !err; k++) {
		i = interleaved ? k % r->n_threads : k / CALLS_PER_THREAD;
		err = call(r, i, 10 * k);
	}
	return err;
}

static int finish(struct scan_run *r)
{
	struct run_end end = { .end_mono_ns = 1000000000 };
	struct run_row run;
	int err = store__end_run(r->s, &end) || store__find_run(r->s, "scan", &run);

	r->run_key = run.run_key;
	return err;
}

/* Reads through store__spans: every span once, by thread then id, names resolved. */
static int64_t check_order(struct store *s, int64_t run_key, const struct span_filter *f, int *bad)
{
	struct span_reader *it = store__spans(s, run_key, f);
	int64_t rows = 0, last_thread = 0, last_id = 0;
	struct named_span row;

	while (it && span_reader__next(it, &row) == 1) {
		*bad += row.thread_key < last_thread ||
			(row.thread_key == last_thread && row.span_id <= last_id) ||
			strcmp(row.function, "f") != 0 || row.tid != 100 + (int)(row.thread_key - 1) % MAX_SCAN_THREADS ||
			(row.depth == 1) != (row.parent_id != 0);
		last_thread = row.thread_key;
		last_id = row.span_id;
		rows++;
	}
	*bad += !it;
	span_reader__free(it);
	return rows;
}

/* Which way range_scan reads the run, on a connection of its own. */
static int per_thread(const char *db, int64_t run_key)
{
	struct range_scan_spec spec = { .columns = "s.span_id" };
	struct range_scan *sc = NULL;
	struct db *conn = NULL;
	int ret = -1;

	if (!db__open(db, STORE_READ, &conn))
		sc = range_scan__open(conn, run_key, &spec);
	if (sc)
		ret = range_scan__per_thread(sc);
	range_scan__free(sc);
	db__free(conn);
	return ret;
}

static void scan_case(int n_threads, bool interleaved, int want_per_thread)
{
	const char *db = tmp_path("scan.db");
	struct span_filter one = { .tid = 101 };
	struct scan_run r;
	int bad = 0;

	if (begin(&r, db, n_threads) || write_calls(&r, interleaved) || finish(&r)) {
		EXPECT(!"run written");
		store__free(r.s);
		return;
	}
	EXPECT_EQ(per_thread(db, r.run_key), want_per_thread);
	EXPECT_EQ(check_order(r.s, r.run_key, NULL, &bad), 2 * CALLS_PER_THREAD * n_threads);
	EXPECT_EQ(check_order(r.s, r.run_key, &one, &bad), n_threads > 1 ? 2 * CALLS_PER_THREAD : 0);
	EXPECT_EQ(bad, 0);
	store__free(r.s);
}

static void test_threads_one_after_another(void)
{
	scan_case(1, false, 1);
	scan_case(12, false, 1);
}

static void test_two_threads_side_by_side(void)
{
	scan_case(2, true, 1); /* two range scans beat a sort */
}

static void test_many_threads_side_by_side(void)
{
	scan_case(12, true, 0); /* twelve overlapping ranges: one sorted scan */
}

/* A reader while the run is written: threads have no recorded range yet. */
static void test_run_in_progress(void)
{
	const char *db = tmp_path("live.db");
	struct store *reader = NULL;
	struct run_row run;
	struct scan_run r;
	int bad = 0;

	if (begin(&r, db, 12) || write_calls(&r, true) || store__flush(r.s)) {
		EXPECT(!"run written");
		store__free(r.s);
		return;
	}
	EXPECT_EQ(store__open(db, STORE_READ, &reader), 0);
	EXPECT_EQ(store__find_run(reader, "scan", &run), 0);
	EXPECT_EQ(run.spans, 2 * CALLS_PER_THREAD * 12);
	EXPECT_EQ(check_order(reader, run.run_key, NULL, &bad), 2 * CALLS_PER_THREAD * 12);
	EXPECT_EQ(bad, 0);
	store__free(reader);
	EXPECT_EQ(finish(&r), 0);
	store__free(r.s);
}

/* In a sanitized build, undefined behaviour stops the test (it would only print). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

static void exec_on(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) == SQLITE_OK)
		EXPECT_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A crafted file's thread ranges and counts at the ends of INT64: the scan plans
 * without overflowing and still reads every span once, in order. */
static void test_absurd_thread_ranges(void)
{
	const char *db = tmp_path("absurd.db");
	struct store *reader = NULL;
	struct scan_run r;
	int bad = 0;

	if (begin(&r, db, 3) || write_calls(&r, false) || finish(&r)) {
		EXPECT(!"run written");
		store__free(r.s);
		return;
	}
	store__free(r.s);
	exec_on(db, "UPDATE threads SET first_span_id = -9223372036854775808,"
		    " last_span_id = 9223372036854775807, spans = 9223372036854775807 WHERE tid = 100;"
		    "UPDATE threads SET first_span_id = 1, spans = -9223372036854775808 WHERE tid = 101;"
		    "UPDATE threads SET first_span_id = NULL, last_span_id = NULL, spans = NULL WHERE tid = 102;"
		    "UPDATE runs SET first_span_id = -9223372036854775807");
	EXPECT_EQ(store__open(db, STORE_READ, &reader), 0);
	EXPECT_EQ(check_order(reader, r.run_key, NULL, &bad), 2 * CALLS_PER_THREAD * 3);
	EXPECT_EQ(bad, 0);
	store__free(reader);
}

/* A span whose start or duration would overflow an int64 is an error, not a wrapped time. */
static void test_absurd_span_times(void)
{
	const char *db = tmp_path("times.db");
	struct store *reader = NULL;
	struct named_span row;
	struct span_reader *it;
	struct scan_run r;
	const char *err;
	int rc = 1, rows = 0;

	if (begin(&r, db, 1) || write_calls(&r, false) || finish(&r)) {
		EXPECT(!"run written");
		store__free(r.s);
		return;
	}
	store__free(r.s);
	exec_on(db, "UPDATE spans SET duration_ns = 9223372036854775807 WHERE span_id ="
		    " (SELECT min(span_id) + 5 FROM spans)");
	EXPECT_EQ(store__open(db, STORE_READ, &reader), 0);
	it = reader ? store__spans(reader, r.run_key, NULL) : NULL;
	capture_start();
	while (it && (rc = span_reader__next(it, &row)) == 1)
		rows++;
	err = capture_end();
	EXPECT(it != NULL);
	EXPECT_EQ(rows, 5);
	EXPECT(rc < 0);
	EXPECT(strstr(err, "out of range") != NULL);
	EXPECT_EQ(count_lines(err), 1);
	span_reader__free(it);
	store__free(reader);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_threads_one_after_another);
	RUN(test_two_threads_side_by_side);
	RUN(test_many_threads_side_by_side);
	RUN(test_run_in_progress);
	RUN(test_absurd_thread_ranges);
	RUN(test_absurd_span_times);
	fixture_cleanup();
	CHECK_EXIT();
}
