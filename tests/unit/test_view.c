/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of ferret view's data (export/view*.c): a run written through the store API,
 * its page written with small budgets, the embedded JSON parsed back.
 *
 * The run (R = the run's start; ns after R), thread "<b>t</b></script>" of /opt/demo/demo:
 *   main [0, 10000] > a x20 (a_i: [100 + 400 i, 100 + 400 i + 10 + i])
  *                   > a_19 > lib_f [7801, 7806] in libfoo.so.1
 */
#include <stdio.h>

#include "analyze_fixture.h"
#include "export/view.h"
#include "store/run_query.h"

#define R RUN_START
#define NAME "<b>t</b></script>"

/* A span with the next id of the file (0 on failure). */
static int64_t add_span(struct store *s, int64_t parent, int64_t thread, int64_t fn, int64_t start,
			int64_t end, int depth)
{
	int64_t id = store__next_span_id(s);

	return write_span(s, id, parent, thread, fn, start, end, depth, SPAN_OK) ? 0 : id;
}

static int make_db(void)
{
	struct run_info info = { .run_id = "v", .command = "/opt/demo/demo --x", .mode = "command", .pid = 7,
				 .start_mono_ns = R, .start_real_ns = R };
	struct run_end end = { .end_mono_ns = R + 10000 };
	int64_t mod, lib, fmain, fa, fl, th, m, a = 0;
	struct store *s;
	int i;

	snprintf(db_path, sizeof(db_path), "%s/v.db", tmpdir);
	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		return -1;
	mod = store__add_module(s, "/opt/demo/demo", NULL);
	lib = store__add_module(s, "/usr/lib/libfoo.so.1", NULL);
	fmain = store__add_function(s, mod, "main", NULL, 0x1000);
	fa = store__add_function(s, mod, "a", NULL, 0x1100);
	fl = store__add_function(s, lib, "lib_f", NULL, 0x2000);
	th = store__add_thread(s, 7, 7, NAME);
	m = add_span(s, 0, th, fmain, 0, 10000, 0);
	for (i = 0; i < 20; i++)
		a = add_span(s, m, th, fa, 100 + 400 * i, 100 + 400 * i + 10 + i, 1);
	add_span(s, a, th, fl, 7700 + 100 + 1, 7700 + 100 + 6, 2);
	if (store__end_run(s, &end))
		return -1;
	store__free(s);
	return 0;
}

/* The page of run v, and its data parsed (NULL on failure). */
static cJSON *view_data(char **page)
{
	struct span_filter filter = { 0 };
	struct store *s = NULL;
	struct run_query *ss = NULL;
	struct run_row run;
	size_t len = 0;
	FILE *out = open_memstream(page, &len);
	const char *open_tag = "<script type=\"application/json\" id=\"ferret-data\">", *start, *stop;
	int err = store__open(db_path, STORE_READ, &s) || store__find_run(s, NULL, &run) ||
		  run_query__open(db_path, &ss);

	if (!err) {
		struct export_target to = { out, "memory" };

		err = view__run(s, ss, &run, &filter, NULL, &to, NULL);
	}
	fclose(out);
	run_query__free(ss);
	store__free(s);
	if (err || !(start = strstr(*page, open_tag)) || !(stop = strstr(start, "</script>")))
		return NULL;
	start += strlen(open_tag);
	return cJSON_ParseWithLength(start, (size_t)(stop - start));
}

static cJSON *thread0(cJSON *d)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(d, "threads"), 0);
}

/* No name ends the data's element early; the thread's name is there as it is. */
static void test_page_escapes_markup(void)
{
	char *page = NULL;
	cJSON *d = view_data(&page);

	EXPECT(d != NULL);
	EXPECT(page && strstr(page, "\\u003cb>t\\u003c/b>\\u003c/script>") != NULL);
	EXPECT(page && !strstr(page, NAME));
	EXPECT(page && !strstr(page, "src=") && !strstr(page, "://")); /* loads nothing */
	if (d)
		EXPECT_STR(cJSON_GetStringValue(cJSON_GetObjectItem(thread0(d), "comm")), NAME);
	cJSON_Delete(d);
	free(page);
}

/* Unlimited: every path, call and span; a's node counts its 20 calls and their time. */
static void test_everything_kept(void)
{
	char *page = NULL;
	cJSON *d = view_data(&page), *th = d ? thread0(d) : NULL, *nodes, *funcs;

	EXPECT(th != NULL);
	if (!th)
		goto done;
	nodes = cJSON_GetObjectItem(th, "nodes");
	funcs = cJSON_GetObjectItem(d, "funcs");
	EXPECT_EQ(cJSON_GetArraySize(nodes), 3 * 7);
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(th, "calls")), 22 * 5);
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(th, "flame")), 22 * 3);
	/* node 2: a, under main (delta 1), 20 calls of 10 + i ns */
	EXPECT_EQ(cJSON_GetArrayItem(nodes, 7)->valueint, 1);
	EXPECT_EQ(cJSON_GetArrayItem(nodes, 9)->valueint, 20);
	EXPECT_EQ(cJSON_GetArrayItem(nodes, 12)->valuedouble, 20 * 10 + 190);
	/* the library's function is marked one, the command's are not */
	EXPECT_EQ(cJSON_GetArrayItem(cJSON_GetArrayItem(funcs, 2), 2)->valueint, 1);
	EXPECT_EQ(cJSON_GetArrayItem(cJSON_GetArrayItem(funcs, 0), 2)->valueint, 0);
	EXPECT_EQ(num(cJSON_GetObjectItem(d, "summary"), "calls_per_path"), 0);
	EXPECT_EQ(num(cJSON_GetObjectItem(d, "summary"), "flame_over_ns"), 0);
done:
	cJSON_Delete(d);
	free(page);
}

/* Small budgets: the longest spans, the longest paths, each path's slowest call. */
static void test_budgets(void)
{
	char *page = NULL;
	cJSON *d, *th, *sm, *calls, *flame;
	int i;

	view_flame_max = 5, view_nodes_max = 2, view_calls_max = 2, view_all_calls = 0;
	d = view_data(&page);
	th = d ? thread0(d) : NULL;
	EXPECT(th != NULL);
	if (!th)
		goto done;
	sm = cJSON_GetObjectItem(d, "summary");
	calls = cJSON_GetObjectItem(th, "calls");
	flame = cJSON_GetObjectItem(th, "flame");
	/* main and the 4 longest a (29, 28, 27, 26 ns): those over the 6th longest, 25 */
	EXPECT_EQ(num(sm, "flame_over_ns"), 25);
	EXPECT_EQ(cJSON_GetArraySize(flame), 5 * 3);
	for (i = 1; i < 5; i++)
		EXPECT(cJSON_GetArrayItem(flame, 3 * i + 2)->valuedouble > 25);
	/* paths main and a (390 ns) kept; lib_f (5 ns) left out, its time counted */
	EXPECT_EQ(num(sm, "paths"), 3);
	EXPECT_EQ(num(sm, "paths_over_ns"), 5);
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(th, "nodes")), 2 * 7);
	EXPECT_EQ(num(th, "hidden_nodes"), 1);
	EXPECT_EQ(num(th, "hidden_ns"), 5);
	/* one call per path: main's, then a's slowest (29 ns, at 100 + 400 * 19) */
	EXPECT_EQ(num(sm, "calls_per_path"), 1);
	EXPECT_EQ(cJSON_GetArraySize(calls), 2 * 5);
	EXPECT_EQ(cJSON_GetArrayItem(calls, 5)->valueint, 2);
	EXPECT_EQ(cJSON_GetArrayItem(calls, 6)->valuedouble, 100 + 400 * 19);
	EXPECT_EQ(cJSON_GetArrayItem(calls, 7)->valuedouble, 29);
done:
	view_flame_max = VIEW_FLAME_MAX, view_nodes_max = VIEW_NODES_MAX, view_calls_max = VIEW_CALLS_MAX;
	view_all_calls = VIEW_ALL_CALLS;
	cJSON_Delete(d);
	free(page);
}

int main(void)
{
	char cmd[300];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-test-view.XXXXXX");
	if (!mkdtemp(tmpdir) || make_db()) {
		printf("FAIL: test_view setup (cannot write %s)\n", tmpdir);
		return 1;
	}
	RUN(test_page_escapes_markup);
	RUN(test_everything_kept);
	RUN(test_budgets);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("    could not remove %s\n", tmpdir);
	CHECK_EXIT();
}
