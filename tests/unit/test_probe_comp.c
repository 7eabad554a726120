/* Unit tests of durations compensated for probe cost (analyze/probe_comp.c), exact, on a
 * hand-made run whose probe costs are known:
 *   nop5 probes: 100 ns a call, 30 ns of it inside the call; push: 200 ns, 50 inside
 *   main (push) [0,10000)
 *     mid (nop5) [1000,5000)
 *       leaf (nop5) [1100,1200)  leaf [1300,1500)
 *     leaf [6000,6020)               20 ns: less than its own 30 ns, compensated to 0
 *     bad (push) [7000,8000) incomplete: its end is unknown, it keeps its 1000 ns
 *   gofn (no probe kind) [20000,20500): a root, as measured
 * By hand: leaf 70, 170, 0 (total 240); mid 4000 - 30 - 2*100 = 3770, self 3770 - 240;
 * main 10000 - 50 - (2*100 + 100 + 100 + 200) = 9350, self 9350 - 3770 - 0 - 1000 = 4580.
 * On-CPU, blocked and run-queue time (cpu + blocked + runq = duration): main 8000, 1500, 500;
 * mid 3000, 1000, 0; the leaves all on a CPU; bad and gofn none. The cost comes off the
 * on-CPU time: main 8000 - 650 = 7350 (+ 1500 + 500 = 9350), mid 3000 - 230 = 2770
 * (+ 1000 = 3770), leaves 70 + 170 + 0 = 240. */
#include "analyze_fixture.h"

/* A span with its on-CPU, blocked and run-queue time. */
static int write_sched_span(struct store *s, int64_t id, int64_t parent, int64_t thread, int64_t fn,
			    int64_t start, int64_t end, int depth, int64_t blocked, int64_t runq)
{
	struct stored_span r = { .span_id = id, .parent_id = parent, .thread_key = thread,
				 .function_key = fn, .start_ns = RUN_START + start,
				 .end_ns = RUN_START + end, .depth = depth, .status = SPAN_OK,
				 .has_sched = true, .cpu_ns = end - start - blocked - runq,
				 .blocked_ns = blocked, .runq_ns = runq, .blocked_in = blocked ? 0 : -1 };

	return store__append_span(s, &r);
}

static int write_comp_run(void)
{
	struct run_info info = { .run_id = "comp", .command = "./prog", .mode = "command",
				 .pid = 100, .start_mono_ns = RUN_START, .min_duration_ns = -1 };
	struct probe_cost_row nop5 = { "nop5", 5000, 100, 30 }, push = { "push", 4000, 200, 50 };
	struct store *s = NULL;
	int64_t module, thread, main_fn, mid, leaf, bad, gofn, id;
	int err = -1;

	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info) ||
	    store__add_probe_cost(s, &nop5) || store__add_probe_cost(s, &push))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	main_fn = store__add_function(s, module, "main", NULL, 0x100);
	mid = store__add_function(s, module, "mid", NULL, 0x200);
	leaf = store__add_function(s, module, "leaf", NULL, 0x300);
	bad = store__add_function(s, module, "bad", NULL, 0x400);
	gofn = store__add_function(s, module, "gofn", NULL, 0x500);
	thread = store__add_thread(s, 100, 100, "prog");
	if (store__set_function_probe(s, main_fn, "push") || store__set_function_probe(s, mid, "nop5") ||
	    store__set_function_probe(s, leaf, "nop5") || store__set_function_probe(s, bad, "push") ||
	    store__set_function_probe(s, gofn, NULL))
		goto cleanup;
	id = store__next_span_id(s);
	if (write_sched_span(s, id, 0, thread, main_fn, 0, 10000, 0, 1500, 500) ||
	    write_sched_span(s, id + 1, id, thread, mid, 1000, 5000, 1, 1000, 0) ||
	    write_sched_span(s, id + 2, id + 1, thread, leaf, 1100, 1200, 2, 0, 0) ||
	    write_sched_span(s, id + 3, id + 1, thread, leaf, 1300, 1500, 2, 0, 0) ||
	    write_sched_span(s, id + 4, id, thread, leaf, 6000, 6020, 1, 0, 0) ||
	    write_span(s, id + 5, id, thread, bad, 7000, 8000, 1, SPAN_INCOMPLETE) ||
	    write_span(s, id + 6, 0, thread, gofn, 20000, 20500, 0, SPAN_OK) ||
	    store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 30000 }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

static void expect_figures(const cJSON *j, const char *fn, int64_t total, int64_t self, int64_t min,
			   int64_t max)
{
	const cJSON *row = row_named(j, fn);

	EXPECT(row != NULL);
	if (!row)
		return;
	EXPECT_EQ(num(row, "total_ns"), total);
	EXPECT_EQ(num(row, "self_ns"), self);
	EXPECT_EQ(num(row, "min_ns"), min);
	EXPECT_EQ(num(row, "max_ns"), max);
}

/* A row's on-CPU, blocked and run-queue ns; cpu -1: null (not known for each call). */
static void expect_sched(const cJSON *j, const char *fn, int64_t cpu, int64_t blocked, int64_t runq)
{
	const cJSON *row = row_named(j, fn);
	const cJSON *v = row ? cJSON_GetObjectItemCaseSensitive(row, "cpu_ns") : NULL;

	EXPECT(row != NULL && v != NULL);
	if (!row || !v)
		return;
	if (cpu < 0) {
		EXPECT(cJSON_IsNull(v));
		return;
	}
	EXPECT_EQ(num(row, "cpu_ns"), cpu);
	EXPECT_EQ(num(row, "blocked_ns"), blocked);
	EXPECT_EQ(num(row, "runq_ns"), runq);
}

/* The default: each call less its own probes' inside part and its descendants' whole cost. */
static void test_compensated(void)
{
	struct analyze_opts o = defaults();
	cJSON *j = json_view(&o);

	if (!j)
		GIVE_UP();
	EXPECT_STR(str(j, "durations"), "compensated");
	expect_figures(j, "main", 9350, 4580, 9350, 9350);
	expect_figures(j, "mid", 3770, 3530, 3770, 3770);
	expect_figures(j, "leaf", 240, 240, 0, 170);
	expect_figures(j, "bad", 1000, 1000, 1000, 1000);
	expect_figures(j, "gofn", 500, 500, 500, 500);
	/* the cost is taken off the on-CPU time: cpu + blocked + runq is still the total */
	expect_sched(j, "main", 7350, 1500, 500);
	expect_sched(j, "mid", 2770, 1000, 0);
	expect_sched(j, "leaf", 240, 0, 0);
	expect_sched(j, "bad", -1, 0, 0);
	cJSON_Delete(j);
}

/* --raw: as stored. */
static void test_raw(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.raw = true;
	if (!(j = json_view(&o)))
		GIVE_UP();
	EXPECT_STR(str(j, "durations"), "measured");
	EXPECT_STR(str(j, "percentiles"), "exact");
	expect_figures(j, "main", 10000, 10000 - 4000 - 20 - 1000, 10000, 10000);
	expect_figures(j, "leaf", 320, 320, 20, 200);
	expect_sched(j, "main", 8000, 1500, 500);
	expect_sched(j, "mid", 3000, 1000, 0);
	expect_sched(j, "leaf", 320, 0, 0);
	cJSON_Delete(j);
}

/* The tree takes the same durations; the text says what was subtracted. */
static void test_tree_and_header(void)
{
	struct analyze_opts o = defaults();
	const cJSON *th, *root;
	char *text;
	cJSON *j;
	int ret;

	o.tree = true;
	text = run_view(&o, true, &ret);
	EXPECT_EQ(ret, 0);
	EXPECT(text && strstr(text, "durations compensated for probe cost (100 ns per nop5 call, "
				    "200 ns per push call), an estimate; without --compensate: as measured\n"));
	free(text);
	if (!(j = json_view(&o)))
		GIVE_UP();
	th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), 0);
	root = th ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(th, "children"), 0) : NULL;
	EXPECT(root && !strcmp(str(root, "function"), "main"));
	EXPECT(root && num(root, "total_ns") == 9350 && num(root, "self_ns") == 4580);
	EXPECT(root && num(root, "cpu_ns") == 7350 && num(root, "blocked_ns") == 1500 &&
	       num(root, "runq_ns") == 500);
	cJSON_Delete(j);
}

/* A run without calibration (the fixture's) is shown as measured, and says why. */
static void test_uncalibrated(void)
{
	struct analyze_opts o = defaults();
	char *text;
	int ret;

	view_run = "synthetic";
	text = run_view(&o, true, &ret);
	EXPECT_EQ(ret, 0);
	EXPECT(text && strstr(text, "durations as measured: the run has no probe calibration"));
	free(text);
	view_run = "comp";
}

/* The arithmetic's floor. */
static void test_duration_floor(void)
{
	EXPECT_EQ(probe_comp__duration(100, 30, 50), 20);
	EXPECT_EQ(probe_comp__duration(100, 30, 80), 0);
	EXPECT_EQ(probe_comp__duration(INT64_MIN, 30, INT64_MAX), 0);
}

int main(void)
{
	if (fixture_setup() || write_comp_run())
		return 1;
	view_run = "comp";
	RUN(test_compensated);
	RUN(test_raw);
	RUN(test_tree_and_header);
	RUN(test_uncalibrated);
	RUN(test_duration_floor);
	fixture_teardown();
	CHECK_EXIT();
}
