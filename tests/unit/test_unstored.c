/* SPDX-License-Identifier: BSD-2-Clause */
/* A run with calls seen but not stored (a write failed): ferret runs (table and --json) and
 * the ferret analyze header show how many, so a short run never looks whole. No root. */
#include <cjson/cJSON.h>

#include "check.h"
#include "cmd/commands.h"
#include "store_fixture.h"

/* A run of one stored span; a second write of its id fails, and the call after that is
 * only counted: 2 unstored. */
static int write_partial_run(const char *path)
{
	struct run_info info = { .run_id = "partial", .mode = "pid", .pid = 7,
				 .start_mono_ns = 1000, .start_real_ns = RUN_REAL_NS };
	struct stored_span span = { .start_ns = 1100, .end_ns = 1300 };
	struct store *s = NULL;
	int err = -1;

	unlink(path);
	if (store__open(path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto out;
	span.function_key = store__add_function(s, store__add_module(s, "/usr/bin/prog", NULL), "f", NULL, 0);
	span.thread_key = store__add_thread(s, 7, 7, "prog");
	span.span_id = store__next_span_id(s);
	if (store__append_span(s, &span) || store__flush(s) || store__append_span(s, &span))
		goto out;
	capture_start(); /* the failed write's warning */
	store__flush(s);
	capture_end();
	span.span_id = store__next_span_id(s);
	if (store__append_span(s, &span) || store__flush(s))
		goto out;
	err = store__end_run(s, &(struct run_end){ .end_mono_ns = 5000 });
out:
	store__free(s);
	return err;
}

/* What a command prints on stdout. */
static const char *stdout_of(int (*cmd)(int, char **), const char *name, const char *opt)
{
	char *argv[] = { (char *)name, (char *)tmp_path("partial.db"), (char *)opt, NULL };

	capture_fd_start(1);
	cmd(opt ? 3 : 2, argv);
	return capture_fd_end();
}

static void test_read_back(void)
{
	struct store *s = NULL;
	struct run_row run;

	EXPECT_EQ(store__open(tmp_path("partial.db"), STORE_READ, &s), 0);
	EXPECT(s && store__find_run(s, "partial", &run) == 0 && run.spans == 1 &&
	       run.unstored_spans == 2);
	store__free(s);
}

static void test_runs_table(void)
{
	const char *out = stdout_of(cmd_runs, "runs", NULL);

	EXPECT(strstr(out, "  1 (+2 unstored)  ") != NULL);
}

static void test_runs_json(void)
{
	cJSON *j = cJSON_Parse(stdout_of(cmd_runs, "runs", "--json"));
	cJSON *run = cJSON_GetArrayItem(j, 0);

	EXPECT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(run, "spans")), 1);
	EXPECT_EQ(cJSON_GetNumberValue(cJSON_GetObjectItem(run, "unstored_spans")), 2);
	cJSON_Delete(j);
}

static void test_analyze_header(void)
{
	const char *out = stdout_of(cmd_analyze, "analyze", NULL);

	EXPECT(strstr(out, "\nWARNING: 2 calls were seen but not stored (a write failed): "
			   "the figures below miss them\n") != NULL);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	EXPECT_EQ(write_partial_run(tmp_path("partial.db")), 0);
	RUN(test_read_back);
	RUN(test_runs_table);
	RUN(test_runs_json);
	RUN(test_analyze_header);
	fixture_cleanup();
	CHECK_EXIT();
}
