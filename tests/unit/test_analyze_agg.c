/* Unit tests of the table over stack-mode runs (--aggregate, --min-duration, --max-rate):
 * the kernel's per-function figures, also for a selected function never called. */
#include "analyze_fixture.h"

/* Run "agg" (--aggregate, no spans): "used" called 3 times (500, 1000 and 1500 ns),
 * "never" selected but never called. */
static int write_agg_run(void)
{
	struct run_info info = { .run_id = "agg", .command = "./prog", .mode = "command",
				 .pid = 100, .start_mono_ns = RUN_START, .aggregate = true };
	uint64_t hist[64] = { 0 };
	struct func_figures_row used = { .calls = 3, .total_ns = 3000, .sum_ns = 3000, .min_ns = 500,
				       .max_ns = 1500, .hist = hist, .nbuckets = 64 };
	struct func_figures_row never = { .hist = hist, .nbuckets = 0 };
	struct store *s = NULL;
	int64_t module;
	int err = -1;

	hist[8] = hist[9] = hist[10] = 1;
	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	used.function_key = store__add_function(s, module, "used", NULL, 0x100);
	never.function_key = store__add_function(s, module, "never", NULL, 0x200);
	if (store__add_func_figures(s, &used) || store__add_func_figures(s, &never) ||
	    store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 5000 }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

/* A function never called has calls 0, no time, and no min, avg, percentiles or max. */
static void test_never_called(void)
{
	static const char *const none[] = { "min_ns", "avg_ns", "p50_ns", "p95_ns", "p99_ns", "max_ns" };
	struct analyze_opts o = defaults();
	const cJSON *row;
	cJSON *j;
	size_t i;

	j = json_view(&o);
	if (!j)
		GIVE_UP();
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "functions")), 2);
	row = row_named(j, "never");
	EXPECT(row != NULL);
	if (row) {
		EXPECT_EQ(num(row, "calls"), 0);
		EXPECT_EQ(num(row, "total_ns"), 0);
		for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
			EXPECT(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(row, none[i])));
	}
	row = row_named(j, "used");
	EXPECT(row && num(row, "calls") == 3 && num(row, "avg_ns") == 1000);
	cJSON_Delete(j);
}

/* Text, sorted by calls, every row: no division by zero, no false warning. */
static void test_never_called_cmd(void)
{
	static const char *const sorts[] = { "total", "calls", "avg", "p50", "max" };
	char *out = NULL, *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		EXPECT_EQ(run_cmd(&out, &err, "analyze", db_path, "--sort", (char *)sorts[i], "--limit",
				  "0", NULL), 0);
		EXPECT(out && strstr(out, "never"));
		EXPECT_STR(err, "");
		free(out);
		free(err);
	}
	EXPECT_EQ(run_cmd(&out, &err, "analyze", db_path, "--json", NULL), 0);
	EXPECT_STR(err, "");
	free(out);
	free(err);
}

int main(void)
{
	if (fixture_setup() || write_agg_run())
		return 1;
	view_run = "agg";
	RUN(test_never_called);
	RUN(test_never_called_cmd);
	fixture_teardown();
	CHECK_EXIT();
}
