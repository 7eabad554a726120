/*
 * Two runs of known calls that ferret diff's tests compare (test_run_diff.c, test_view_diff.c),
 * written through the store API into the fixture's database, figures stored at their end.
 *
 * Run "before" (thread 10):          Run "after" (thread 11 and thread 12):
 *   main [0,1000)                      main [0,2000)                a [0,100)   (thread 12)
 *     a [10,110)  a [200,300)            a [10,110)  a [200,500)
 *     b [400,600)                        b [600,700)
 *     gone [700,750)                     new [800,850) incomplete
 */
#ifndef FERRET_DIFF_FIXTURE_H
#define FERRET_DIFF_FIXTURE_H

#include "analyze_fixture.h"

struct call {
	int thread; /* 0: before's; 1, 2: after's */
	const char *fn;
	int64_t start, end;
	int parent, status;
};

FIXTURE const struct call before[] = {
	{ 0, "main", 0, 1000, -1, 0 }, { 0, "a", 10, 110, 0, 0 }, { 0, "a", 200, 300, 0, 0 },
	{ 0, "b", 400, 600, 0, 0 },    { 0, "gone", 700, 750, 0, 0 },
};
FIXTURE const struct call after[] = {
	{ 1, "main", 0, 2000, -1, 0 }, { 1, "a", 10, 110, 0, 0 },	   { 1, "a", 200, 500, 0, 0 },
	{ 1, "b", 600, 700, 0, 0 },    { 1, "new", 800, 850, 0, SPAN_INCOMPLETE }, { 2, "a", 0, 100, -1, 0 },
};

FIXTURE int write_calls(struct store *s, const char *run_id, const struct call *c, size_t n)
{
	struct run_info info = { .run_id = run_id, .command = "./app", .mode = "command", .pid = 10,
				 .start_mono_ns = RUN_START };
	const char *names[8];
	int64_t keys[8], ids[8], threads[3] = { 0 }, module;
	int nfn = 0;
	size_t i;

	if (store__begin_run(s, &info) || (module = store__add_module(s, "/opt/app/app", NULL)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		int64_t fn = function_key(s, module, c[i].fn, names, keys, &nfn);

		if (!threads[c[i].thread])
			threads[c[i].thread] = store__add_thread(s, 10, 10 + c[i].thread, "app");
		ids[i] = store__next_span_id(s);
		if (write_span(s, ids[i], c[i].parent < 0 ? 0 : ids[c[i].parent], threads[c[i].thread], fn,
			       c[i].start, c[i].end, c[i].parent < 0 ? 0 : 1, c[i].status))
			return -1;
	}
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 3000 });
}

FIXTURE int write_runs(void)
{
	struct store *s = NULL;
	int err = -1;

	if (!store__open(db_path, STORE_WRITE, &s) && !write_calls(s, "before", before, 5) &&
	    !write_calls(s, "after", after, 6) && !analyze__store_figures(s, db_path, "before") &&
	    !analyze__store_figures(s, db_path, "after"))
		err = 0;
	store__free(s);
	return err;
}

#endif
