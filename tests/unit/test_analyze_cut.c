/* Unit tests of calls cut off (SIGKILL): an incomplete call recorded as a zero-length
 * placeholder lasts until its last child's end, and no self time is negative. */
#include "analyze_fixture.h"

/* Run "cut": main [0,0) incomplete, its child work [10,910). */
static int write_cut_run(void)
{
	struct run_info info = { .run_id = "cut", .command = "./prog", .mode = "command",
				 .pid = 500, .start_mono_ns = RUN_START };
	struct store *s = NULL;
	int64_t module, thread, main_fn, work_fn, main_id;
	int err = -1;

	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	thread = store__add_thread(s, 500, 500, "cut");
	main_fn = store__add_function(s, module, "main", NULL, 0x100);
	work_fn = store__add_function(s, module, "work", NULL, 0x200);
	main_id = store__next_span_id(s);
	if (write_span(s, main_id, 0, thread, main_fn, 0, 0, 0, SPAN_INCOMPLETE) ||
	    write_span(s, store__next_span_id(s), main_id, thread, work_fn, 10, 910, 1, SPAN_OK) ||
	    store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 1000 }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

static void test_cut_table(void)
{
	struct analyze_opts o = defaults();
	const cJSON *row;
	cJSON *j = json_view(&o);

	if (!j)
		GIVE_UP();
	row = row_named(j, "main");
	EXPECT(row != NULL);
	if (row) {
		EXPECT_EQ(num(row, "total_ns"), 910);
		EXPECT_EQ(num(row, "self_ns"), 10);
		EXPECT_EQ(num(row, "min_ns"), 910);
		EXPECT_EQ(num(row, "max_ns"), 910);
		EXPECT_EQ(num(row, "p50_ns"), 910);
	}
	row = row_named(j, "work");
	EXPECT(row && num(row, "self_ns") == 900);
	cJSON_Delete(j);
}

/* The root of the thread's tree: main, with work under it. */
static const cJSON *tree_root(const cJSON *j)
{
	const cJSON *th = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "threads"), 0);

	EXPECT(th && num(th, "total_ns") == 910);
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(th, "children"), 0);
}

static void test_cut_tree(void)
{
	struct analyze_opts o = defaults();
	const cJSON *root;
	cJSON *j;

	o.tree = true;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	root = tree_root(j);
	EXPECT(root && num(root, "total_ns") == 910 && num(root, "self_ns") == 10);
	cJSON_Delete(j);
	o.calls = true;
	j = json_view(&o);
	if (!j)
		GIVE_UP();
	root = tree_root(j);
	EXPECT(root && num(root, "duration_ns") == 910 && num(root, "self_ns") == 10);
	cJSON_Delete(j);
}

int main(void)
{
	if (fixture_setup() || write_cut_run())
		return 1;
	view_run = "cut";
	RUN(test_cut_table);
	RUN(test_cut_tree);
	fixture_teardown();
	CHECK_EXIT();
}
