/* SPDX-License-Identifier: BSD-2-Clause */
/* store: reading runs and spans back (ferret analyze, export, runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_internal.h"

#define RUN_SELECT                                                                        \
	"SELECT r.id, r.run_id, r.command, r.mode, r.pid, r.start_ns, r.end_ns,"           \
	" r.start_real_ns, r.lost_events, r.exit_code, r.host, r.kernel, r.version,"       \
	" (SELECT count(*) FROM threads WHERE run = r.id),"                                \
	" (SELECT count(*) FROM functions WHERE run = r.id)"                               \
	" FROM runs r "

/* At most this many run ids are listed when a run id is unknown. */
#define RUNS_LISTED 10

struct span_iter {
	struct store *store;
	sqlite3_stmt *stmt;
	int64_t run_start_ns;
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
}

/* The run key is written into the SQL: only then can the planner count the run's
 * partial index (spans_run_N, built by store__end_run) instead of the whole table. */
static int count_spans(struct store *s, struct run_row *row)
{
	sqlite3_stmt *stmt = NULL;
	char sql[96];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM spans WHERE run = %lld",
		 (long long)row->run_key);
	if (store_prepare(s, sql, &stmt))
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row->spans = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : store_sql_error(s, "cannot count spans");
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
		return count_spans(s, out);
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
		ret = count_spans(s, row);
		if (!ret)
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

/* Only the filters in use go into the SQL, and the run key is written in, so the
 * planner walks the run's partial index (thread, start_ns[, rowid]) in order, seeking
 * straight to the wanted threads. Ties on start_ns go by span_id, allocated at entry:
 * a parent before its children even when they start in the same nanosecond. */
static void build_span_query(int64_t run_key, const struct span_filter *f, char *sql, size_t len)
{
	const long long run = (long long)run_key;
	size_t used;

	used = (size_t)snprintf(sql, len,
				"SELECT s.span_id, s.parent_id, s.thread, s.function, t.pid, t.tid,"
				" t.comm, f.name, m.path, s.start_ns, s.duration_ns, s.depth, s.status"
				" FROM spans s JOIN threads t ON t.id = s.thread"
				" JOIN functions f ON f.id = s.function"
				" LEFT JOIN modules m ON m.id = f.module WHERE s.run = %lld",
				run);
	if (f && (f->pid || f->tid))
		used += (size_t)snprintf(sql + used, len - used,
					 " AND s.thread IN (SELECT id FROM threads WHERE run = %lld%s%s)",
					 run, f->pid ? " AND pid = ?2" : "", f->tid ? " AND tid = ?3" : "");
	if (f && f->function_glob)
		used += (size_t)snprintf(sql + used, len - used, " AND f.name GLOB ?4");
	if (f && f->min_duration_ns)
		used += (size_t)snprintf(sql + used, len - used, " AND s.duration_ns >= ?5");
	/* Span ids are handed out at entry: within a thread, id order is start order. */
	snprintf(sql + used, len - used, " ORDER BY s.thread, s.span_id");
}

struct span_iter *store__spans(struct store *s, int64_t run_key, const struct span_filter *filter)
{
	struct span_iter *it;
	char sql[1024];

	it = calloc(1, sizeof(*it));
	if (!it) {
		ferr("out of memory");
		return NULL;
	}
	it->store = s;
	build_span_query(run_key, filter, sql, sizeof(sql));
	if (read_run_start(s, run_key, &it->run_start_ns) || store_prepare(s, sql, &it->stmt)) {
		span_iter__free(it);
		return NULL;
	}
	if (filter && filter->pid)
		sqlite3_bind_int(it->stmt, 2, filter->pid);
	if (filter && filter->tid)
		sqlite3_bind_int(it->stmt, 3, filter->tid);
	if (filter && filter->function_glob)
		sqlite3_bind_text(it->stmt, 4, filter->function_glob, -1, SQLITE_TRANSIENT);
	if (filter && filter->min_duration_ns)
		sqlite3_bind_int64(it->stmt, 5, filter->min_duration_ns);
	return it;
}

static const char *column_text(sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	return text ? text : "";
}

int span_iter__next(struct span_iter *it, struct span_row *row)
{
	sqlite3_stmt *stmt = it->stmt;
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_sql_error(it->store, "cannot read spans");
	row->span_id = sqlite3_column_int64(stmt, 0);
	row->parent_id = sqlite3_column_int64(stmt, 1); /* NULL (a root) reads as 0 */
	row->thread_key = sqlite3_column_int64(stmt, 2);
	row->function_key = sqlite3_column_int64(stmt, 3);
	row->pid = sqlite3_column_int(stmt, 4);
	row->tid = sqlite3_column_int(stmt, 5);
	row->comm = column_text(stmt, 6);
	row->function = column_text(stmt, 7);
	row->module = column_text(stmt, 8);
	row->start_ns = it->run_start_ns + sqlite3_column_int64(stmt, 9);
	row->end_ns = row->start_ns + sqlite3_column_int64(stmt, 10);
	row->depth = sqlite3_column_int(stmt, 11);
	row->status = sqlite3_column_int(stmt, 12);
	return 1;
}

void span_iter__free(struct span_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->stmt);
	free(it);
}
