/*
 * The synthetic runs test_analyze*.c read, written through the store API.
 * Every figure the tests expect was computed by hand from this call set
 * (times in ns from the run's start; [start, end)):
 *
 * T1 pid 100 tid 100 "prog"          T2 pid 100 tid 101 "worker"
 *   main [0,1000)                      worker_main [0,500)
 *     a [10,110)                         a [100,300)
 *       leaf [20,50)  leaf [60,100)        leaf [150,250)
 *     a [200,260)                      T3 pid 200 tid 200 "child"
 *       leaf [210,230)                   main [50,150)
 *     rec [300,700)                    T4 pid 200 tid 201 "many"
 *       rec [310,600)                    20 roots "many", durations 5,10..100 shuffled
 *         rec [320,400)                T5 pid 200 tid 202 "odd\x01comm"
 *           leaf [330,340)               a name JSON must escape [0,7)
 *         leaf [450,500)
 *     bad [800,900) incomplete
 */
#ifndef FERRET_ANALYZE_FIXTURE_H
#define FERRET_ANALYZE_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "analyze/analyze.h"
#include "check.h"
#include "cmd/commands.h"
#include "store/store.h"

/* Helpers a test file may not use. */
#define FIXTURE static __attribute__((unused))
#define RUN_START 1000000000LL
#define WEIRD "we\"ird\\name\n\xff"
#define WEIRD_JSON "we\"ird\\name\n\xef\xbf\xbd" /* \xff is not UTF-8: U+FFFD */
#define GIVE_UP()          \
	do {                \
		EXPECT(0);  \
		return;     \
	} while (0)

struct spec {
	int thread; /* index in threads[] */
	const char *fn;
	int64_t start, end;
	int parent; /* index of the parent spec, -1 for a root */
	int status;
};

static const struct {
	int pid, tid;
	const char *comm;
} threads[] = { { 100, 100, "prog" }, { 100, 101, "worker" }, { 200, 200, "child" },
		{ 200, 201, "many" }, { 200, 202, "odd\x01comm" } };

static const struct spec base[] = {
	{ 0, "main", 0, 1000, -1, 0 },	  /* 0 */
	{ 0, "a", 10, 110, 0, 0 },	  /* 1 */
	{ 0, "leaf", 20, 50, 1, 0 },	  /* 2 */
	{ 0, "leaf", 60, 100, 1, 0 },	  /* 3 */
	{ 0, "a", 200, 260, 0, 0 },	  /* 4 */
	{ 0, "leaf", 210, 230, 4, 0 },	  /* 5 */
	{ 0, "rec", 300, 700, 0, 0 },	  /* 6 */
	{ 0, "rec", 310, 600, 6, 0 },	  /* 7 */
	{ 0, "rec", 320, 400, 7, 0 },	  /* 8 */
	{ 0, "leaf", 330, 340, 8, 0 },	  /* 9 */
	{ 0, "leaf", 450, 500, 7, 0 },	  /* 10 */
	{ 0, "bad", 800, 900, 0, 1 },	  /* 11 */
	{ 1, "worker_main", 0, 500, -1, 0 }, /* 12 */
	{ 1, "a", 100, 300, 12, 0 },	  /* 13 */
	{ 1, "leaf", 150, 250, 13, 0 },	  /* 14 */
	{ 2, "main", 50, 150, -1, 0 },	  /* 15 */
	{ 4, WEIRD, 0, 7, -1, 0 },	  /* 16 */
};

static char tmpdir[64], db_path[128];

FIXTURE int64_t function_key(struct store *s, int64_t module, const char *name, const char **names,
			    int64_t *keys, int *n)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return keys[i];
	names[*n] = name;
	keys[*n] = store__add_function(s, module, name, NULL, 0x1000 + 16 * *n);
	return keys[(*n)++];
}

FIXTURE int write_span(struct store *s, int64_t id, int64_t parent, int64_t thread, int64_t fn,
		      int64_t start, int64_t end, int depth, int status)
{
	struct stored_span r = { .span_id = id, .parent_id = parent, .thread_key = thread,
			      .function_key = fn, .start_ns = RUN_START + start,
			      .end_ns = RUN_START + end, .depth = depth, .status = status };

	return store__append_span(s, &r);
}

/* Run "dense": durations that share histogram buckets, where exact percentiles
 * need the kept durations: "dense" 1000..1049 ns in a shuffled order, "twin" 40
 * times 777 ns. */
FIXTURE int write_dense(struct store *s, int64_t module, struct run_info *info)
{
	int64_t thread, dense, twin;
	int i;

	info->run_id = "dense";
	if (store__begin_run(s, info))
		return -1;
	thread = store__add_thread(s, 300, 300, "dense");
	dense = store__add_function(s, module, "dense", NULL, 0x2000);
	twin = store__add_function(s, module, "twin", NULL, 0x2010);
	for (i = 0; i < 50; i++)
		if (write_span(s, store__next_span_id(s), 0, thread, dense, 2000 * i,
			       2000 * i + 1000 + (13 * i) % 50, 0, 0))
			return -1;
	for (i = 0; i < 40; i++)
		if (write_span(s, store__next_span_id(s), 0, thread, twin, 200000 + 1000 * i,
			       200000 + 1000 * i + 777, 0, 0))
			return -1;
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 300000 });
}

/* Run "random": 3 functions, 3000 durations spread over many magnitudes. */
#define RANDOM_SPANS 3000
static __attribute__((unused)) int64_t random_durations[3][RANDOM_SPANS / 3];

FIXTURE int write_random(struct store *s, int64_t module, struct run_info *info)
{
	uint64_t rng = 7;
	int64_t thread, fns[3], start = 0, d;
	int i;

	info->run_id = "random";
	if (store__begin_run(s, info))
		return -1;
	thread = store__add_thread(s, 400, 400, "random");
	for (i = 0; i < 3; i++)
		fns[i] = store__add_function(s, module, i == 0 ? "r0" : i == 1 ? "r1" : "r2", NULL, 0x3000 + i);
	for (i = 0; i < RANDOM_SPANS; i++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		d = (int64_t)((rng >> 20) % (1ULL << ((rng >> 10) % 34))); /* 0 ns .. 17 s */
		random_durations[i % 3][i / 3] = d;
		if (write_span(s, store__next_span_id(s), 0, thread, fns[i % 3], start, start + d, 0, 0))
			return -1;
		start += d + 1;
	}
	return store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + start });
}

/* The run above, named "synthetic", then "dense", "random", then an empty run named "empty". */
FIXTURE int write_db(void)
{
	struct run_info info = { .run_id = "synthetic", .command = "./prog --x", .mode = "command",
				 .pid = 100, .start_mono_ns = RUN_START, .start_real_ns = 5 };
	const char *names[16];
	int64_t keys[16], tkeys[5], ids[32], depth[32], module, fn;
	struct store *s = NULL;
	int n = 0, i, k, err = -1;

	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	for (i = 0; i < 5; i++)
		tkeys[i] = store__add_thread(s, threads[i].pid, threads[i].tid, threads[i].comm);
	for (i = 0; i < (int)(sizeof(base) / sizeof(base[0])); i++) {
		const struct spec *sp = &base[i];

		ids[i] = store__next_span_id(s);
		depth[i] = sp->parent < 0 ? 0 : depth[sp->parent] + 1;
		fn = function_key(s, module, sp->fn, names, keys, &n);
		if (write_span(s, ids[i], sp->parent < 0 ? 0 : ids[sp->parent], tkeys[sp->thread], fn,
			       sp->start, sp->end, (int)depth[i], sp->status))
			goto cleanup;
	}
	fn = function_key(s, module, "many", names, keys, &n);
	for (i = 0; i < 20; i++) {
		k = (7 * i) % 20 + 1; /* every k in 1..20 once, out of order */
		if (write_span(s, store__next_span_id(s), 0, tkeys[3], fn, 1000 * i, 1000 * i + 5 * k, 0, 0))
			goto cleanup;
	}
	if (store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 20000, .lost_events = 12 }))
		goto cleanup;
	if (write_dense(s, module, &info) || write_random(s, module, &info))
		goto cleanup;
	info.run_id = "empty";
	if (store__begin_run(s, &info) || store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

/* Run "recerr", for --status (test_analyze_status.c, test_analyze_tree.c): rec [0,100) ok
 * calls rec [10,90) error, which calls rec [20,50) error; then leaf [100,110) error, a root.
 * Written on request, after the others: it is the latest run then. */
FIXTURE int write_recerr(void)
{
	struct run_info info = { .run_id = "recerr", .command = "./rec", .mode = "command",
				 .pid = 400, .start_mono_ns = RUN_START, .start_real_ns = 5 };
	struct store *s = NULL;
	int64_t module, thread, rec, leaf, id[4];
	int err = -1, i;

	if (store__open(db_path, STORE_WRITE, &s) || store__begin_run(s, &info))
		goto cleanup;
	module = store__add_module(s, "/opt/app/prog", NULL);
	thread = store__add_thread(s, 400, 400, "rec");
	rec = store__add_function(s, module, "rec", NULL, 0x1000);
	leaf = store__add_function(s, module, "leaf", NULL, 0x1010);
	for (i = 0; i < 4; i++)
		id[i] = store__next_span_id(s);
	if (write_span(s, id[0], 0, thread, rec, 0, 100, 0, SPAN_OK) ||
	    write_span(s, id[1], id[0], thread, rec, 10, 90, 1, SPAN_ERROR) ||
	    write_span(s, id[2], id[1], thread, rec, 20, 50, 2, SPAN_ERROR) ||
	    write_span(s, id[3], 0, thread, leaf, 100, 110, 0, SPAN_ERROR) ||
	    store__end_run(s, &(struct run_end){ .end_mono_ns = RUN_START + 200 }))
		goto cleanup;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

static const char *view_run = "synthetic";

/* Runs a view on view_run and returns what it printed (malloc'd). */
FIXTURE char *run_view(struct analyze_opts *o, bool utf8, int *ret)
{
	struct out_style st = { .utf8 = utf8 };
	struct run_query *ss = NULL;
	struct store *s = NULL;
	struct run_row run;
	char *buf = NULL;
	size_t len = 0;

	o->db_path = db_path;
	if (o->limit == 0 && !o->json && !o->tree)
		o->limit = 0;
	st.out = open_memstream(&buf, &len);
	*ret = -1;
	if (!st.out || store__open(db_path, STORE_READ, &s) || store__find_run(s, view_run, &run) ||
	    run_query__open(db_path, &ss))
		goto cleanup;
	*ret = o->tree ? analyze__tree(ss, &run, o, &st) : analyze__table(ss, &run, o, &st);
cleanup:
	if (st.out)
		fclose(st.out);
	run_query__free(ss);
	store__free(s);
	return buf;
}

FIXTURE struct analyze_opts defaults(void)
{
	return (struct analyze_opts){ .sort_col = COL_TOTAL, .limit = -1 };
}

FIXTURE cJSON *json_view(struct analyze_opts *o)
{
	int ret;
	char *text;
	cJSON *j;

	o->json = true;
	text = run_view(o, true, &ret);
	j = ret == 0 && text ? cJSON_Parse(text) : NULL;
	if (!j)
		printf("    unparsable JSON (ret %d): %.300s\n", ret, text ? text : "(null)");
	free(text);
	return j;
}

FIXTURE double num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

FIXTURE const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

FIXTURE const cJSON *row_named(const cJSON *table, const char *name)
{
	const cJSON *row;

	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(table, "functions"))
		if (!strcmp(str(row, "function"), name))
			return row;
	return NULL;
}

/* calls total self min avg p50 p95 p99 max errors */
FIXTURE void expect_row(const cJSON *table, const char *name, const int64_t want[10])
{
	static const char *const keys[10] = { "calls", "total_ns", "self_ns", "min_ns", "avg_ns",
					      "p50_ns", "p95_ns", "p99_ns", "max_ns", "errors" };
	const cJSON *row = row_named(table, name);
	int i;

	EXPECT(row != NULL);
	for (i = 0; row && i < 10; i++) {
		if ((int64_t)num(row, keys[i]) != want[i]) {
			printf("    %s.%s\n", name, keys[i]);
			EXPECT_EQ(num(row, keys[i]), want[i]);
		}
	}
	if (row && strcmp(view_run, "dense"))
		EXPECT_STR(str(row, "module"), "prog");
}


/* cmd_analyze with stdout and stderr caught in files. */
FIXTURE int run_cmd(char **out, char **err, ...)
{
	char *argv[16], path[2][160];
	FILE *files[2];
	int saved[2], fds[2] = { 1, 2 }, argc = 0, ret, i;
	va_list ap;

	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/out%d", tmpdir, i);
		files[i] = fopen(path[i], "w+");
		saved[i] = dup(fds[i]);
		dup2(fileno(files[i]), fds[i]);
	}
	ret = cmd_analyze(argc, argv);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		long len;
		char **dst = i ? err : out;

		dup2(saved[i], fds[i]);
		close(saved[i]);
		fseek(files[i], 0, SEEK_END);
		len = ftell(files[i]);
		rewind(files[i]);
		*dst = calloc(1, (size_t)len + 1);
		if (*dst && fread(*dst, 1, (size_t)len, files[i]) != (size_t)len)
			**dst = 0;
		fclose(files[i]);
	}
	return ret;
}

FIXTURE int lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* exit status, a piece of the one-line error (NULL: no error expected) */
FIXTURE void expect_cmd(int want, const char *err_part, char *a1, char *a2, char *a3, char *a4)
{
	char *out = NULL, *err = NULL;
	int ret = run_cmd(&out, &err, "analyze", a1, a2, a3, a4, NULL);

	EXPECT_EQ(ret, want);
	if (err_part) {
		EXPECT_EQ(lines(err), 1);
		EXPECT(err && strstr(err, err_part));
		if (err && !strstr(err, err_part))
			printf("    stderr: %s", err);
	} else {
		EXPECT_STR(err, "");
	}
	free(out);
	free(err);
}

/* A temporary directory holding the fixture DB; 0 or -1. */
FIXTURE int fixture_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-test-analyze.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(db_path, sizeof(db_path), "%s/test.db", tmpdir);
	setenv("NO_COLOR", "1", 1);
	if (write_db()) {
		printf("FAIL: write_db\n");
		return -1;
	}
	return 0;
}

/* Removes it when every test passed (kept for a look otherwise). */
FIXTURE void fixture_teardown(void)
{
	char cmd[160];

	if (check__failures)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("(could not remove %s)\n", tmpdir);
}

#endif /* FERRET_ANALYZE_FIXTURE_H */
