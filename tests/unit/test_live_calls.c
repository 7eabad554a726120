/* The live tables (store/live_calls.c): open calls published and read back with their names,
 * stalls, spans read since an id; the stall rule; a file of schema 5 read as having none and
 * migrated when written; top's window figures (analyze/live_window.c) on known calls. */
#include <sqlite3.h>

#include "analyze/live_window.h"
#include "check.h"
#include "store_fixture.h"

#define START 1000000000LL
#define GIVE_UP()          \
	do {                \
		EXPECT(0);  \
		return;     \
	} while (0)

static int64_t module, fn_main, fn_read, thread_a, thread_b;

static int exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* A run "live" never ended: main on two threads, read under one. */
static int write_live(const char *path, struct store **out)
{
	struct run_info info = { .run_id = "live", .command = "./srv", .mode = "pid", .pid = 7,
				 .start_mono_ns = START };
	struct store *s = NULL;

	if (store__open(path, STORE_WRITE, &s) || store__begin_run(s, &info) ||
	    (module = store__add_module(s, "/usr/bin/srv", NULL)) < 0 ||
	    (fn_main = store__add_function(s, module, "main", NULL, 0x10)) < 0 ||
	    (fn_read = store__add_function(s, module, "handle_read", NULL, 0x20)) < 0 ||
	    (thread_a = store__add_thread(s, 7, 7, "srv")) < 0 || (thread_b = store__add_thread(s, 7, 8, "io")) < 0 ||
	    store__flush(s)) {
		store__free(s);
		return -1;
	}
	*out = s;
	return 0;
}

struct seen {
	int n;
	char text[512];
};

static int each_open(void *ctx, const struct live_open_call *c)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%lld:%lld:%d:%s:%lld:%lld:%lld;", (long long)c->span_id,
		 (long long)c->parent_id, c->tid, c->function, (long long)c->start_ns,
		 (long long)c->thread_last_ns, (long long)c->seen_ns);
	s->n++;
	return 0;
}

static int each_stall(void *ctx, const struct live_stall *st)
{
	struct seen *s = ctx;

	snprintf(s->text, sizeof(s->text), "%lld:%d:%s:%s:%lld", (long long)st->span_id, st->tid, st->function,
		 st->chain, (long long)(st->reported_ns - st->start_ns));
	s->n++;
	return 0;
}

static void test_publish_and_read(void)
{
	const char *path = tmp_path("live.db");
	struct open_call_row rows[] = {
		{ .span_id = 11, .thread_key = 0, .start_ns = START + 100, .thread_last_ns = START + 900 },
		{ .span_id = 12, .parent_id = 11, .start_ns = START + 200, .thread_last_ns = START + 900, .depth = 1 },
		{ .span_id = 13, .start_ns = START + 300, .thread_last_ns = START + 300 },
	};
	struct stall_row stall = { .span_id = 12, .start_ns = START + 200, .reported_ns = START + 5200,
				   .chain = "main > handle_read" };
	struct live_reader *lr = NULL;
	struct store *s = NULL;
	struct run_row run;
	struct seen seen = { 0 };

	if (write_live(path, &s))
		GIVE_UP();
	rows[0].thread_key = rows[1].thread_key = thread_a;
	rows[2].thread_key = thread_b;
	rows[0].function_key = rows[2].function_key = fn_main;
	rows[1].function_key = fn_read;
	stall.thread_key = thread_a;
	stall.function_key = fn_read;
	if (live_reader__open(path, &lr) || live_reader__run(lr, NULL, &run))
		GIVE_UP();
	EXPECT_EQ(store__publish_open_calls(s, run.run_key, START, START + 950, rows, 3), 0);
	EXPECT_EQ(live_reader__open_calls(lr, run.run_key, each_open, &seen), 0);
	EXPECT_EQ(seen.n, 3);
	EXPECT_STR(seen.text, "11:0:7:main:100:900:950;12:11:7:handle_read:200:900:950;13:0:8:main:300:300:950;");
	/* replaced, not added to */
	EXPECT_EQ(store__publish_open_calls(s, run.run_key, START, START + 950, rows + 2, 1), 0);
	memset(&seen, 0, sizeof(seen));
	EXPECT_EQ(live_reader__open_calls(lr, run.run_key, each_open, &seen), 0);
	EXPECT_STR(seen.text, "13:0:8:main:300:300:950;");
	EXPECT_EQ(store__publish_open_calls(s, run.run_key, START, START + 960, NULL, 0), 0);
	EXPECT_EQ(sql_int(path, "SELECT count(*) FROM open_calls"), 0);
	EXPECT_EQ(store__add_stall(s, run.run_key, START, &stall), 0);
	memset(&seen, 0, sizeof(seen));
	EXPECT_EQ(live_reader__stalls(lr, run.run_key, each_stall, &seen), 0);
	EXPECT_EQ(seen.n, 1);
	EXPECT_STR(seen.text, "12:7:handle_read:main > handle_read:5000");
	live_reader__free(lr);
	store__free(s);
}

/* The rule: a thread's innermost call, once the thread has had no traced event for the limit. */
static void test_stall_rule(void)
{
	struct open_call_row stack[2] = { { .start_ns = 0, .thread_last_ns = 500 },
					  { .start_ns = 400, .thread_last_ns = 500 } };

	EXPECT_EQ(open_calls__stalled(stack, 2, 1499, 1000), 2); /* 999 ns quiet: no */
	EXPECT_EQ(open_calls__stalled(stack, 2, 1500, 1000), 1); /* the innermost */
	EXPECT_EQ(open_calls__stalled(stack, 0, 1500, 1000), 0);
	stack[1].thread_last_ns = stack[0].thread_last_ns = 1400; /* its traced calls go on */
	EXPECT_EQ(open_calls__stalled(stack, 2, 2000, 1000), 2);
}

static int count_span(void *ctx, const struct live_span *s)
{
	int *n = ctx;

	*n += s->span_id > 0 && s->status == 0;
	return 0;
}

/* Spans since an id; the file's highest id; one span by id. */
static void test_spans_after(void)
{
	const char *path = tmp_path("spans.db");
	struct live_reader *lr = NULL;
	struct store *s = NULL;
	struct live_span one;
	struct run_row run;
	int64_t first = 0, id;
	int i, n = 0;

	if (write_live(path, &s))
		GIVE_UP();
	for (i = 0; i < 10; i++) {
		struct stored_span sp = { .thread_key = thread_a, .function_key = fn_read,
					 .start_ns = START + 100 * i, .end_ns = START + 100 * i + 50 };

		sp.span_id = id = store__next_span_id(s);
		first = first ? first : id;
		EXPECT_EQ(store__append_span(s, &sp), 0);
	}
	EXPECT_EQ(store__flush(s), 0);
	if (live_reader__open(path, &lr) || live_reader__run(lr, "live", &run))
		GIVE_UP();
	EXPECT_EQ(live_reader__spans_after(lr, run.run_key, first + 3, count_span, &n), 0);
	EXPECT_EQ(n, 6);
	EXPECT_EQ(live_reader__last_span_id(lr), first + 9);
	EXPECT_EQ(live_reader__span(lr, first + 2, &one), 1);
	EXPECT_EQ(one.start_ns, 200);
	EXPECT_EQ(one.duration_ns, 50);
	EXPECT_EQ(one.function_key, fn_read);
	EXPECT_EQ(live_reader__span(lr, first + 100, &one), 0);
	live_reader__free(lr);
	store__free(s);
}

/* A file of schema 5: read as having no live tables; written, it gets them (schema 6). */
static void test_schema_5(void)
{
	const char *path = tmp_path("v5.db");
	struct live_reader *lr = NULL;
	struct store *s = NULL;
	struct run_row run;
	struct seen seen = { 0 };

	if (write_live(path, &s))
		GIVE_UP();
	store__free(s);
	EXPECT_EQ(exec_sql(path, STORE_FIXTURE_MAKE_V5_SQL), 0);
	EXPECT_EQ(live_reader__open(path, &lr), 0);
	EXPECT(lr && !live_reader__run(lr, "live", &run));
	EXPECT_EQ(live_reader__open_calls(lr, run.run_key, each_open, &seen), 0);
	EXPECT_EQ(live_reader__stalls(lr, run.run_key, each_stall, &seen), 0);
	EXPECT_EQ(seen.n, 0);
	live_reader__free(lr);
	EXPECT_EQ(sql_int(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 5); /* read only */
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	store__free(s);
	EXPECT_EQ(sql_int(path, "SELECT value FROM meta WHERE key = 'schema_version'"), STORE_SCHEMA_VERSION);
	EXPECT_EQ(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('open_calls', 'stalls')"), 2);
}

/* 3 s of calls: f 100 calls a second of 1..100 us, one in ten an error; g 10 in second 2 only. */
static void test_window(void)
{
	struct live_window w;
	struct live_figures *fig = NULL;
	size_t n;
	int32_t f, g;
	int sec, i;

	live_window__init(&w, 2);
	f = live_window__func(&w, 100);
	g = live_window__func(&w, 200);
	EXPECT_EQ(live_window__func(&w, 100), f);
	for (sec = 0; sec < 3; sec++)
		for (i = 0; i < 100; i++)
			EXPECT_EQ(live_window__add(&w, f, sec * 1000000000LL + i * 1000000, (i + 1) * 1000, i % 10 == 0), 0);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(live_window__add(&w, g, 2000000000LL + i, 5000, false), 0);
	/* horizon 3.5 s: whole seconds 1 and 2 */
	EXPECT_EQ(live_window__figures(&w, 3500000000LL, &fig, &n), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(fig[0].fn, (size_t)f);
	EXPECT_EQ(fig[0].calls, 200);
	EXPECT_EQ((int64_t)fig[0].per_s, 100);
	EXPECT_EQ(fig[0].errors, 20);
	EXPECT_EQ(fig[0].avg, 50500);
	EXPECT_EQ(fig[0].max, 100000);
	/* p99 of 1..100 us twice: rank 198, 99 us, within 1/64 */
	EXPECT(fig[0].p99 >= 99000 - 99000 / 64 && fig[0].p99 <= 99000 + 99000 / 64);
	EXPECT_EQ(fig[1].calls, 10);
	EXPECT_EQ((int64_t)(fig[1].per_s * 10), 50);
	free(fig);
	/* horizon 2.5 s: seconds 0 and 1, g not called */
	EXPECT_EQ(live_window__figures(&w, 2500000000LL, &fig, &n), 0);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(fig[0].calls, 200);
	free(fig);
	/* second 5 reuses second 1's slot (a ring of 4) */
	EXPECT_EQ(live_window__add(&w, f, 5000000000LL, 7, false), 0);
	EXPECT_EQ(live_window__figures(&w, 6000000000LL, &fig, &n), 0);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(fig[0].calls, 1);
	EXPECT_EQ(fig[0].avg, 7);
	free(fig);
	live_window__free(&w);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_publish_and_read);
	RUN(test_stall_rule);
	RUN(test_spans_after);
	RUN(test_schema_5);
	RUN(test_window);
	fixture_cleanup();
	CHECK_EXIT();
}
