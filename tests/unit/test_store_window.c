/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store's window of calls (store__open_span/store__close_span): ids are the
 * rows' rowids, calls open across a window are written as placeholders and
 * updated, a tracer that dies leaves its open calls as incomplete spans, and a
 * second writer is caught instead of shifting ids.
 */
#include <sqlite3.h>

#include "check.h"
#include "store/store.h"
#include "store_fixture.h"

#define RUN_START 1000
/* More calls than one window holds (STORE_SPAN_BATCH), so windows are written mid-run. */
#define CALLS 150000

struct run {
	struct store *s;
	int64_t thread, functions[3];
};

static int start_run(struct run *r, const char *db, const char *run_id)
{
	struct run_info info = { .run_id = run_id, .mode = "pid", .pid = 1,
				 .start_mono_ns = RUN_START, .start_real_ns = 1 };
	int64_t module;
	int i;

	unlink(db);
	if (store__open(db, STORE_WRITE, &r->s) || store__begin_run(r->s, &info))
		return -1;
	module = store__add_module(r->s, "/bin/prog", NULL);
	r->thread = store__add_thread(r->s, 1, 1, "prog");
	for (i = 0; i < 3; i++)
		r->functions[i] = store__add_function(r->s, module, i ? "leaf" : "root", NULL, 16 * (uint64_t)i);
	return module > 0 && r->thread > 0 ? 0 : -1;
}

static int64_t open_call(struct run *r, int64_t parent, int fn, int64_t start, int depth)
{
	struct stored_span call = { .parent_id = parent, .thread_key = r->thread,
				 .function_key = r->functions[fn], .start_ns = start, .depth = depth };

	return store__open_span(r->s, &call);
}

static int close_call(struct run *r, int64_t id, int64_t parent, int fn, int64_t start, int64_t end,
		      int depth, int status)
{
	struct stored_span span = { .span_id = id, .parent_id = parent, .thread_key = r->thread,
				 .function_key = r->functions[fn], .start_ns = start, .end_ns = end,
				 .depth = depth, .status = status };

	return store__close_span(r->s, &span);
}

/* A root open for the whole run, CALLS leaves under it, each 10 ns long, 100 ns apart. */
static void test_ids_are_rowids_across_windows(void)
{
	const char *db = tmp_path("window.db");
	struct run_end end = { .end_mono_ns = RUN_START + 100 * (CALLS + 2) };
	int64_t root, id, first = 0, last = 0, t;
	struct run r;
	int i, bad = 0;

	if (start_run(&r, db, "window")) {
		EXPECT(!"run started");
		return;
	}
	root = open_call(&r, 0, 0, RUN_START + 50, 0);
	for (i = 0; i < CALLS; i++) {
		t = RUN_START + 100 * (i + 1);
		id = open_call(&r, root, 1 + i % 2, t, 1);
		bad += id != root + 1 + i || close_call(&r, id, root, 1 + i % 2, t, t + 10, 1, SPAN_OK);
		first = first ? first : id;
		last = id;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(close_call(&r, root, 0, 0, RUN_START + 50, end.end_mono_ns - 1, 0, SPAN_OK), 0);
	EXPECT_EQ(store__end_run(r.s, &end), 0);
	store__free(r.s);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans"), CALLS + 1);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans WHERE parent_id IS NOT NULL"
				" AND duration_ns = 10 AND depth = 1 AND status = 0"
				" AND start_ns = 100 * (span_id - parent_id)"),
		  CALLS);
	/* The root was written as a placeholder with the first window, then updated. */
	EXPECT_EQ(query_file_int(db, "SELECT duration_ns FROM spans WHERE parent_id IS NULL AND status = 0"),
		  end.end_mono_ns - 1 - (RUN_START + 50));
	EXPECT_EQ(query_file_int(db, "SELECT min(span_id) FROM spans WHERE parent_id IS NOT NULL"), first);
	EXPECT_EQ(query_file_int(db, "SELECT max(span_id) FROM spans"), last);
	EXPECT_EQ(query_file_int(db, "SELECT spans FROM runs"), CALLS + 1);
	EXPECT_EQ(query_file_int(db, "SELECT spans FROM threads"), CALLS + 1);
	EXPECT_EQ(query_file_int(db, "SELECT last_span_id - first_span_id FROM threads"), CALLS);
}

/* The tracer dies (no close, no end): what was started is in the file, incomplete. */
static void test_open_calls_survive_a_dead_tracer(void)
{
	const char *db = tmp_path("dead.db");
	int64_t root, child, done;
	struct run r;

	if (start_run(&r, db, "dead")) {
		EXPECT(!"run started");
		return;
	}
	root = open_call(&r, 0, 0, RUN_START + 1, 0);
	child = open_call(&r, root, 1, RUN_START + 2, 1);
	done = open_call(&r, child, 2, RUN_START + 3, 2);
	EXPECT_EQ(close_call(&r, done, child, 2, RUN_START + 3, RUN_START + 4, 2, SPAN_OK), 0);
	EXPECT_EQ(store__flush(r.s), 0);
	/* What a reader sees now: the finished call, and the open ones as incomplete. */
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM span_view WHERE status = 'incomplete'"
				" AND duration_ns = 0"), 2);
	EXPECT_EQ(query_file_int(db, "SELECT duration_ns FROM span_view WHERE status = 'ok'"), 1);
	EXPECT_EQ(close_call(&r, child, root, 1, RUN_START + 2, RUN_START + 9, 1, SPAN_OK), 0);
	store__free(r.s); /* no store__end_run: as if killed */
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans"), 3);
	EXPECT_EQ(query_file_int(db, "SELECT duration_ns FROM spans WHERE depth = 1 AND status = 0"), 7);
	EXPECT_EQ(query_file_int(db, "SELECT status FROM spans WHERE depth = 0"), SPAN_INCOMPLETE);
}

/* Ids handed out for whole spans leave gaps in the window: every row keeps its id. */
static void test_whole_spans_between_calls(void)
{
	const char *db = tmp_path("mixed.db");
	struct run_end end = { .end_mono_ns = RUN_START + 1000000 };
	int64_t id, whole, sum_ids = 0, t;
	struct stored_span span;
	struct run r;
	int i;

	if (start_run(&r, db, "mixed")) {
		EXPECT(!"run started");
		return;
	}
	for (i = 0; i < 3000; i++) {
		t = RUN_START + 100 * i;
		id = open_call(&r, 0, 1, t, 0);
		whole = store__next_span_id(r.s);
		span = (struct stored_span){ .span_id = whole, .thread_key = r.thread,
					  .function_key = r.functions[2], .start_ns = t + 1, .end_ns = t + 3 };
		EXPECT_EQ(store__append_span(r.s, &span), 0);
		EXPECT_EQ(close_call(&r, id, 0, 1, t, t + 5, 0, SPAN_OK), 0);
		sum_ids += id + whole;
	}
	EXPECT_EQ(store__end_run(r.s, &end), 0);
	store__free(r.s);
	EXPECT_EQ(query_file_int(db, "SELECT sum(span_id) FROM spans"), sum_ids);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans WHERE (duration_ns = 5) = (span_id % 2 = "
				"(SELECT min(span_id) % 2 FROM spans))"), 6000);
}

/* Two writers of one file (two tracers, one default ferret.db): each reserves its
 * own span ids, and a row another writer appended never shifts this one's ids. */
static void test_two_writers_share_a_file(void)
{
	const char *db = tmp_path("two.db");
	struct run_info info = { .run_id = "second", .mode = "pid", .pid = 2, .start_mono_ns = RUN_START };
	struct run_end end = { .end_mono_ns = RUN_START + 10000000 };
	struct run a, b;
	int64_t ida, idb, t, sum_a = 0, sum_b = 0;
	int i, bad = 0;

	if (start_run(&a, db, "first")) {
		EXPECT(!"run started");
		return;
	}
	EXPECT_EQ(store__flush(a.s), 0);
	b.s = NULL;
	EXPECT_EQ(store__open(db, STORE_WRITE, &b.s), 0);
	EXPECT_EQ(b.s ? store__begin_run(b.s, &info) : -1, 0);
	b.thread = store__add_thread(b.s, 2, 2, "other");
	b.functions[1] = store__add_function(b.s, store__add_module(b.s, "/bin/other", NULL), "g", NULL, 0);
	b.functions[0] = b.functions[2] = b.functions[1];
	EXPECT_EQ(store__flush(b.s), 0); /* as the tracer does once its functions are in */
	for (i = 0; i < 3 * 65536; i++) { /* several id blocks each, flushed in turns */
		t = RUN_START + 10 * i;
		ida = open_call(&a, 0, 1, t, 0);
		idb = open_call(&b, 0, 1, t, 0);
		bad += ida < 0 || idb < 0 || ida == idb;
		bad += close_call(&a, ida, 0, 1, t, t + 3, 0, SPAN_OK) || close_call(&b, idb, 0, 1, t, t + 4, 0, SPAN_OK);
		sum_a += ida;
		sum_b += idb;
		if (i % 50000 == 0)
			bad += store__flush(i % 100000 ? a.s : b.s) != 0;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(store__end_run(a.s, &end), 0);
	EXPECT_EQ(store__end_run(b.s, &end), 0);
	store__free(a.s);
	store__free(b.s);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans"), 6 * 65536);
	EXPECT_EQ(query_file_int(db, "SELECT sum(span_id) FROM span_view WHERE run_id = 'first' AND duration_ns = 3"), sum_a);
	EXPECT_EQ(query_file_int(db, "SELECT sum(span_id) FROM span_view WHERE run_id = 'second' AND duration_ns = 4"), sum_b);
	EXPECT_EQ(query_file_int(db, "SELECT spans FROM runs WHERE run_id = 'second'"), 3 * 65536);
	/* Both handed back what they did not use: the next run starts right after. */
	EXPECT_EQ(query_file_int(db, "SELECT value - (SELECT max(span_id) FROM spans) FROM meta WHERE key = 'next_span_id'"), 1);
}

/* A row another process appended (here by hand) does not shift this writer's ids. */
static void test_foreign_row_keeps_ids(void)
{
	const char *db = tmp_path("foreign.db");
	struct run_end end = { .end_mono_ns = RUN_START + 100 };
	sqlite3 *other = NULL;
	struct run r;
	int64_t id;

	if (start_run(&r, db, "one")) {
		EXPECT(!"run started");
		return;
	}
	EXPECT_EQ(store__flush(r.s), 0);
	id = open_call(&r, 0, 1, RUN_START, 0);
	EXPECT_EQ(close_call(&r, id, 0, 1, RUN_START, RUN_START + 1, 0, SPAN_OK), 0);
	sqlite3_open(db, &other);
	sqlite3_busy_timeout(other, 5000);
	EXPECT_EQ(sqlite3_exec(other, "INSERT INTO spans(span_id, thread) VALUES(1000000, 1)", NULL,
			       NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	EXPECT_EQ(store__end_run(r.s, &end), 0);
	store__free(r.s);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM spans"), 2);
	EXPECT_EQ(query_file_int(db, "SELECT count(*) FROM span_view WHERE run_id = 'one'"), 1); /* the foreign row names no function */
	EXPECT_EQ(query_file_int(db, "SELECT span_id FROM spans WHERE duration_ns = 1"), id);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_ids_are_rowids_across_windows);
	RUN(test_open_calls_survive_a_dead_tracer);
	RUN(test_whole_spans_between_calls);
	RUN(test_two_writers_share_a_file);
	RUN(test_foreign_row_keeps_ids);
	fixture_cleanup();
	CHECK_EXIT();
}
