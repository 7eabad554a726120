/* ferret analyze's table on the synthetic runs of analyze_fixture.h: figures,
 * sorting, filters, exact and approximate percentiles, text, the command line. */
#include "analyze_fixture.h"

static void test_table_figures(void)
{
	struct analyze_opts o = defaults();
	cJSON *j = json_view(&o);

	if (!j)
		GIVE_UP();
	EXPECT_STR(str(j, "run_id"), "synthetic");
	EXPECT_STR(str(j, "command"), "./prog --x");
	EXPECT_EQ(num(j, "duration_ns"), 20000);
	EXPECT_EQ(num(j, "span_count"), 37);
	EXPECT_EQ(num(j, "thread_count"), 5);
	EXPECT_EQ(num(j, "lost_events"), 12);
	EXPECT_STR(str(j, "percentiles"), "exact");
	EXPECT_STR(str(j, "sort"), "total");
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")), 8);
	/*                          calls total self min avg p50 p95 p99  max err */
	expect_row(j, "main", (int64_t[]){ 2, 1100, 440, 100, 550, 100, 1000, 1000, 1000, 0 });
	expect_row(j, "a", (int64_t[]){ 3, 360, 170, 60, 120, 100, 200, 200, 200, 0 });
	expect_row(j, "leaf", (int64_t[]){ 6, 250, 250, 10, 42, 30, 100, 100, 100, 0 });
	/* recursion: total is the outermost call only; self never counts a nanosecond twice */
	expect_row(j, "rec", (int64_t[]){ 3, 400, 340, 80, 257, 290, 400, 400, 400, 0 });
	/* its call never returned: incomplete, not an error (no --error rule said so) */
	expect_row(j, "bad", (int64_t[]){ 1, 100, 100, 100, 100, 100, 100, 100, 100, 0 });
	EXPECT_EQ(num(row_named(j, "bad"), "incomplete"), 1);
	expect_row(j, "worker_main", (int64_t[]){ 1, 500, 300, 500, 500, 500, 500, 500, 500, 0 });
	/* nearest rank over 5,10..100: p50 = 10th = 50, p95 = 19th = 95, p99 = 20th = 100 */
	expect_row(j, "many", (int64_t[]){ 20, 1050, 1050, 5, 53, 50, 95, 100, 100, 0 });
	expect_row(j, WEIRD_JSON, (int64_t[]){ 1, 7, 7, 7, 7, 7, 7, 7, 7, 0 });
	cJSON_Delete(j);
}

static void expect_order(struct analyze_opts *o, const char *const *want, int n)
{
	cJSON *j = json_view(o);
	const cJSON *row;
	int i = 0;

	if (!j)
		GIVE_UP();
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(j, "functions")) {
		if (i < n && strcmp(str(row, "function"), want[i]))
			printf("    row %d is %s, expected %s\n", i, str(row, "function"), want[i]);
		EXPECT(i < n && !strcmp(str(row, "function"), want[i]));
		i++;
	}
	EXPECT_EQ(i, n);
	cJSON_Delete(j);
}

static void test_table_sort_limit(void)
{
	struct analyze_opts o = defaults();

	expect_order(&o, (const char *[]){ "main", "many", "worker_main", "rec", "a", "leaf", "bad", WEIRD_JSON }, 8);
	o = defaults();
	o.sort_col = COL_CALLS;
	expect_order(&o, (const char *[]){ "many", "leaf", "a", "rec", "main", "bad", WEIRD_JSON, "worker_main" }, 8);
	o = defaults();
	o.sort_col = COL_P50; /* percentiles of every row are needed before the limit */
	o.limit = 3;
	expect_order(&o, (const char *[]){ "worker_main", "rec", "a" }, 3);
	o = defaults();
	o.sort_col = COL_FUNCTION;
	o.limit = 2;
	expect_order(&o, (const char *[]){ "a", "bad" }, 2);
	o = defaults();
	o.sort_col = COL_INCOMPLETE;
	o.limit = 1;
	expect_order(&o, (const char *[]){ "bad" }, 1);
	EXPECT_EQ(table_col__parse("P95"), COL_P95);
	EXPECT_EQ(table_col__parse("self"), COL_SELF);
	EXPECT_EQ(table_col__parse("nope"), -1);
}

static void test_table_filters(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.pid = 200;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")), 3);
	expect_row(j, "main", (int64_t[]){ 1, 100, 100, 100, 100, 100, 100, 100, 100, 0 });
	cJSON_Delete(j);

	o = defaults();
	o.tid = 101;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	expect_row(j, "a", (int64_t[]){ 1, 200, 100, 200, 200, 200, 200, 200, 200, 0 });
	expect_row(j, "leaf", (int64_t[]){ 1, 100, 100, 100, 100, 100, 100, 100, 100, 0 });
	cJSON_Delete(j);

	/* --function picks rows; self still subtracts children that are not shown */
	o = defaults();
	o.function_glob = "[ar]*";
	expect_order(&o, (const char *[]){ "rec", "a" }, 2);
	o.function_glob = "a";
	j = json_view(&o);
	if (j)
		expect_row(j, "a", (int64_t[]){ 3, 360, 170, 60, 120, 100, 200, 200, 200, 0 });
	cJSON_Delete(j);
}

static void test_table_approx(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	o.approx = true;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	EXPECT_STR(str(j, "percentiles"), "approx");
	/* exact under 32 ns; 95 is in [94, 96): its middle; 100 is in [100, 102): 101, but max is 100 */
	expect_row(j, "many", (int64_t[]){ 20, 1050, 1050, 5, 53, 50, 95, 100, 100, 0 });
	/* 1000 is in [992, 1008): its middle is 1000 */
	expect_row(j, "main", (int64_t[]){ 2, 1100, 440, 100, 550, 101, 1000, 1000, 1000, 0 });
	cJSON_Delete(j);
}

/* nearest rank: dense p50 = 25th of 1000..1049 = 1024, p95 = 48th = 1047, p99 = 50th = 1049 */
static void expect_dense(void)
{
	struct analyze_opts o = defaults();
	cJSON *j;

	view_run = "dense";
	j = json_view(&o);
	view_run = "synthetic";
	if (!j)
		GIVE_UP();
	expect_row(j, "dense", (int64_t[]){ 50, 51225, 51225, 1000, 1025, 1024, 1047, 1049, 1049, 0 });
	expect_row(j, "twin", (int64_t[]){ 40, 31080, 31080, 777, 777, 777, 777, 777, 777, 0 });
	cJSON_Delete(j);
}

static void test_percentiles_kept(void)
{
	expect_dense();
}

static void test_percentiles_sql_sort(void)
{
	size_t saved = pct_candidate_budget;

	pct_candidate_budget = 0; /* nothing may be kept: every function goes through SQLite's sorter */
	expect_dense();
	pct_candidate_budget = 40; /* 66 would be kept: twin's 40 go to the sorter, dense's 26 are kept */
	expect_dense();
	pct_candidate_budget = saved;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Exact (both ways) against a brute-force sort; --approx within 1/64 of it. */
static void test_percentiles_random(void)
{
	static const char *const names[3] = { "r0", "r1", "r2" };
	static const char *const keys[3] = { "p50_ns", "p95_ns", "p99_ns" };
	static const int ranks[3] = { 500, 950, 990 }; /* ceil(P/100 * 1000) */
	size_t budgets[3] = { pct_candidate_budget, 0, 100 };
	struct analyze_opts o;
	int b, f, k;
	cJSON *j;

	for (f = 0; f < 3; f++)
		qsort(random_durations[f], RANDOM_SPANS / 3, sizeof(int64_t), cmp_i64);
	view_run = "random";
	for (b = 0; b < 4; b++) {
		o = defaults();
		o.approx = b == 3;
		pct_candidate_budget = budgets[b < 3 ? b : 0];
		if (!(j = json_view(&o)))
			break;
		for (f = 0; f < 3; f++) {
			for (k = 0; k < 3; k++) {
				double want = (double)random_durations[f][ranks[k] - 1];
				double got = num(row_named(j, names[f]), keys[k]);

				if (b < 3 ? got != want : got < want - want / 64 || got > want + want / 64) {
					printf("    %s %s: %.0f, expected %.0f (pass %d)\n", names[f], keys[k], got, want, b);
					EXPECT(0);
				}
			}
		}
		cJSON_Delete(j);
	}
	pct_candidate_budget = budgets[0];
	view_run = "synthetic";
}

static void test_table_text(void)
{
	struct analyze_opts o = defaults();
	char *text;
	int ret;

	o.limit = 2;
	text = run_view(&o, false, &ret);
	EXPECT_EQ(ret, 0);
	EXPECT_STR(text, "run synthetic | ./prog --x | 20.00 us | 37 spans | 5 threads | 12 lost events\n"
			 "WARNING: 12 events lost: the figures below miss those calls\n"
			 "durations as measured: the run has no probe calibration (traced with "
			 "--no-calibrate or --min-duration/--aggregate/--max-rate)\n"
			 "\n"
			 "Function  Module  Calls     Total      Self     Min     Avg     P50       P95       P99       Max  Errors\n"
			 "main      prog        2  1.100 us    440 ns  100 ns  550 ns  100 ns  1.000 us  1.000 us  1.000 us  0\n"
			 "many      prog       20  1.050 us  1.050 us    5 ns   53 ns   50 ns     95 ns    100 ns    100 ns  0\n"
			 "(2 of 8 functions shown; --limit 0 shows all)\n");
	free(text);

	o = defaults();
	o.function_glob = "bad";
	text = run_view(&o, true, &ret);
	EXPECT(text && strstr(text, "bad       prog        1  100 ns  100 ns  100 ns  100 ns  100 ns  100 ns  100 ns  100 ns       0  1 (100.0%)\n"));
	free(text);
}

static void test_command(void)
{
	char foreign[160], no_runs[160], missing[160];
	struct store *s = NULL;
	FILE *f;

	snprintf(foreign, sizeof(foreign), "%s/foreign.txt", tmpdir);
	snprintf(no_runs, sizeof(no_runs), "%s/no_runs.db", tmpdir);
	snprintf(missing, sizeof(missing), "%s/missing.db", tmpdir);
	if ((f = fopen(foreign, "w"))) {
		fputs("just some text, certainly not SQLite\n", f);
		fclose(f);
	}
	if (!store__open(no_runs, STORE_WRITE, &s))
		store__free(s);

	expect_cmd(0, NULL, db_path, "--run-id", "synthetic", NULL);
	expect_cmd(0, NULL, "--run-id", "synthetic", db_path, "--tree");
	expect_cmd(0, NULL, "--json", "--run-id=synthetic", "--db", db_path);
	expect_cmd(0, NULL, "--help", NULL, NULL, NULL);
	expect_cmd(1, "has no spans", db_path, NULL, NULL, NULL); /* the latest run is "empty" */
	expect_cmd(1, "runs: empty, random, dense, synthetic", db_path, "--run-id", "nope", NULL);
	expect_cmd(1, "missing.db", missing, NULL, NULL, NULL);
	expect_cmd(1, "foreign.txt", foreign, NULL, NULL, NULL);
	expect_cmd(1, "holds no runs", no_runs, NULL, NULL, NULL);
	expect_cmd(1, "no function of run synthetic matches 'zzz*'", db_path, "--run-id=synthetic", "-f", "zzz*");
	expect_cmd(1, "no call of run synthetic matches", db_path, "--run-id=synthetic", "-tf", "zzz*");
	expect_cmd(1, "no spans for this --pid", db_path, "--run-id=synthetic", "--pid", "999");
	expect_cmd(2, "unknown column 'bogus'", db_path, "--sort", "bogus", NULL);
	expect_cmd(2, "--limit", db_path, "--limit", "x", NULL);
	expect_cmd(2, "apply to --tree", db_path, "--max-depth", "3", NULL);
	expect_cmd(2, "not to --tree", db_path, "--tree", "--sort", "calls");
	expect_cmd(2, "one database at a time", db_path, db_path, NULL, NULL);
	expect_cmd(2, "unknown option '--bogus'", db_path, "--bogus", NULL, NULL);
	expect_cmd(2, "--run-id needs a value", db_path, "--run-id", NULL, NULL);
	expect_cmd(2, "--min-percent", db_path, "--tree", "--min-percent", "101");
	expect_cmd(2, "--pid: must be positive", db_path, "--pid", "0", NULL);
}


int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_table_figures);
	RUN(test_table_sort_limit);
	RUN(test_table_filters);
	RUN(test_table_approx);
	RUN(test_percentiles_kept);
	RUN(test_percentiles_sql_sort);
	RUN(test_percentiles_random);
	RUN(test_table_text);
	RUN(test_command);
	fixture_teardown();
	CHECK_EXIT();
}
