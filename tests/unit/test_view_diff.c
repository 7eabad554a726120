/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of ferret view --diff's data (export/view_diff.c): the page of run "before"
 * compared with run "after" (diff_fixture.h: figures known), its embedded JSON parsed back;
 * the call paths cut to a small budget; a function whose name is markup, only in run B.
 */
#include <stdio.h>

#include "diff_fixture.h"
#include "export/view.h"

#define HOSTILE "</script><img src=x onerror=alert(1)>"

static const struct call hostile[] = { { 0, HOSTILE, 0, 10, -1, 0 } };

/* The page of run a with the Diff view of run b, its data parsed (NULL on failure). */
static cJSON *page_data(const char *a, const char *b, char **page)
{
	struct span_filter filter = { 0 };
	struct store *s = NULL;
	struct run_query *q = NULL;
	struct run_row ra, rb;
	struct run_diff fns, tree;
	struct view_diff vd = { .functions = &fns, .tree = &tree, .b = &rb, .db_a = "a.db", .db_b = "b.db" };
	size_t len = 0;
	FILE *out = open_memstream(page, &len);
	const char *open_tag = "id=\"ferret-data\">", *start, *stop;
	int err;

	run_diff__init(&fns);
	run_diff__init(&tree);
	err = store__open(db_path, STORE_READ, &s) || store__find_run(s, a, &ra) || store__find_run(s, b, &rb) ||
	      run_query__open(db_path, &q) || run_diff__functions(&fns, q, &ra, q, &rb) ||
	      run_diff__tree(&tree, q, &ra, q, &rb);
	if (!err) {
		struct export_target to = { out, "memory" };

		err = view__run(s, q, &ra, &filter, &vd, &to, NULL);
	}
	fclose(out);
	run_diff__free(&fns);
	run_diff__free(&tree);
	run_query__free(q);
	store__free(s);
	if (err || !(start = strstr(*page, open_tag)) || !(stop = strstr(start, "</script>")))
		return NULL;
	start += strlen(open_tag);
	return cJSON_ParseWithLength(start, (size_t)(stop - start));
}

/* Item i of a flat array: its number, or -1 for null. */
static double at(const cJSON *arr, int i)
{
	const cJSON *x = cJSON_GetArrayItem(arr, i);

	return cJSON_IsNull(x) ? -1 : x ? x->valuedouble : -2;
}

/* Row r (of width w) of a flat array holds want[0..n) from column from (-1: null). */
static void expect_flat(const cJSON *arr, int w, int r, int from, const double *want, int n)
{
	int i;

	for (i = 0; i < n; i++)
		EXPECT_EQ(at(arr, r * w + from + i), want[i]);
}

/* Every function's figures of both runs, in diff's order (largest change of total first). */
static void test_functions(void)
{
	static const double main_f[] = { 1, 1, 1000, 2000, 550, 1450, 1000, 2000, 1000, 2000, 0, 0 };
	static const double a_f[] = { 2, 3, 200, 500, 200, 500, 100, 167, 100, 300, 0, 0 };
	static const double gone_f[] = { 1, -1, 50, -1, 50, -1, 50, -1, 50, -1, 0, -1 };
	static const double new_f[] = { -1, 1, -1, 50, -1, 50, -1, 50, -1, 50, -1, 0 };
	char *page = NULL;
	cJSON *d = page_data("before", "after", &page), *diff = cJSON_GetObjectItem(d, "diff"), *fns;

	EXPECT(diff != NULL);
	if (!diff)
		goto done;
	EXPECT_STR(str(cJSON_GetObjectItem(diff, "a"), "run_id"), "before");
	EXPECT_STR(str(cJSON_GetObjectItem(diff, "b"), "run_id"), "after");
	EXPECT_STR(str(cJSON_GetObjectItem(diff, "b"), "db"), "b.db");
	fns = cJSON_GetObjectItem(diff, "functions");
	EXPECT_EQ(cJSON_GetArraySize(fns), 5 * 14);
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 0)), "main");
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 14)), "a");
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 15)), "app");
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 28)), "b");
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 42)), "gone");
	EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(fns, 56)), "new");
	expect_flat(fns, 14, 0, 2, main_f, 12);
	expect_flat(fns, 14, 1, 2, a_f, 12);
	expect_flat(fns, 14, 3, 2, gone_f, 12);
	expect_flat(fns, 14, 4, 2, new_f, 12);
	EXPECT_EQ(num(cJSON_GetObjectItem(diff, "summary"), "functions"), 5);
done:
	cJSON_Delete(d);
	free(page);
}

/* The merged trees, pre-order: [node - parent, name, calls, total, self, errors of A and B]. */
static void test_paths(void)
{
	static const struct {
		int up;
		const char *name;
		double fig[8];
	} want[] = {
		{ 1, "main", { 1, 1, 1000, 2000, 550, 1450, 0, 0 } },
		{ 1, "a", { 2, 2, 200, 400, 200, 400, 0, 0 } },
		{ 2, "b", { 1, 1, 200, 100, 200, 100, 0, 0 } },
		{ 3, "gone", { 1, -1, 50, -1, 50, -1, 0, -1 } },
		{ 4, "new", { -1, 1, -1, 50, -1, 50, -1, 1 } }, /* the tree counts an incomplete call in errors */
		{ 6, "a", { -1, 1, -1, 100, -1, 100, -1, 0 } },
	};
	char *page = NULL;
	cJSON *d = page_data("before", "after", &page), *diff = cJSON_GetObjectItem(d, "diff"), *paths, *names, *sm;
	int i;

	EXPECT(diff != NULL);
	if (!diff)
		goto done;
	paths = cJSON_GetObjectItem(diff, "paths");
	names = cJSON_GetObjectItem(diff, "names");
	sm = cJSON_GetObjectItem(diff, "summary");
	EXPECT_EQ(cJSON_GetArraySize(paths), 6 * 10);
	for (i = 0; i < 6; i++) {
		const cJSON *nm = cJSON_GetArrayItem(names, (int)at(paths, i * 10 + 1));

		EXPECT_EQ(at(paths, i * 10), want[i].up);
		EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(nm, 0)), want[i].name);
		EXPECT_STR(cJSON_GetStringValue(cJSON_GetArrayItem(nm, 1)), "app");
		expect_flat(paths, 10, i, 2, want[i].fig, 8);
	}
	EXPECT_EQ(num(sm, "paths"), 6);
	EXPECT_EQ(num(sm, "paths_shown"), 6);
	EXPECT_EQ(num(sm, "paths_over_ns"), 0);
done:
	cJSON_Delete(d);
	free(page);
}

/* Three paths at most: the longest in A or B (main 2000, main/a 400, main/b 200), those over
 * the fourth (a, 100 in B); main/gone and main/new (50) left out, the page says so. */
static void test_paths_cut(void)
{
	char *page = NULL;
	cJSON *d, *diff, *paths, *sm;

	view_diff_paths_max = 3;
	d = page_data("before", "after", &page);
	view_diff_paths_max = VIEW_DIFF_PATHS_MAX;
	diff = cJSON_GetObjectItem(d, "diff");
	EXPECT(diff != NULL);
	if (!diff)
		goto done;
	paths = cJSON_GetObjectItem(diff, "paths");
	sm = cJSON_GetObjectItem(diff, "summary");
	EXPECT_EQ(cJSON_GetArraySize(paths), 3 * 10);
	EXPECT_EQ(at(paths, 0 * 10 + 5), 2000);
	EXPECT_EQ(at(paths, 1 * 10 + 5), 400);
	EXPECT_EQ(at(paths, 2 * 10 + 4), 200);
	EXPECT_EQ(at(paths, 2 * 10), 2); /* b's parent still main */
	EXPECT_EQ(num(sm, "paths"), 6);
	EXPECT_EQ(num(sm, "paths_shown"), 3);
	EXPECT_EQ(num(sm, "paths_over_ns"), 100);
done:
	cJSON_Delete(d);
	free(page);
}

/* A function named as markup, only in run B: escaped in the page, itself in the data. */
static void test_hostile_name(void)
{
	char *page = NULL;
	cJSON *d = page_data("before", "hostile", &page), *diff = cJSON_GetObjectItem(d, "diff"), *fns;
	int i, found = 0;

	EXPECT(diff != NULL);
	EXPECT(page && !strstr(page, HOSTILE));
	EXPECT(page && strstr(page, "\\u003c/script>\\u003cimg src=x onerror=alert(1)>") != NULL);
	fns = cJSON_GetObjectItem(diff, "functions");
	for (i = 0; i < cJSON_GetArraySize(fns); i += 14)
		if (!strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(fns, i)) ?: "", HOSTILE)) {
			found = 1;
			EXPECT_EQ(at(fns, i + 2), -1); /* not in A */
			EXPECT_EQ(at(fns, i + 3), 1);
			EXPECT_EQ(at(fns, i + 5), 10);
		}
	EXPECT(found);
	cJSON_Delete(d);
	free(page);
}

/* No --diff: no "diff" member. */
static void test_no_diff(void)
{
	struct span_filter filter = { 0 };
	struct store *s = NULL;
	struct run_query *q = NULL;
	struct run_row ra;
	char *page = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&page, &len);
	struct export_target to = { out, "memory" };

	EXPECT(!store__open(db_path, STORE_READ, &s) && !store__find_run(s, "before", &ra) &&
	       !run_query__open(db_path, &q) && !view__run(s, q, &ra, &filter, NULL, &to, NULL));
	fclose(out);
	EXPECT(page && !strstr(page, "\"diff\":"));
	run_query__free(q);
	store__free(s);
	free(page);
}

int main(void)
{
	struct store *s = NULL;
	int err;

	if (fixture_setup() || write_runs())
		return 1;
	err = store__open(db_path, STORE_WRITE, &s) || write_calls(s, "hostile", hostile, 1);
	store__free(s);
	if (err) {
		printf("FAIL: test_view_diff setup\n");
		return 1;
	}
	RUN(test_functions);
	RUN(test_paths);
	RUN(test_paths_cut);
	RUN(test_hostile_name);
	RUN(test_no_diff);
	fixture_teardown();
	CHECK_EXIT();
}
