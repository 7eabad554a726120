/* Unit tests of crafted durations near INT64_MAX: sums saturate instead of wrapping
 * (signed overflow), and the average stays exact. */
#include <stdint.h>

#include "analyze_fixture.h"

#define BIG (INT64_C(1) << 62)

/* Run "huge": three root calls of "big" lasting 2^62 ns each (their sum passes INT64_MAX),
 * 100 ns apart, the first with a child "small" of 10 ns. */
static int write_huge_run(void)
{
	struct run_info info = { .run_id = "huge", .command = "./prog", .mode = "command",
				 .pid = 600, .start_mono_ns = RUN_START };
	struct store *s = NULL;
	int64_t module, thread, big, small;
	int i, err = -1;

	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	thread = store__add_thread(s, 600, 600, "huge");
	big = store__add_function(s, module, "big", NULL, 0x100);
	small = store__add_function(s, module, "small", NULL, 0x200);
	for (i = 0; i < 3; i++) { /* span ids in call order: small right after the first */
		int64_t id = store__next_span_id(s);

		if (write_span(s, id, 0, thread, big, 100 * i, 100 * i + BIG, 0, SPAN_OK) ||
		    (!i && write_span(s, store__next_span_id(s), id, thread, small, 1, 11, 1, SPAN_OK)))
			goto cleanup;
	}
	if (store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + BIG + 300 }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

static void test_huge_table(void)
{
	struct analyze_opts o = defaults();
	const cJSON *row;
	cJSON *j = json_view(&o);

	if (!j)
		GIVE_UP();
	row = row_named(j, "big");
	EXPECT(row != NULL);
	if (row) {
		EXPECT_EQ(num(row, "calls"), 3);
		EXPECT(num(row, "total_ns") == (double)INT64_MAX); /* saturated */
		EXPECT(num(row, "self_ns") == (double)INT64_MAX);
		EXPECT_EQ(num(row, "avg_ns"), (double)BIG);
		EXPECT_EQ(num(row, "max_ns"), (double)BIG);
	}
	cJSON_Delete(j);
}

static void test_huge_tree(void)
{
	struct analyze_opts o = defaults();
	const cJSON *th;
	cJSON *j;
	char *text;
	int ret;

	o.tree = true;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), 0);
	EXPECT(th && num(th, "total_ns") == (double)INT64_MAX);
	cJSON_Delete(j);
	o.json = false;
	text = run_view(&o, false, &ret); /* colors and self shares compare products */
	EXPECT_EQ(ret, 0);
	EXPECT(text && strstr(text, "big"));
	free(text);
}

int main(void)
{
	if (fixture_setup() || write_huge_run())
		return 1;
	view_run = "huge";
	RUN(test_huge_table);
	RUN(test_huge_tree);
	fixture_teardown();
	CHECK_EXIT();
}
