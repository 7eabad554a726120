/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the store (userspace/store*.c): writing runs, reading them back, the views,
 * and an informational ingest benchmark. No root; files in a temp dir. */
#include <sqlite3.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "check.h"
#include "store/store.h"
#include "store_fixture.h"
#include "core/util.h"

static void test_write_and_read_back(void)
{
	static struct stored_span expected[4000];
	struct span_reader *it;
	struct named_span row;
	struct run_row run;
	struct store *s = NULL;
	int n = 0, i = 0, rc;

	unlink(tmp_path("readback.db"));
	EXPECT_EQ(store__open(tmp_path("readback.db"), STORE_WRITE, &s), 0);
	if (!s)
		return;
	EXPECT_EQ(write_run(s, "first", 3000, expected, &n), 0);
	store__free(s);
	qsort(expected, (size_t)n, sizeof(expected[0]), compare_span_order);

	EXPECT_EQ(store__open(tmp_path("readback.db"), STORE_READ, &s), 0);
	if (!s)
		return;
	EXPECT_EQ(store__find_run(s, "first", &run), 0);
	EXPECT_EQ(run.spans, n);
	EXPECT_EQ(run.threads, 3);
	EXPECT_EQ(run.functions, 20);
	EXPECT_EQ(run.lost_events, 3);
	EXPECT(run.has_exit_code && run.exit_code == 0);
	EXPECT_STR(run.command, "./prog --fast");
	EXPECT_STR(run.mode, "command");
	EXPECT_STR(run.version, FERRET_VERSION);
	EXPECT_EQ(run.start_mono_ns, RUN_START_NS);
	EXPECT_EQ(run.start_real_ns, RUN_REAL_NS);
	it = store__spans(s, run.run_key, NULL);
	EXPECT(it != NULL);
	while (it && (rc = span_reader__next(it, &row)) == 1 && i < n) {
		const struct stored_span *want = &expected[i++];
		char function[32];

		snprintf(function, sizeof(function),
			 (want->function_key - 1) % 2 ? "parse_%lld" : "emit_%lld",
			 (long long)(want->function_key - 1));
		if (row.span_id != want->span_id || row.parent_id != want->parent_id ||
		    row.start_ns != want->start_ns || row.end_ns != want->end_ns ||
		    row.depth != want->depth || row.status != want->status ||
		    row.thread_key != want->thread_key || strcmp(row.function, function) ||
		    row.tid != 4242 + (int)(want->thread_key - 1) || row.pid != 4242 ||
		    strcmp(row.module, "/usr/bin/prog") || strcmp(row.comm, want->thread_key == 1 ? "prog" : "worker")) {
			printf("    span %d differs: got id %lld parent %lld start %lld fn %s\n", i - 1,
			       (long long)row.span_id, (long long)row.parent_id, (long long)row.start_ns,
			       row.function);
			EXPECT(0);
			break;
		}
	}
	EXPECT_EQ(i, n);
	span_reader__free(it);
	store__free(s);
}

static void test_filters(void)
{
	struct span_filter by_tid = { .tid = 4243 }, by_glob = { .function_glob = "parse_*" };
	struct span_filter by_duration = { .min_duration_ns = 5000 }, by_pid = { .pid = 1 };
	struct span_reader *it;
	struct named_span row;
	struct run_row run;
	struct store *s = NULL;
	int n, i;

	EXPECT_EQ(store__open(tmp_path("readback.db"), STORE_READ, &s), 0);
	if (!s || store__find_run(s, NULL, &run))
		return;
	it = store__spans(s, run.run_key, &by_tid);
	for (n = 0; it && span_reader__next(it, &row) == 1; n++)
		EXPECT_EQ(row.tid, 4243);
	EXPECT(n > 0 && n < run.spans);
	span_reader__free(it);
	by_tid.pid = 4242;
	it = store__spans(s, run.run_key, &by_tid);
	for (i = 0; it && span_reader__next(it, &row) == 1; i++)
		EXPECT(row.tid == 4243 && row.pid == 4242);
	EXPECT_EQ(i, n);
	span_reader__free(it);
	it = store__spans(s, run.run_key, &by_glob);
	for (n = 0; it && span_reader__next(it, &row) == 1; n++)
		EXPECT(strncmp(row.function, "parse_", 6) == 0);
	EXPECT(n > 0);
	span_reader__free(it);
	by_glob.function_glob = "[!p]*"; /* fnmatch's negation, as trace's and analyze's -f */
	it = store__spans(s, run.run_key, &by_glob);
	for (i = 0; it && span_reader__next(it, &row) == 1; i++)
		EXPECT(row.function[0] != 'p');
	EXPECT(i > 0 && i == run.spans - n);
	span_reader__free(it);
	it = store__spans(s, run.run_key, &by_duration);
	for (n = 0; it && span_reader__next(it, &row) == 1; n++)
		EXPECT(row.end_ns - row.start_ns >= 5000);
	EXPECT(n > 0 && n < run.spans);
	span_reader__free(it);
	it = store__spans(s, run.run_key, &by_pid);
	EXPECT(it && span_reader__next(it, &row) == 0);
	span_reader__free(it);
	store__free(s);
}

/* Same-nanosecond parent/child, zero-length spans, no exit code, duplicate ids, NULL frees. */
static void test_edge_cases(void)
{
	struct run_info info = { .run_id = "edge", .mode = "pid", .pid = 7,
				 .start_mono_ns = 1000, .start_real_ns = RUN_REAL_NS };
	struct run_end end = { .end_mono_ns = 5000, .has_exit_code = false };
	struct stored_span parent = { .start_ns = 1100, .end_ns = 1300 }, child, dup;
	int64_t module, function, thread;
	struct named_span row;
	struct run_row run;
	struct span_reader *it;
	struct store *s = NULL;
	const char *err;
	int rc;

	store__free(NULL);
	span_reader__free(NULL);
	unlink(tmp_path("edge.db"));
	EXPECT_EQ(store__open(tmp_path("edge.db"), STORE_WRITE, &s), 0);
	if (!s || store__begin_run(s, &info))
		return;
	module = store__add_module(s, "/lib/libc.so.6", NULL);
	function = store__add_function(s, module, "malloc", NULL, 0xa0);
	thread = store__add_thread(s, 7, 8, "t");
	EXPECT(module > 0 && function > 0 && thread > 0);
	EXPECT_EQ(store__rename_thread(s, thread, "renamed"), 0); /* prctl(PR_SET_NAME) */
	parent.span_id = store__next_span_id(s);
	parent.thread_key = thread;
	parent.function_key = function;
	child = parent;
	child.span_id = store__next_span_id(s);
	child.parent_id = parent.span_id;
	child.end_ns = child.start_ns; /* zero length, same start as its parent */
	child.depth = 1;
	child.status = SPAN_INCOMPLETE;
	EXPECT_EQ(store__append_span(s, &child), 0);
	EXPECT_EQ(store__append_span(s, &parent), 0);
	dup = child;
	EXPECT_EQ(store__flush(s), 0);
	EXPECT_EQ(store__append_span(s, &dup), 0);
	capture_start();
	rc = store__flush(s);
	err = capture_end();
	/* counted, not an error of the flush: the run goes on counting */
	EXPECT_EQ(rc, 0);
	EXPECT(strstr(err, "1 spans could not be stored (span ids already stored)") != NULL);
	EXPECT_EQ(store__unstored_spans(s, NULL), 1);
	dup.span_id = store__next_span_id(s); /* after the failure: counted, not stored */
	EXPECT_EQ(store__append_span(s, &dup), 0);
	EXPECT_EQ(store__flush(s), 0);
	EXPECT_EQ(store__unstored_spans(s, NULL), 2);
	EXPECT_EQ(store__end_run(s, &end), 0);
	EXPECT_EQ(store__find_run(s, "edge", &run), 0);
	EXPECT(!run.has_exit_code);
	EXPECT_EQ(run.spans, 2);
	EXPECT_EQ(run.end_mono_ns, 5000);
	it = store__spans(s, run.run_key, NULL);
	EXPECT(it && span_reader__next(it, &row) == 1 && row.span_id == parent.span_id &&
	       row.parent_id == 0 && row.start_ns == 1100 && row.end_ns == 1300);
	EXPECT(it && span_reader__next(it, &row) == 1 && row.span_id == child.span_id &&
	       row.parent_id == parent.span_id && row.end_ns == 1100 && row.status == SPAN_INCOMPLETE);
	EXPECT_STR(row.module, "/lib/libc.so.6");
	EXPECT_STR(row.comm, "renamed");
	EXPECT(it && span_reader__next(it, &row) == 0);
	span_reader__free(it);
	capture_start();
	it = store__spans(s, 999, NULL);
	err = capture_end();
	EXPECT(it == NULL);
	EXPECT_EQ(count_lines(err), 1);
	store__free(s);
}

static void test_find_run(void)
{
	static struct stored_span spans[200];
	struct store *s = NULL;
	struct run_row run;
	const char *err;
	int n, rc;

	unlink(tmp_path("find.db"));
	EXPECT_EQ(store__open(tmp_path("find.db"), STORE_WRITE, &s), 0);
	if (!s)
		return;
	capture_start();
	rc = store__find_run(s, NULL, &run);
	err = capture_end();
	EXPECT(rc < 0);
	EXPECT(strstr(err, "holds no runs") != NULL);
	EXPECT_EQ(write_run(s, "alpha", 100, spans, &n), 0);
	EXPECT_EQ(write_run(s, "beta", 100, spans, &n), 0);
	EXPECT_EQ(store__find_run(s, NULL, &run), 0);
	EXPECT_STR(run.run_id, "beta");
	EXPECT_EQ(store__find_run(s, "alpha", &run), 0);
	EXPECT_STR(run.run_id, "alpha");
	capture_start();
	rc = store__find_run(s, "gamma", &run);
	err = capture_end();
	EXPECT(rc < 0);
	EXPECT(strstr(err, "ferret: no run 'gamma' in ") != NULL);
	EXPECT(strstr(err, "(runs: beta, alpha)\n") != NULL);
	EXPECT_EQ(count_lines(err), 1);
	store__free(s);
}

static int collect_run_id(const struct run_row *run, void *ctx)
{
	strcat(ctx, run->run_id);
	strcat(ctx, ";");
	return 0;
}

static void test_list_runs_and_span_ids(void)
{
	static struct stored_span spans[400];
	struct store *s = NULL;
	char ids[256] = "";
	int n, i;
	int64_t first_max = 0;

	unlink(tmp_path("two.db"));
	EXPECT_EQ(store__open(tmp_path("two.db"), STORE_WRITE, &s), 0);
	if (!s)
		return;
	EXPECT_EQ(write_run(s, "one", 300, spans, &n), 0);
	for (i = 0; i < n; i++)
		if (spans[i].span_id > first_max)
			first_max = spans[i].span_id;
	store__free(s);
	/* a second process appends: ids continue after the first run's */
	EXPECT_EQ(store__open(tmp_path("two.db"), STORE_WRITE, &s), 0);
	if (!s)
		return;
	EXPECT_EQ(write_run(s, "two", 300, spans, &n), 0);
	for (i = 0; i < n; i++)
		EXPECT(spans[i].span_id > first_max);
	EXPECT_EQ(store__list_runs(s, collect_run_id, ids), 0);
	EXPECT_STR(ids, "one;two;");
	store__free(s);
}

static void test_duplicate_and_generated_run_ids(void)
{
	struct run_info info = { .command = "x", .mode = "pid", .pid = 1,
				 .start_mono_ns = 1, .start_real_ns = RUN_REAL_NS };
	struct run_end end = { .end_mono_ns = 2 };
	struct store *s = NULL;
	char first[128];
	const char *err;
	int rc;

	unlink(tmp_path("ids.db"));
	EXPECT_EQ(store__open(tmp_path("ids.db"), STORE_WRITE, &s), 0);
	if (!s)
		return;
	EXPECT_EQ(store__begin_run(s, &info), 0);
	snprintf(first, sizeof(first), "%s", store__run_id(s) ? store__run_id(s) : "");
	EXPECT(strncmp(first, "run-", 4) == 0 && strlen(first) == strlen("run-YYYYmmdd-HHMMSS"));
	EXPECT_EQ(store__end_run(s, &end), 0);
	EXPECT_EQ(store__begin_run(s, &info), 0);
	EXPECT(store__run_id(s) && strlen(store__run_id(s)) == strlen(first) + 2);
	EXPECT(store__run_id(s) && strncmp(store__run_id(s), first, strlen(first)) == 0);
	EXPECT(store__run_id(s) && strcmp(store__run_id(s) + strlen(first), "-2") == 0);
	EXPECT_EQ(store__end_run(s, &end), 0);
	info.run_id = first;
	capture_start();
	rc = store__begin_run(s, &info);
	err = capture_end();
	EXPECT(rc < 0);
	EXPECT(strstr(err, "already exists in") != NULL);
	EXPECT(store__run_id(s) == NULL);
	store__free(s);
}

static void test_views(void)
{
	static const char *const span_cols[] = { "run_id", "span_id", "parent_id", "pid", "tid",
						 "function", "module", "start_ns", "end_ns",
						 "duration_ns", "depth", "status", "name",
						 /* on-CPU/blocked time (schema_sched.h) */
						 "cpu_ns", "blocked_ns", "runq_ns", "blocked_in" };
	static const char *const run_cols[] = { "run_id", "command", "pid", "start_ns",
						"end_ns", "spans", "lost_events", "exit_code" };
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db = NULL;
	int i;

	EXPECT_EQ(sqlite3_open_v2(tmp_path("readback.db"), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM span_view ORDER BY span_id LIMIT 1", -1,
				     &stmt, NULL), SQLITE_OK);
	EXPECT_EQ(sqlite3_column_count(stmt), 17);
	for (i = 0; stmt && i < 17; i++)
		EXPECT_STR(sqlite3_column_name(stmt, i), span_cols[i]);
	EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	EXPECT_STR((const char *)sqlite3_column_text(stmt, 0), "first");
	EXPECT_EQ(sqlite3_column_type(stmt, 2), SQLITE_NULL); /* span 1 is a root */
	EXPECT_STR((const char *)sqlite3_column_text(stmt, 6), "/usr/bin/prog");
	EXPECT_EQ(sqlite3_column_int64(stmt, 8) - sqlite3_column_int64(stmt, 7),
		  sqlite3_column_int64(stmt, 9));
	sqlite3_finalize(stmt);
	/* absolute times, 'ok'/'incomplete' from status, NULL parents exactly for roots */
	EXPECT_EQ(query_int(db, "SELECT count(*) FROM span_view v JOIN spans s ON s.span_id = v.span_id"
			    " WHERE v.start_ns != s.start_ns + 5000000000"
			    " OR v.end_ns != v.start_ns + s.duration_ns"
			    " OR v.status != CASE s.status WHEN 0 THEN 'ok' ELSE 'incomplete' END"
			    " OR (v.parent_id IS NULL) != (s.depth = 0)"), 0);
	EXPECT(query_int(db, "SELECT count(*) FROM span_view WHERE status = 'ok'") > 1000);
	EXPECT_EQ(query_int(db, "SELECT count(*) FROM span_view WHERE status = 'incomplete'"),
		  query_int(db, "SELECT count(*) FROM spans WHERE status = 1"));
	EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM run_view", -1, &stmt, NULL), SQLITE_OK);
	EXPECT_EQ(sqlite3_column_count(stmt), 8);
	for (i = 0; stmt && i < 8; i++)
		EXPECT_STR(sqlite3_column_name(stmt, i), run_cols[i]);
	EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
	EXPECT_EQ(sqlite3_column_int64(stmt, 3), RUN_START_NS);
	EXPECT(sqlite3_column_int64(stmt, 5) > 3000);
	EXPECT_EQ(sqlite3_column_int(stmt, 6), 3);
	EXPECT_EQ(sqlite3_column_int(stmt, 7), 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Stack mode: the run's options and per-function figures, read back through SQL. */
static void test_func_stats(void)
{
	struct run_info info = { .run_id = "agg", .mode = "command", .start_mono_ns = 10,
				 .min_duration_ns = 50000, .aggregate = true, .max_rate = 1000 };
	struct run_end end = { .end_mono_ns = 20 };
	uint64_t hist[64] = { 0 };
	struct func_figures_row rec = { .calls = 7, .total_ns = 7000, .min_ns = 3, .max_ns = 4000,
				      .hist = hist, .nbuckets = 64, .demoted_at_ns = 15 };
	struct store *s = NULL;
	sqlite3 *db = NULL;
	int64_t module;

	unlink(tmp_path("agg.db"));
	EXPECT_EQ(store__open(tmp_path("agg.db"), STORE_WRITE, &s), 0);
	if (!s || store__begin_run(s, &info))
		return;
	module = store__add_module(s, "/bin/x", NULL);
	rec.function_key = store__add_function(s, module, "hot", NULL, 0x10);
	hist[1] = 2;
	hist[11] = 5;
	EXPECT_EQ(store__add_func_figures(s, &rec), 0);
	rec.function_key = store__add_function(s, module, "cold", NULL, 0x20);
	rec.nbuckets = 0;
	rec.demoted_at_ns = 0;
	EXPECT_EQ(store__add_func_figures(s, &rec), 0);
	EXPECT_EQ(store__end_run(s, &end), 0);
	store__free(s);
	EXPECT_EQ(sqlite3_open_v2(tmp_path("agg.db"), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	EXPECT_EQ(query_int(db, "SELECT min_duration_ns + aggregate + max_rate FROM runs"), 51001);
	EXPECT_EQ(query_int(db, "SELECT sum(calls) FROM function_stats"), 14);
	EXPECT_EQ(query_int(db, "SELECT json_array_length(hist) FROM function_stats f"
			    " JOIN functions n ON n.id = f.function WHERE n.name = 'hot'"), 64);
	EXPECT_EQ(query_int(db, "SELECT sum(j.value) FROM function_stats, json_each(hist) j"), 7);
	EXPECT_EQ(query_int(db, "SELECT count(*) FROM function_stats WHERE demoted_at_ns = 15"
			    " AND hist LIKE '[0,2,0,%'"), 1);
	EXPECT_EQ(query_int(db, "SELECT count(*) FROM function_stats WHERE hist IS NULL"
			    " AND demoted_at_ns IS NULL"), 1);
	sqlite3_close(db);
}

static int64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (int64_t)st.st_size;
}

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads the whole run back through the iterator; returns the rows seen. */
static int64_t read_all(const char *path, int64_t *wall_ns)
{
	struct named_span row;
	struct run_row run;
	struct span_reader *it = NULL;
	struct store *s = NULL;
	int64_t rows = 0, t0 = mono_ns();

	if (!store__open(path, STORE_READ, &s) && !store__find_run(s, NULL, &run))
		it = store__spans(s, run.run_key, NULL);
	while (it && span_reader__next(it, &row) == 1)
		rows++;
	span_reader__free(it);
	store__free(s);
	*wall_ns = mono_ns() - t0;
	return rows;
}

/* Informational: ingest rate and size of 1M synthetic spans (not a pass/fail check).
 * Rates per wall second and per CPU second (the machine may be busy with other work). */
static void bench_ingest(void)
{
	const int n = 1000000;
	struct stored_span *spans = malloc((size_t)n * sizeof(*spans));
	int64_t t0, t1, t2, c0, c1, total, read_ns, rows;
	struct generator g;
	struct store *s = NULL;
	int i;

	unlink(tmp_path("bench.db"));
	if (!spans || store__open(tmp_path("bench.db"), STORE_WRITE, &s) ||
	    setup_run(&g, s, "bench", 4, 64)) {
		printf("INFO: bench_ingest could not start\n");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		spans[i] = generate_span(&g);
	t0 = mono_ns();
	c0 = cpu_ns();
	for (i = 0; i < n; i++)
		store__append_span(s, &spans[i]);
	store__flush(s);
	c1 = cpu_ns();
	t1 = mono_ns();
	end_run(s, g.now, false, 0);
	t2 = mono_ns();
	store__free(s);
	s = NULL;
	total = file_size(tmp_path("bench.db"));
	rows = read_all(tmp_path("bench.db"), &read_ns);
	printf("INFO: ingest %d spans: %.2fM spans/s (%.2fM per CPU second); closing %.0f ms;"
	       " %.1f bytes/span; read back %lld in %.0f ms\n",
	       n, n / ((double)(t1 - t0) / 1e9) / 1e6, n / ((double)(c1 - c0) / 1e9) / 1e6,
	       (double)(t2 - t1) / 1e6, (double)total / n, (long long)rows, (double)read_ns / 1e6);
cleanup:
	store__free(s);
	free(spans);
}

int main(int argc, char **argv)
{
	if (fixture_setup())
		return 1;
	RUN(test_write_and_read_back);
	RUN(test_filters);
	RUN(test_views);
	RUN(test_func_stats);
	RUN(test_edge_cases);
	RUN(test_find_run);
	RUN(test_list_runs_and_span_ids);
	RUN(test_duplicate_and_generated_run_ids);
	if (argc < 2 || strcmp(argv[1], "--no-bench") != 0)
		bench_ingest();
	fixture_cleanup();
	CHECK_EXIT();
}
