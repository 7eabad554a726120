/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the store's unit tests: a temp dir, stderr captured to check error lines, and a
 * synthetic traced program whose runs are written through the store API. */
#ifndef FERRET_STORE_FIXTURE_H
#define FERRET_STORE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"

/* Helpers a test file may not use. */
#define FIXTURE static __attribute__((unused))

static char tmpdir[256];
static char captured[4096];
static FILE *capture_file;
static int saved_fd = -1, captured_fd = 2;

static inline int fixture_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-test-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* KEEP_TMP=1 keeps the databases for a look with sqlite3. */
static inline void fixture_cleanup(void)
{
	char cmd[300];

	if (getenv("KEEP_TMP")) {
		printf("    kept %s\n", tmpdir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("    could not remove %s\n", tmpdir);
}

static inline const char *tmp_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* What a test catches of stdout (a command's output) or stderr (its one-line errors). */
static inline void capture_fd_start(int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	captured_fd = fd;
	capture_file = tmpfile();
	saved_fd = dup(fd);
	dup2(fileno(capture_file), fd);
}

/* What was written since capture_fd_start (at most sizeof(captured) - 1 bytes). */
static inline const char *capture_fd_end(void)
{
	size_t n;

	fflush(captured_fd == 1 ? stdout : stderr);
	dup2(saved_fd, captured_fd);
	close(saved_fd);
	rewind(capture_file);
	n = fread(captured, 1, sizeof(captured) - 1, capture_file);
	captured[n] = '\0';
	fclose(capture_file);
	return captured;
}

/* Errors go to stderr: tests catch them to check the one-line messages. */
static inline void capture_start(void)
{
	capture_fd_start(2);
}

static inline const char *capture_end(void)
{
	return capture_fd_end();
}

static inline int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

#define RUN_START_NS 5000000000LL
#define RUN_REAL_NS 1795000000000000000LL
#define MAX_THREADS 4
#define MAX_DEPTH 12

/* ---- a synthetic traced program: threads calling functions in nested trees ---- */

struct frame {
	int64_t span_id, start_ns, function_key;
};

struct generator {
	struct store *store;
	uint64_t rng;
	int64_t now;
	int threads;
	int64_t thread_keys[MAX_THREADS];
	int64_t function_keys[64];
	int functions;
	struct frame stack[MAX_THREADS][MAX_DEPTH];
	int depth[MAX_THREADS];
	int current;
};

FIXTURE uint64_t next_random(struct generator *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

FIXTURE struct stored_span pop_span(struct generator *g, int t, int status)
{
	struct frame *f = &g->stack[t][--g->depth[t]];
	struct stored_span span = {
		.span_id = f->span_id,
		.parent_id = g->depth[t] ? g->stack[t][g->depth[t] - 1].span_id : 0,
		.thread_key = g->thread_keys[t],
		.function_key = f->function_key,
		.start_ns = f->start_ns,
		.end_ns = g->now,
		.depth = g->depth[t],
		.status = status,
	};
	return span;
}

/* Advances the program until one span finishes (span ids given at entry, spans emitted at exit,
 * like the tracer does). */
FIXTURE struct stored_span generate_span(struct generator *g)
{
	for (;;) {
		int t;

		if (next_random(g) % 64 == 0)
			g->current = (int)(next_random(g) % (uint64_t)g->threads);
		t = g->current;
		g->now += 20 + (int64_t)(next_random(g) % 300);
		if (g->depth[t] == 0 || (g->depth[t] < MAX_DEPTH && next_random(g) % 100 < 48)) {
			struct frame *f = &g->stack[t][g->depth[t]++];

			f->span_id = store__next_span_id(g->store);
			f->start_ns = g->now;
			f->function_key = g->function_keys[next_random(g) % (uint64_t)g->functions];
			continue;
		}
		return pop_span(g, t, SPAN_OK);
	}
}

FIXTURE int setup_run(struct generator *g, struct store *s, const char *run_id, int threads,
		      int functions)
{
	struct run_info info = {
		.run_id = run_id, .command = "./prog --fast", .mode = "command", .pid = 4242,
		.start_mono_ns = RUN_START_NS, .start_real_ns = RUN_REAL_NS,
	};
	int64_t module;
	char name[32];
	int i;

	memset(g, 0, sizeof(*g));
	g->store = s;
	g->rng = 0x9e3779b97f4a7c15ULL;
	g->now = RUN_START_NS + 1000;
	g->threads = threads;
	g->functions = functions;
	if (store__begin_run(s, &info))
		return -1;
	module = store__add_module(s, "/usr/bin/prog", NULL);
	if (module <= 0 || store__add_module(s, "/usr/bin/prog", NULL) != module)
		return -1;
	for (i = 0; i < functions; i++) {
		snprintf(name, sizeof(name), i % 2 ? "parse_%d" : "emit_%d", i);
		g->function_keys[i] = store__add_function(s, module, name, NULL, 0x1000 + 16 * (uint64_t)i);
		if (g->function_keys[i] <= 0)
			return -1;
	}
	for (i = 0; i < threads; i++) {
		g->thread_keys[i] = store__add_thread(s, 4242, 4242 + i, i ? "worker" : "prog");
		if (g->thread_keys[i] <= 0)
			return -1;
	}
	return 0;
}

FIXTURE int end_run(struct store *s, int64_t end_ns, bool has_exit, int exit_code)
{
	struct run_end end = { .end_mono_ns = end_ns, .lost_events = 3,
			       .has_exit_code = has_exit, .exit_code = exit_code };

	return store__end_run(s, &end);
}

FIXTURE int compare_span_order(const void *a, const void *b)
{
	const struct stored_span *x = a, *y = b;

	if (x->thread_key != y->thread_key)
		return x->thread_key < y->thread_key ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->span_id < y->span_id ? -1 : x->span_id > y->span_id;
}

/* Writes a run of n spans (plus incomplete ones left on the stacks); expected gets all of them. */
FIXTURE int write_run(struct store *s, const char *run_id, int n, struct stored_span *expected,
		      int *count)
{
	struct generator g;
	int i, t;

	*count = 0;
	if (setup_run(&g, s, run_id, 3, 20))
		return -1;
	for (i = 0; i < n; i++) {
		expected[(*count)++] = generate_span(&g);
		if (store__append_span(s, &expected[*count - 1]))
			return -1;
	}
	for (t = 0; t < g.threads; t++)
		while (g.depth[t]) {
			expected[(*count)++] = pop_span(&g, t, SPAN_INCOMPLETE);
			if (store__append_span(s, &expected[*count - 1]))
				return -1;
		}
	return end_run(s, g.now, true, 0);
}

/* The first column of the first row of sql, or -1 (the error printed). */
FIXTURE int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t value = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	else
		printf("    %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return value;
}

/* The same on a read-only connection of its own to the file at path. */
FIXTURE int64_t query_file_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int64_t value = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		value = query_int(db, sql);
	else
		printf("    %s: cannot open\n", path);
	sqlite3_close(db);
	return value;
}

/* SQL that turns a new database into one of schema 5, as a ferret before the live tables,
 * explicit spans, arguments and on-CPU figures wrote it (added, in that order, by the
 * migration). */
#define STORE_FIXTURE_MAKE_V5_SQL                                                                  \
	"DROP TABLE open_calls; DROP TABLE stalls;"                                                \
	"DROP VIEW tag_view; DROP VIEW event_view; DROP TABLE span_events;"                        \
	"ALTER TABLE functions DROP COLUMN kind;"                                                  \
	"DROP VIEW arg_view; DROP TABLE arg_specs; DROP TABLE span_args;"                          \
	"CREATE TABLE span_args(span_id INTEGER, position INTEGER, name TEXT, value);"             \
	"ALTER TABLE run_functions DROP COLUMN incomplete;"                                        \
	"ALTER TABLE run_functions DROP COLUMN sched_calls;"                                       \
	"ALTER TABLE run_functions DROP COLUMN nosched_calls;"                                     \
	"ALTER TABLE run_functions DROP COLUMN cpu_ns;"                                            \
	"ALTER TABLE run_functions DROP COLUMN blocked_ns;"                                        \
	"ALTER TABLE run_functions DROP COLUMN runq_ns;"                                           \
	"ALTER TABLE run_functions DROP COLUMN blocked_in;"                                        \
	"ALTER TABLE run_tree DROP COLUMN sched_calls;"                                            \
	"ALTER TABLE run_tree DROP COLUMN nosched_calls;"                                          \
	"ALTER TABLE run_tree DROP COLUMN cpu_ns;"                                                 \
	"ALTER TABLE run_tree DROP COLUMN blocked_ns;"                                             \
	"ALTER TABLE run_tree DROP COLUMN runq_ns;"                                                \
	"ALTER TABLE run_tree DROP COLUMN blocked_in;"                                             \
	"DROP VIEW span_view; DROP TABLE syscalls; PRAGMA legacy_alter_table = ON;"               \
	"CREATE TABLE spans5(span_id INTEGER PRIMARY KEY, thread INTEGER, function INTEGER,"      \
	" parent_id INTEGER, start_ns INTEGER, duration_ns INTEGER, depth INTEGER, status INTEGER);" \
	"INSERT INTO spans5 SELECT span_id, thread, function, parent_id, start_ns, duration_ns,"   \
	" depth, status FROM spans;"                                                               \
	"DROP TABLE spans; ALTER TABLE spans5 RENAME TO spans;"                                    \
	"CREATE VIEW span_view AS SELECT span_id FROM spans;" /* stands for schema 5's */          \
	"UPDATE meta SET value = '5' WHERE key = 'schema_version'"

#endif /* FERRET_STORE_FIXTURE_H */
