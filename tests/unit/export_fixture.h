/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The small run test_export*.c export, written through the store API into a temp DB;
 * every output the tests expect was worked out by hand from it.
 *
 * The run (R = the run's start; times below are ns after R):
 *   demo 100/100:   main [10,110] > f [20,50] > g [30,50]   g ends with f
 *                   main > h [50,60]                        opens as f, g close
 *                   main > z [60,60]                        zero-length, as h closes
 *                   main > k [110,110]                      zero-length, at main's end
 *   worker 100/101: w [5,80] incomplete > d [10,20]         an incomplete caller
 *                   w > c [70,90]                           c clamped to 80
 *   child 200/200:  main [200,300] > WEIRD [210,220]        a name that needs escaping
 */
#ifndef FERRET_EXPORT_FIXTURE_H
#define FERRET_EXPORT_FIXTURE_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "export/export.h"
#include "store/store.h"

#define R 1000000000LL		       /* the run's CLOCK_MONOTONIC start */
#define REAL 1700000000000000000LL     /* CLOCK_REALTIME at R */
#define FFFD "\xef\xbf\xbd"
/* A quote, a backslash, control characters, invalid UTF-8 (a stray 0xff, a lead byte
 * cut short, an encoded surrogate, a truncated sequence at the end), ';' and a valid é. */
#define WEIRD "we\"ird\\na\x01me\n\xff\xc3(\xc3\xa9;x\xed\xa0\x80\xe2\x82"
#define WEIRD_JSON "we\\\"ird\\\\na\\u0001me\\u000a" FFFD FFFD "(\xc3\xa9;x" FFFD FFFD FFFD FFFD
#define WEIRD_FOLDED "we\"ird\\name" FFFD FFFD "(\xc3\xa9x" FFFD FFFD FFFD FFFD

static char tmpdir[256];
static char db_path[300];

static int64_t add_span(struct store *s, int64_t parent, int64_t thread, int64_t fn,
			int64_t start, int64_t end, int depth, int status)
{
	struct stored_span rec = {
		.span_id = store__next_span_id(s),
		.parent_id = parent,
		.thread_key = thread,
		.function_key = fn,
		.start_ns = R + start,
		.end_ns = R + end,
		.depth = depth,
		.status = status,
	};

	if (store__append_span(s, &rec))
		return -1;
	return rec.span_id;
}

static int make_db(void)
{
	struct run_info info = { .run_id = "test-run", .command = "demo --x", .mode = "command",
				 .pid = 100, .start_mono_ns = R, .start_real_ns = REAL };
	struct run_end end = { .end_mono_ns = R + 400 };
	const char *names[] = { "main", "f", "g", "h", "z", "k", "w", "d", "c", WEIRD };
	int64_t fn[10], t1, t2, t3, mod, main1, f, w, main3;
	struct store *s;
	size_t i;

	snprintf(db_path, sizeof(db_path), "%s/test.db", tmpdir);
	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		return -1;
	mod = store__add_module(s, "/opt/demo/bin/demo", NULL);
	for (i = 0; i < 10; i++)
		fn[i] = store__add_function(s, mod, names[i], NULL, 0x1000 + i * 16);
	t1 = store__add_thread(s, 100, 100, "demo");
	t2 = store__add_thread(s, 100, 101, "worker");
	t3 = store__add_thread(s, 200, 200, "child");
	main1 = add_span(s, 0, t1, fn[0], 10, 110, 0, SPAN_OK);
	f = add_span(s, main1, t1, fn[1], 20, 50, 1, SPAN_OK);
	add_span(s, f, t1, fn[2], 30, 50, 2, SPAN_OK);
	add_span(s, main1, t1, fn[3], 50, 60, 1, SPAN_OK);
	add_span(s, main1, t1, fn[4], 60, 60, 1, SPAN_OK);
	add_span(s, main1, t1, fn[5], 110, 110, 1, SPAN_OK);
	w = add_span(s, 0, t2, fn[6], 5, 80, 0, SPAN_INCOMPLETE);
	add_span(s, w, t2, fn[7], 10, 20, 1, SPAN_OK);
	add_span(s, w, t2, fn[8], 70, 90, 1, SPAN_OK);
	main3 = add_span(s, 0, t3, fn[0], 200, 300, 0, SPAN_OK);
	add_span(s, main3, t3, fn[9], 210, 220, 1, SPAN_OK);
	if (store__end_run(s, &end))
		return -1;
	store__free(s);
	return 0;
}

/* Exports the test run with ex into a string (malloc'ed; "" on failure, *err set). */
static char *export_string(const struct exporter *ex, const struct span_filter *filter, int *err)
{
	struct store *s = NULL;
	struct run_row run;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	*err = store__open(db_path, STORE_READ, &s);
	if (!*err)
		*err = store__find_run(s, NULL, &run);
	if (!*err) {
		struct export_target to = { out, "memory" };

		*err = export__run(ex, s, &run, filter, &to, NULL);
	}
	fclose(out);
	store__free(s);
	return text;
}


static void remove_tree(const char *dir)
{
	char path[600];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Makes the temp folder (named after the test) and the run in it; 0 or -1. */
static int export_fixture__setup(const char *test_name)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-%s.XXXXXX", test_name);
	if (!mkdtemp(tmpdir) || make_db()) {
		printf("FAIL: %s setup (cannot write %s)\n", test_name, tmpdir);
		return -1;
	}
	return 0;
}

#endif
