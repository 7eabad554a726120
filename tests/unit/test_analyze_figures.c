/* The figures stored when a run ends (analyze_figures.c) against the spans: for every run of
 * the fixtures and more (stack mode, calls cut off, paths that meet under --function, two
 * functions of one name), every view and option prints the same bytes either way; the stored
 * figures are what is read when they can answer; a run never ended has none. */
#include <sqlite3.h>

#include "analyze_fixture.h"

/* Run "stack" (--min-duration): "slow" called 10 times, 2 stored as spans; "whole" 3 times, all
 * stored; "never" selected, never called. */
static int write_stack_run(struct store *s)
{
	struct run_info info = { .run_id = "stack", .command = "./prog", .mode = "command", .pid = 600,
				 .start_mono_ns = RUN_START, .min_duration_ns = 100 };
	uint64_t hist[64] = { 0 };
	struct func_figures_row slow = { .calls = 10, .total_ns = 9000, .sum_ns = 9000, .min_ns = 40,
				       .max_ns = 3000, .hist = hist, .nbuckets = 64 };
	struct func_figures_row whole = { .calls = 3, .total_ns = 600, .sum_ns = 600, .min_ns = 150,
					.max_ns = 250, .hist = hist, .nbuckets = 64 };
	struct func_figures_row never = { .hist = hist, .nbuckets = 0 };
	int64_t module, thread, id = 0;
	int i;

	hist[5] = 4;
	hist[10] = 6;
	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/prog", NULL)) < 0)
		return -1;
	thread = store__add_thread(s, 600, 600, "stack");
	slow.function_key = store__add_function(s, module, "slow", NULL, 0x600);
	whole.function_key = store__add_function(s, module, "whole", NULL, 0x610);
	never.function_key = store__add_function(s, module, "never", NULL, 0x620);
	for (i = 0; i < 2; i++) {
		id = store__next_span_id(s);
		if (write_span(s, id, 0, thread, slow.function_key, 10000 * i, 10000 * i + 3000, 0, 0))
			return -1;
	}
	for (i = 0; i < 3; i++)
		if (write_span(s, store__next_span_id(s), id, thread, whole.function_key, 10000 + 300 * i,
			       10000 + 300 * i + 150 + 50 * i, 1, 0))
			return -1;
	if (store__add_func_figures(s, &slow) || store__add_func_figures(s, &whole) ||
	    store__add_func_figures(s, &never))
		return -1;
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 30000 });
}

/* Run "cut": main [0,0) incomplete, its child work [10,910) (main lasts until 910). */
static int write_cut_run(struct store *s)
{
	struct run_info info = { .run_id = "cut", .command = "./prog", .mode = "command", .pid = 500,
				 .start_mono_ns = RUN_START };
	int64_t module, thread, main_id;

	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/prog", NULL)) < 0)
		return -1;
	thread = store__add_thread(s, 500, 500, "cut");
	main_id = store__next_span_id(s);
	if (write_span(s, main_id, 0, thread, store__add_function(s, module, "main", NULL, 0x100), 0, 0, 0,
		       SPAN_INCOMPLETE) ||
	    write_span(s, store__next_span_id(s), main_id, thread,
		       store__add_function(s, module, "work", NULL, 0x200), 10, 910, 1, SPAN_OK))
		return -1;
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 1000 });
}

/* Run "paths", two processes: main -> a -> f -> g, main -> b -> f -> g, main -> f -> f -> g
 * (-f f merges them), two functions named "dup" (two modules) with equal totals, an error. */
static int write_paths_run(struct store *s)
{
	struct run_info info = { .run_id = "paths", .command = "./paths", .mode = "command", .pid = 700,
				 .start_mono_ns = RUN_START };
	static const struct {
		int fn, parent, status;
		int64_t start, end;
	} calls[] = {
		{ 0, -1, 0, 0, 10000 }, { 1, 0, 0, 10, 1010 }, { 3, 1, 0, 20, 520 },  { 4, 2, 0, 30, 130 },
		{ 2, 0, 0, 2000, 2800 }, { 3, 4, 0, 2010, 2610 }, { 4, 5, 1, 2020, 2420 },
		{ 3, 0, 0, 3000, 3900 }, { 3, 7, 0, 3010, 3810 }, { 4, 8, 0, 3020, 3220 },
		{ 5, 0, 0, 4000, 4100 }, { 6, 0, 0, 5000, 5100 }, { 1, 0, 0, 6000, 6050 },
	};
	static const char *const names[] = { "main", "a", "b", "f", "g", "dup", "dup" };
	int64_t module, other, fns[7], ids[16], threads[2];
	int i, k;

	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/prog", NULL)) < 0 ||
	    (other = store__add_module(s, "/usr/lib/libother.so", NULL)) < 0)
		return -1;
	for (i = 0; i < 7; i++)
		fns[i] = store__add_function(s, i == 6 ? other : module, names[i], NULL, 0x700 + 16 * i);
	threads[0] = store__add_thread(s, 700, 700, "paths");
	threads[1] = store__add_thread(s, 701, 701, "child");
	for (k = 0; k < 2; k++)
		for (i = 0; i < (int)(sizeof(calls) / sizeof(calls[0])); i++) {
			ids[i] = store__next_span_id(s);
			if (write_span(s, ids[i], calls[i].parent < 0 ? 0 : ids[calls[i].parent], threads[k],
				       fns[calls[i].fn], calls[i].start * (k + 1), calls[i].end * (k + 1),
				       calls[i].parent < 0 ? 0 : 1, calls[i].status))
				return -1;
		}
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 30000, .no_return_spans = 1 });
}

/* Run "sched": spans with on-CPU/blocked figures. Thread 900: main -> a -> f -> g and
 * main -> b -> f -> g, alternately 3 times each, f blocked in read/futex/write by turns, write
 * and futex as long in all (a tie, and -f f merges the paths in another order than the calls
 * came: a -> f holds read, write; b -> f futex, read); main -> f -> f
 * (recursion: the table sums outermost calls); h 6 times, blocked in 6 system calls (more than a
 * sum keeps); one g without figures. Thread 901: main and f without any (the table's f is then
 * not complete). */
static int write_sched_run(struct store *s)
{
	struct run_info info = { .run_id = "sched", .command = "./sched", .mode = "command", .pid = 900,
				 .start_mono_ns = RUN_START };
	static const char *const names[] = { "main", "a", "b", "f", "g", "h" };
	static const int32_t turns[] = { 0, 202, 1, 202, 1, 0 }; /* read, futex, write */
	static const int64_t fblocked[] = { 100, 600, 600, 600, 600, 600 };
	struct stored_span r;
	int64_t module, fns[6], threads[2], main_id, mid, fid, t = 10;
	int i;

	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/sched", NULL)) < 0)
		return -1;
	for (i = 0; i < 6; i++)
		fns[i] = store__add_function(s, module, names[i], NULL, 0x900 + 16 * i);
	threads[0] = store__add_thread(s, 900, 900, "sched");
	threads[1] = store__add_thread(s, 900, 901, "plain");
#define SPAN(id_, parent_, fn_, start_, dur_, depth_, sched_, cpu_, blocked_, runq_, in_)                    \
	(r = (struct stored_span){ .span_id = (id_), .parent_id = (parent_), .thread_key = threads[0],            \
				   .function_key = fns[fn_], .start_ns = RUN_START + (start_),                      \
				   .end_ns = RUN_START + (start_) + (dur_), .depth = (depth_), .has_sched = (sched_),  \
				   .cpu_ns = (cpu_), .blocked_ns = (blocked_), .runq_ns = (runq_), .blocked_in = (in_) }, \
	 store__append_span(s, &r))
	main_id = store__next_span_id(s);
	if (SPAN(main_id, 0, 0, 0, 100000, 0, true, 30000, 60000, 10000, 7))
		return -1;
	for (i = 0; i < 6; i++, t += 1000) {
		mid = store__next_span_id(s);
		fid = store__next_span_id(s);
		if (SPAN(mid, main_id, 1 + i % 2, t, 900, 1, true, 100, 700, 100, turns[i]) ||
		    SPAN(fid, mid, 3, t + 10, 800, 2, true, 100, fblocked[i], 700 - fblocked[i], turns[i]) ||
		    SPAN(store__next_span_id(s), fid, 4, t + 20, 100, 3, i != 4, 90, 0, 10, -1))
			return -1;
	}
	fid = store__next_span_id(s);
	if (SPAN(fid, main_id, 3, t, 2000, 1, true, 500, 1000, 500, 61) ||
	    SPAN(store__next_span_id(s), fid, 3, t + 10, 1000, 2, true, 100, 900, 0, 61))
		return -1;
	for (i = 0, t += 3000; i < 6; i++, t += 1000)
		if (SPAN(store__next_span_id(s), main_id, 5, t, 900, 1, true, 100, 100 * (i % 3 + 1) + i, 0, 230 + i))
			return -1;
#undef SPAN
	if (write_span(s, main_id = store__next_span_id(s), 0, threads[1], fns[0], 0, 5000, 0, 0) ||
	    write_span(s, store__next_span_id(s), main_id, threads[1], fns[3], 10, 1000, 1, 0))
		return -1;
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 200000 });
}

/* Run "unended": its tracer was killed (spans written, the run never ended). */
static int write_unended_run(struct store *s)
{
	struct run_info info = { .run_id = "unended", .command = "./prog", .mode = "command", .pid = 800,
				 .start_mono_ns = RUN_START };
	int64_t module, thread, fn;

	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/prog", NULL)) < 0)
		return -1;
	thread = store__add_thread(s, 800, 800, "unended");
	fn = store__add_function(s, module, "main", NULL, 0x800);
	if (write_span(s, store__next_span_id(s), 0, thread, fn, 0, 100, 0, 0))
		return -1;
	return store__flush(s);
}

static const char *const stored_runs[] = { "synthetic", "dense", "random", "empty", "stack", "cut",
					   "paths", "sched" };
#define NRUNS (sizeof(stored_runs) / sizeof(stored_runs[0]))

/* The runs above, then the figures of each ended one stored as its tracer would. */
static int write_runs(void)
{
	struct store *s = NULL;
	size_t i;
	int err = -1;

	if (store__open(db_path, STORE_WRITE, &s))
		goto cleanup;
	if (write_stack_run(s) || write_cut_run(s) || write_paths_run(s) || write_sched_run(s))
		goto cleanup;
	for (i = 0; i < NRUNS; i++)
		if (analyze__store_figures(s, db_path, stored_runs[i]))
			goto cleanup;
	if (write_unended_run(s))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s); /* "unended" stays so: never ended */
	return err;
}

static int64_t sql_int(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;

	if (sqlite3_open(db_path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static int sql_exec(const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(db_path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

#define MAX_ARGS 8

/* What analyze prints, on stdout and stderr, and returns. */
struct result {
	int ret;
	char *out, *err;
};

static struct result analyze(const char *run, const char *const *args, bool from_spans)
{
	const char *a[MAX_ARGS] = { 0 };
	struct result r;
	int i;

	for (i = 0; i < MAX_ARGS - 1 && args[i]; i++)
		a[i] = args[i];
	if (from_spans)
		setenv("FERRET_ANALYZE_SPANS", "1", 1);
	else
		unsetenv("FERRET_ANALYZE_SPANS");
	r.ret = run_cmd(&r.out, &r.err, "analyze", db_path, "--run-id", (char *)run, a[0], a[1], a[2], a[3],
			a[4], a[5], a[6], NULL);
	unsetenv("FERRET_ANALYZE_SPANS");
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* The options tried on every run: NULL-ended lists. */
static const char *const option_sets[][MAX_ARGS] = {
	{ NULL },
	{ "--approx", NULL },
	{ "--json", NULL },
	{ "--json", "--approx", NULL },
	{ "--sort", "calls", NULL },
	{ "--sort", "self", "--json", NULL },
	{ "--sort", "min", NULL },
	{ "--sort", "avg", NULL },
	{ "--sort", "p50", "--limit", "2", NULL },
	{ "--sort", "p95", NULL },
	{ "--sort", "p99", "--approx", NULL },
	{ "--sort", "max", NULL },
	{ "--sort", "errors", NULL },
	{ "--sort", "cpu", NULL },
	{ "--sort", "blocked", "--json", NULL },
	{ "--sort", "function", "--limit", "3", NULL },
	{ "--sort", "module", NULL },
	{ "--limit", "0", NULL },
	{ "--limit", "1", "--json", NULL },
	{ "-f", "*a*", NULL },
	{ "-f", "f", "--json", NULL },
	{ "-f", "nothing-matches", NULL },
	{ "--pid", "100", NULL },
	{ "--thread", "701", NULL },
	{ "--tree", NULL },
	{ "--tree", "--json", NULL },
	{ "--tree", "--max-depth", "1", NULL },
	{ "--tree", "--max-depth", "2", "--json", NULL },
	{ "--tree", "--min-percent", "10", NULL },
	{ "--tree", "--min-percent", "50", "--max-depth", "3", NULL },
	{ "--tree", "-f", "f", NULL },
	{ "--tree", "-f", "f", "--json", NULL },
	{ "--tree", "-f", "g", NULL },
	{ "--tree", "-f", "*e*", NULL },
	{ "--tree", "-f", "leaf", "--min-percent", "20", NULL },
	{ "--tree", "-f", "nothing-matches", NULL },
	{ "--tree", "--pid", "100", NULL },
	{ "--tree", "--pid", "701", "-f", "f", NULL },
	{ "--tree", "--thread", "101", "--json", NULL },
	{ "--tree", "--thread", "4242", NULL },
	{ "--calls", NULL },
};

static void expect_same(const char *run, const char *const *args)
{
	struct result stored = analyze(run, args, false), spans = analyze(run, args, true);
	bool same = stored.ret == spans.ret && stored.out && spans.out && stored.err && spans.err &&
		    !strcmp(stored.out, spans.out) && !strcmp(stored.err, spans.err);
	char what[160];
	size_t i, used;

	used = (size_t)snprintf(what, sizeof(what), "run %s:", run);
	for (i = 0; args[i] && used < sizeof(what); i++)
		used += (size_t)snprintf(what + used, sizeof(what) - used, " %s", args[i]);
	if (!same)
		printf("    %s: stored (%d)\n%s%s    spans (%d)\n%s%s", what, stored.ret, stored.out,
		       stored.err, spans.ret, spans.out, spans.err);
	EXPECT(same);
	result_free(&stored);
	result_free(&spans);
}

static void test_same_output(void)
{
	size_t r, k;

	for (r = 0; r < NRUNS; r++)
		for (k = 0; k < sizeof(option_sets) / sizeof(option_sets[0]); k++)
			expect_same(stored_runs[r], option_sets[k]);
	for (k = 0; k < sizeof(option_sets) / sizeof(option_sets[0]); k++)
		expect_same("unended", option_sets[k]);
}

static void test_what_is_stored(void)
{
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_figures"), (int64_t)NRUNS);
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_figures f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'unended'"), 0);
	EXPECT_EQ(sql_int("SELECT f.spans FROM run_figures f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'synthetic'"), 37);
	/* synthetic: 8 functions; stack: 3 (never included) */
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'synthetic'"), 8);
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'stack'"), 3);
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'stack' AND self_ns IS NULL"), 1);
	/* paths, per thread: main, a, f, g, b, f, g, f, f, g, dup, dup = 12 paths */
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_tree n JOIN runs r ON r.id = n.run"
			  " WHERE r.run_id = 'paths'"), 24);
}

/* The on-CPU/blocked sums are stored with the figures, and read from there. */
static void test_sched_stored(void)
{
	static const char *const table[] = { "--json", NULL }, *const tree[] = { "--tree", NULL };
	struct result r;

	EXPECT_EQ(sql_int("SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run"
			  " WHERE r.run_id = 'sched' AND sched_calls > 0"), 6);
	/* f: 7 outermost calls with figures, 1 without (thread 901) */
	EXPECT_EQ(sql_int("SELECT sched_calls * 10 + nosched_calls FROM run_functions f JOIN runs r"
			  " ON r.id = f.run JOIN functions fn ON fn.id = f.function"
			  " WHERE r.run_id = 'sched' AND fn.name = 'f'"), 71);
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_tree n JOIN runs r ON r.id = n.run"
			  " WHERE r.run_id = 'sched' AND blocked_in IN ('0:100,1:1200', '202:1200,0:600')"), 2);
	EXPECT_EQ(sql_int("SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run"
			  " JOIN functions fn ON fn.id = f.function WHERE r.run_id = 'sched' AND fn.name = 'h'"
			  " AND length(blocked_in) - length(replace(blocked_in, ',', '')) = 3"), 1);
	if (sql_exec("UPDATE run_functions SET cpu_ns = 4444444 WHERE function IN (SELECT id FROM functions"
		     " WHERE name = 'h'); UPDATE run_tree SET blocked_in = '62:1000000' WHERE function IN"
		     " (SELECT id FROM functions WHERE name = 'h')"))
		GIVE_UP();
	r = analyze("sched", table, false);
	EXPECT(r.out && strstr(r.out, "\"cpu_ns\": 4444444"));
	result_free(&r);
	r = analyze("sched", tree, false);
	EXPECT(r.out && strstr(r.out, "in kill)"));
	result_free(&r);
	r = analyze("sched", tree, true);
	EXPECT(r.out && !strstr(r.out, "in kill)") && strstr(r.out, "(blocked"));
	result_free(&r);
	/* a blocked_in that is not what ferret writes: an error, not a figure */
	if (sql_exec("UPDATE run_tree SET blocked_in = '62:x' WHERE function IN (SELECT id FROM functions"
		     " WHERE name = 'h')"))
		GIVE_UP();
	r = analyze("sched", tree, false);
	EXPECT(r.ret != 0 && r.err && strstr(r.err, "damaged (blocked_in '62:x')"));
	result_free(&r);
}

/* A stored figure changed by hand shows: the table and the tree read them, not the spans. */
static void test_stored_are_read(void)
{
	static const char *const table[] = { "--json", NULL }, *const tree[] = { "--tree", "--json", NULL };
	struct result r;

	if (sql_exec("UPDATE run_functions SET calls = 4242 WHERE function IN (SELECT id FROM functions"
		     " WHERE name = 'worker_main'); UPDATE run_tree SET calls = 4343 WHERE function IN"
		     " (SELECT id FROM functions WHERE name = 'worker_main')"))
		GIVE_UP();
	r = analyze("synthetic", table, false);
	EXPECT(r.out && strstr(r.out, "\"calls\": 4242"));
	result_free(&r);
	r = analyze("synthetic", tree, false);
	EXPECT(r.out && strstr(r.out, "\"calls\": 4343"));
	result_free(&r);
	r = analyze("synthetic", table, true);
	EXPECT(r.out && !strstr(r.out, "4242"));
	result_free(&r);
	/* without the run_figures row, the rest is not trusted: the spans are read */
	if (sql_exec("DELETE FROM run_figures WHERE run = (SELECT id FROM runs WHERE run_id = 'synthetic')"))
		GIVE_UP();
	r = analyze("synthetic", table, false);
	EXPECT(r.out && !strstr(r.out, "4242"));
	result_free(&r);
	expect_same("synthetic", table);
}

int main(void)
{
	if (fixture_setup() || write_runs())
		return 1;
	RUN(test_what_is_stored);
	RUN(test_same_output);
	RUN(test_sched_stored);
	RUN(test_stored_are_read);
	fixture_teardown();
	CHECK_EXIT();
}
