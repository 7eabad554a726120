/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A damaged file is an error, never a partial result: a file written with the
 * store, then a spans page's cell count or cell pointers overwritten, or the
 * file cut short. Every reader (export's span iterator, analyze's lean spans
 * and durations) fails with one line once it has read fewer spans than the run
 * recorded; a run still being written records no counts and is read as before.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/run_query.h"
#include "store/store.h"
#include "store_fixture.h"

#define SPANS_PER_THREAD 20000 /* ~8 pages of 64 KiB each */
#define MAX_DAMAGE_THREADS 12

/* A run of n_threads threads (tids 100...) of root spans, written thread after
 * thread, or side by side (interleaved: then read through the sorter). */
static int write_damage_run(const char *db, int n_threads, bool interleaved, int64_t *run_key)
{
	struct run_info info = { .run_id = "damage", .mode = "pid", .pid = 1, .start_mono_ns = 0 };
	struct run_end end = { .end_mono_ns = 1000000000 };
	int64_t threads[MAX_DAMAGE_THREADS], function;
	struct store *s = NULL;
	struct run_row run;
	int i, k, n = SPANS_PER_THREAD * n_threads, err;

	unlink(db);
	if (store__open(db, STORE_WRITE, &s) || store__begin_run(s, &info))
		return -1;
	function = store__add_function(s, store__add_module(s, "/bin/x", NULL), "f", NULL, 0);
	for (i = 0; i < n_threads; i++)
		threads[i] = store__add_thread(s, 1, 100 + i, "w");
	err = function <= 0;
	for (k = 0; k < n && !err; k++) {
		struct stored_span span = {
			.span_id = store__next_span_id(s),
			.thread_key = threads[interleaved ? k % n_threads : k / SPANS_PER_THREAD],
			.function_key = function,
			.start_ns = 10 * k,
			.end_ns = 10 * k + 5,
		};
		err = store__append_span(s, &span);
	}
	err = err || store__end_run(s, &end) || store__find_run(s, "damage", &run);
	*run_key = run.run_key;
	store__free(s);
	return err;
}

static void exec_on(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) == SQLITE_OK)
		EXPECT_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* The file offset of a spans leaf page in the middle of the table (dbstat). */
static off_t middle_leaf_page(const char *path)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db = NULL;
	off_t at = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT pageno, (SELECT page_size FROM pragma_page_size) FROM dbstat"
				   " WHERE name = 'spans' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1"
				   " OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = 'spans'"
				   " AND pagetype = 'leaf')", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		at = (off_t)(sqlite3_column_int64(stmt, 0) - 1) * sqlite3_column_int64(stmt, 1);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	EXPECT(at > 0);
	return at;
}

static void overwrite(const char *path, off_t at, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);

	EXPECT(fd >= 0 && pwrite(fd, bytes, len, at) == (ssize_t)len);
	if (fd >= 0)
		close(fd);
}

/* A leaf page's cell count (header bytes 3-4) set to 1: SQLite reads one row of it, no error. */
static void damage_cell_count(const char *path)
{
	static const unsigned char one[2] = { 0, 1 };

	overwrite(path, middle_leaf_page(path) + 3, one, sizeof(one));
}

/* Reads every span through export's iterator; the rows read, the last result in *rc. */
static int64_t read_spans(const char *path, int64_t run_key, const struct span_filter *f, int *rc)
{
	struct store *s = NULL;
	struct span_reader *it = NULL;
	struct named_span row;
	int64_t rows = 0;

	*rc = -100;
	if (store__open(path, STORE_READ, &s) || !(it = store__spans(s, run_key, f))) {
		store__free(s);
		return -1;
	}
	while ((*rc = span_reader__next(it, &row)) == 1)
		rows++;
	span_reader__free(it);
	store__free(s);
	return rows;
}

/* Reads every span through analyze's lean scan. */
static int64_t read_keyed_spans(struct run_query *q, int64_t run_key, int tid, int *rc)
{
	struct keyed_spans *sc = run_query__keyed_spans(q, run_key, 0, tid);
	struct keyed_span row;
	int64_t rows = 0;

	*rc = -100;
	while (sc && (*rc = keyed_spans__next(sc, &row)) == 1)
		rows++;
	keyed_spans__free(sc);
	return rows;
}

static int count_duration(void *ctx, int64_t function_key, int64_t duration_ns)
{
	(void)function_key;
	(void)duration_ns;
	++*(int64_t *)ctx;
	return 0;
}

static void expect_damage_line(const char *err, const char *want)
{
	if (!strstr(err, want) || count_lines(err) != 1)
		printf("    got \"%s\", want \"%s\"\n", err, want);
	EXPECT(strstr(err, want) != NULL);
	EXPECT_EQ(count_lines(err), 1);
}

/* Each reader of a damaged run ends with an error naming the thread and both counts. */
static void expect_readers_fail(const char *path, int64_t run_key, int n_threads)
{
	struct run_query *q = NULL;
	const char *err;
	int64_t rows, durations = 0;
	int rc;

	capture_start();
	rows = read_spans(path, run_key, NULL, &rc);
	err = capture_end();
	EXPECT(rows > 0 && rows < SPANS_PER_THREAD * n_threads);
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: thread ");
	expect_damage_line(err, " spans (run PRAGMA integrity_check)");

	EXPECT_EQ(run_query__open(path, &q), 0);
	capture_start();
	read_keyed_spans(q, run_key, 0, &rc);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: thread ");

	capture_start();
	rc = run_query__durations(q, run_key, 0, 0, NULL, 0, true, count_duration, &durations);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: it holds ");
	run_query__free(q);
}

/* Threads one after another: each thread's id range is read on its own. The
 * middle page holds the middle thread's spans: only that thread is short. */
static void test_lost_rows_thread_by_thread(void)
{
	struct span_filter by_tid = { .tid = 100 };
	const char *path = tmp_path("ranges.db");
	struct run_query *q = NULL;
	int64_t run_key;
	const char *err;
	int rc;

	EXPECT_EQ(write_damage_run(path, 3, false, &run_key), 0);
	EXPECT_EQ(read_spans(path, run_key, NULL, &rc), 3 * SPANS_PER_THREAD);
	EXPECT_EQ(rc, 0);
	damage_cell_count(path);
	expect_readers_fail(path, run_key, 3);
	capture_start();
	read_spans(path, run_key, NULL, &rc);
	err = capture_end();
	EXPECT(strstr(err, "thread 101 holds ") != NULL);
	EXPECT(strstr(err, " of its 20000 spans") != NULL);
	for (by_tid.tid = 100; by_tid.tid <= 102; by_tid.tid += 2) {
		EXPECT_EQ(read_spans(path, run_key, &by_tid, &rc), SPANS_PER_THREAD);
		EXPECT_EQ(rc, 0);
	}
	EXPECT_EQ(run_query__open(path, &q), 0);
	capture_start();
	read_keyed_spans(q, run_key, 101, &rc);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: thread 101 holds ");
	run_query__free(q);
}

/* Threads side by side: one sorted scan of the run. */
static void test_lost_rows_side_by_side(void)
{
	const char *path = tmp_path("sorted.db");
	int64_t run_key;
	int rc;

	EXPECT_EQ(write_damage_run(path, MAX_DAMAGE_THREADS, true, &run_key), 0);
	EXPECT_EQ(read_spans(path, run_key, NULL, &rc), MAX_DAMAGE_THREADS * SPANS_PER_THREAD);
	EXPECT_EQ(rc, 0);
	damage_cell_count(path);
	expect_readers_fail(path, run_key, MAX_DAMAGE_THREADS);
}

/* 0xff over a page's cell pointers: SQLite's "malformed", or fewer rows: either way "damaged". */
static void test_cell_pointers_overwritten(void)
{
	const char *path = tmp_path("pointers.db");
	unsigned char ff[64];
	struct run_query *q = NULL;
	int64_t run_key;
	const char *err;
	int rc;

	memset(ff, 0xff, sizeof(ff));
	EXPECT_EQ(write_damage_run(path, 2, false, &run_key), 0);
	overwrite(path, middle_leaf_page(path) + 8, ff, sizeof(ff));
	capture_start();
	read_spans(path, run_key, NULL, &rc);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: ");
	EXPECT_EQ(run_query__open(path, &q), 0);
	capture_start();
	read_keyed_spans(q, run_key, 0, &rc);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: ");
	run_query__free(q);
}

/* A run still being written records no counts: nothing to compare, read as before. */
static void test_run_in_progress_unchecked(void)
{
	const char *path = tmp_path("live.db");
	int64_t run_key, rows;
	const char *err;
	int rc;

	EXPECT_EQ(write_damage_run(path, 2, false, &run_key), 0);
	exec_on(path, "UPDATE runs SET spans = NULL;"
		      "UPDATE threads SET spans = NULL, first_span_id = NULL, last_span_id = NULL");
	damage_cell_count(path);
	capture_start();
	rows = read_spans(path, run_key, NULL, &rc);
	err = capture_end();
	EXPECT(rows > 0 && rows < 2 * SPANS_PER_THREAD);
	EXPECT_EQ(rc, 0);
	EXPECT_STR(err, "");
}

/* A writer that counted spans it could not store (threads' counts over the run's):
 * the run's total is what the scan must read. */
static void test_counts_not_adding_up(void)
{
	const char *path = tmp_path("uneven.db");
	struct span_filter by_tid = { .tid = 100 };
	int64_t run_key;
	const char *err;
	int rc;

	EXPECT_EQ(write_damage_run(path, 2, false, &run_key), 0);
	exec_on(path, "UPDATE threads SET spans = spans + 3 WHERE tid = 100");
	capture_start();
	EXPECT_EQ(read_spans(path, run_key, NULL, &rc), 2 * SPANS_PER_THREAD);
	EXPECT_EQ(read_spans(path, run_key, &by_tid, &rc), SPANS_PER_THREAD); /* no check */
	err = capture_end();
	EXPECT_EQ(rc, 0);
	EXPECT_STR(err, "");
	exec_on(path, "DELETE FROM spans WHERE span_id = 7");
	capture_start();
	read_spans(path, run_key, NULL, &rc);
	err = capture_end();
	EXPECT(rc < 0);
	expect_damage_line(err, "is damaged: it holds 39999 of the 40000 spans recorded");
}

/* A file cut short: damaged or truncated (its SQLite header says how long it was). */
static void test_truncated_file(void)
{
	const char *path = tmp_path("cut.db");
	struct store *s = NULL;
	struct stat st;
	int64_t run_key;
	const char *err;

	EXPECT_EQ(write_damage_run(path, 2, false, &run_key), 0);
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(truncate(path, st.st_size / 2), 0);
	capture_start();
	EXPECT(store__open(path, STORE_READ, &s) < 0);
	err = capture_end();
	expect_damage_line(err, "is damaged or truncated: ");
	EXPECT(s == NULL);
	EXPECT_EQ(truncate(path, 50), 0);
	capture_start();
	EXPECT(store__open(path, STORE_WRITE, &s) < 0);
	err = capture_end();
	expect_damage_line(err, "is damaged or truncated: 50 bytes");
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_lost_rows_thread_by_thread);
	RUN(test_lost_rows_side_by_side);
	RUN(test_cell_pointers_overwritten);
	RUN(test_run_in_progress_unchecked);
	RUN(test_counts_not_adding_up);
	RUN(test_truncated_file);
	fixture_cleanup();
	CHECK_EXIT();
}
