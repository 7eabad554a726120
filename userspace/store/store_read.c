/* SPDX-License-Identifier: BSD-2-Clause */
/* store: reading runs and spans back (ferret analyze, export, runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store_internal.h"
#include "store_scan.h"
#include "core/util.h"

#define RUN_SELECT                                                                        \
	"SELECT r.id, r.run_id, r.command, r.mode, r.pid, r.start_ns, r.end_ns,"           \
	" r.start_real_ns, r.lost_events, r.exit_code, r.host, r.kernel, r.version,"       \
	" (SELECT count(*) FROM threads WHERE run = r.id),"                                \
	" (SELECT count(*) FROM functions WHERE run = r.id), " STORE_RUN_SPANS_SQL         \
	" FROM runs r "

/* At most this many run ids are listed when a run id is unknown. */
#define RUNS_LISTED 10

/* A function's name and module, read once per run (spans carry only the key). */
struct function_name {
	int64_t key; /* first: searched by it (compare_int64_keys) */
	char *name;
	char *module;
};

struct span_iter {
	struct store *store;
	struct span_scan *scan;
	int64_t run_start_ns;
	struct function_name *functions; /* ascending keys */
	size_t n_functions;
};

void copy_column_text(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	snprintf(buf, len, "%s", text ? text : "");
}

static void fill_run_row(sqlite3_stmt *stmt, struct run_row *row)
{
	memset(row, 0, sizeof(*row));
	row->run_key = sqlite3_column_int64(stmt, 0);
	copy_column_text(stmt, 1, row->run_id, sizeof(row->run_id));
	copy_column_text(stmt, 2, row->command, sizeof(row->command));
	copy_column_text(stmt, 3, row->mode, sizeof(row->mode));
	row->pid = sqlite3_column_int(stmt, 4);
	row->start_mono_ns = sqlite3_column_int64(stmt, 5);
	row->end_mono_ns = sqlite3_column_int64(stmt, 6);
	row->start_real_ns = sqlite3_column_int64(stmt, 7);
	row->lost_events = sqlite3_column_int64(stmt, 8);
	row->has_exit_code = sqlite3_column_type(stmt, 9) != SQLITE_NULL;
	row->exit_code = sqlite3_column_int(stmt, 9);
	copy_column_text(stmt, 10, row->host, sizeof(row->host));
	copy_column_text(stmt, 11, row->kernel, sizeof(row->kernel));
	copy_column_text(stmt, 12, row->version, sizeof(row->version));
	row->threads = sqlite3_column_int64(stmt, 13);
	row->functions = sqlite3_column_int64(stmt, 14);
	row->spans = sqlite3_column_int64(stmt, 15);
}

/* Prints the one-line "no run" error, naming the newest runs the file does hold. */
static int report_unknown_run(struct store *s, const char *run_id)
{
	char list[RUNS_LISTED * 130 + 16] = "";
	sqlite3_stmt *stmt = NULL;
	size_t used = 0;
	int rc, n = 0;

	if (store_prepare(s, "SELECT run_id FROM runs ORDER BY id DESC LIMIT ?", &stmt))
		return -1;
	sqlite3_bind_int(stmt, 1, RUNS_LISTED + 1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && used < sizeof(list)) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);

		used += snprintf(list + used, sizeof(list) - used, "%s%s", n ? ", " : "",
				 n == RUNS_LISTED ? "..." : id ? id : "");
		n++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sql_error(s, "cannot read runs");
	if (!run_id)
		ferr("%s holds no runs", s->path);
	else if (!n)
		ferr("no run '%s' in %s (it holds no runs)", run_id, s->path);
	else
		ferr("no run '%s' in %s (runs: %s)", run_id, s->path, list);
	return -1;
}

int store__find_run(struct store *s, const char *run_id, struct run_row *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, run_id ? RUN_SELECT "WHERE r.run_id = ?" : RUN_SELECT "ORDER BY r.id DESC LIMIT 1",
			  &stmt))
		return -1;
	if (run_id)
		sqlite3_bind_text(stmt, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		fill_run_row(stmt, out);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sql_error(s, "cannot read runs");
	return report_unknown_run(s, run_id);
}

int store__list_runs(struct store *s, int (*cb)(const struct run_row *run, void *ctx), void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	struct run_row *row;
	int rc, ret = 0;

	row = malloc(sizeof(*row));
	if (!row) {
		ferr("out of memory");
		return -1;
	}
	if (store_prepare(s, RUN_SELECT "ORDER BY r.id", &stmt)) {
		free(row);
		return -1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		fill_run_row(stmt, row);
		ret = cb(row, ctx);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_sql_error(s, "cannot read runs");
	sqlite3_finalize(stmt);
	free(row);
	return ret;
}

static int read_run_start(struct store *s, int64_t run_key, int64_t *start_ns)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, "SELECT start_ns FROM runs WHERE id = ?", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*start_ns = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sql_error(s, "cannot read runs");
	ferr("%s: no run with key %lld", s->path, (long long)run_key);
	return -1;
}

static int add_function_name(struct span_iter *it, sqlite3_stmt *stmt, size_t *cap)
{
	struct function_name *f;
	const char *name = (const char *)sqlite3_column_text(stmt, 1);
	const char *module = (const char *)sqlite3_column_text(stmt, 2);

	if (grow_array((void **)&it->functions, cap, it->n_functions + 1, sizeof(*it->functions)))
		return -1;
	f = &it->functions[it->n_functions];
	f->key = sqlite3_column_int64(stmt, 0);
	f->name = strdup(name ? name : "");
	f->module = strdup(module ? module : "");
	it->n_functions++;
	return f->name && f->module ? 0 : -1;
}

static int load_function_names(struct span_iter *it, int64_t run_key)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc;

	if (store_prepare(it->store, "SELECT f.id, f.name, m.path FROM functions f"
				     " LEFT JOIN modules m ON m.id = f.module WHERE f.run = ? ORDER BY f.id",
			  &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (add_function_name(it, stmt, &cap)) {
			sqlite3_finalize(stmt);
			ferr("out of memory");
			return -1;
		}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(it->store, "cannot read functions");
}

static const struct function_name *function_name(const struct span_iter *it, int64_t key)
{
	if (!it->n_functions)
		return NULL;
	return bsearch(&key, it->functions, it->n_functions, sizeof(*it->functions), compare_int64_keys);
}

/* Only the filters in use go into the SQL. The function filter becomes a set of
 * keys SQLite computes once; names are joined in memory, not per row. */
static struct span_scan *scan_spans(struct store *s, int64_t run_key, const struct span_filter *f)
{
	char where[256] = "";
	struct span_scan_spec spec = {
		.columns = "s.span_id, s.parent_id, s.thread, s.function, s.start_ns,"
			   " s.duration_ns, s.depth, s.status",
		.where = where,
		.pid = f ? f->pid : 0,
		.tid = f ? f->tid : 0,
	};
	struct span_scan *sc;
	size_t used = 0;

	if (f && f->function_glob)
		used += (size_t)snprintf(where + used, sizeof(where) - used,
					 " AND s.function IN (SELECT id FROM functions WHERE run = %lld"
					 " AND name GLOB ?4)", (long long)run_key);
	if (f && f->min_duration_ns)
		snprintf(where + used, sizeof(where) - used, " AND s.duration_ns >= ?5");
	sc = span_scan__open(s->db, s->path, run_key, &spec);
	if (sc && f && f->function_glob)
		sqlite3_bind_text(span_scan__stmt(sc), 4, f->function_glob, -1, SQLITE_TRANSIENT);
	if (sc && f && f->min_duration_ns)
		sqlite3_bind_int64(span_scan__stmt(sc), 5, f->min_duration_ns);
	return sc;
}

struct span_iter *store__spans(struct store *s, int64_t run_key, const struct span_filter *filter)
{
	struct span_iter *it;

	it = calloc(1, sizeof(*it));
	if (!it) {
		ferr("out of memory");
		return NULL;
	}
	it->store = s;
	if (read_run_start(s, run_key, &it->run_start_ns) || load_function_names(it, run_key) ||
	    !(it->scan = scan_spans(s, run_key, filter))) {
		span_iter__free(it);
		return NULL;
	}
	return it;
}

int span_iter__next(struct span_iter *it, struct span_row *row)
{
	sqlite3_stmt *stmt = span_scan__stmt(it->scan);
	const struct function_name *fn;
	const struct scan_thread *t;
	int rc = span_scan__step(it->scan);

	if (rc <= 0)
		return rc;
	row->span_id = sqlite3_column_int64(stmt, 0);
	row->parent_id = sqlite3_column_int64(stmt, 1); /* NULL (a root) reads as 0 */
	row->thread_key = sqlite3_column_int64(stmt, 2);
	row->function_key = sqlite3_column_int64(stmt, 3);
	row->start_ns = it->run_start_ns + sqlite3_column_int64(stmt, 4);
	row->end_ns = row->start_ns + sqlite3_column_int64(stmt, 5);
	row->depth = sqlite3_column_int(stmt, 6);
	row->status = sqlite3_column_int(stmt, 7);
	t = span_scan__thread(it->scan, row->thread_key);
	row->pid = t ? t->pid : 0;
	row->tid = t ? t->tid : 0;
	row->comm = t ? t->comm : "";
	fn = function_name(it, row->function_key);
	row->function = fn ? fn->name : "?";
	row->module = fn ? fn->module : "";
	return 1;
}

void span_iter__free(struct span_iter *it)
{
	size_t i;

	if (!it)
		return;
	span_scan__free(it->scan);
	for (i = 0; i < it->n_functions; i++) {
		free(it->functions[i].name);
		free(it->functions[i].module);
	}
	free(it->functions);
	free(it);
}
