/* SPDX-License-Identifier: BSD-2-Clause */
/* span_rows: the spans table's rows (see span_rows.h). */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "core/log.h"
#include "span_rows.h"

/* Spans per INSERT statement: amortises the per-statement cost (cursor, reset). */
#define ROWS_PER_INSERT 32
#define SPAN_COLUMNS "span_id, thread, function, parent_id, start_ns, duration_ns, depth, status," \
	" cpu_ns, blocked_ns, runq_ns, blocked_in"
#define PARAMS_PER_SPAN 12

/* "INSERT OR IGNORE INTO spans(...) VALUES(?1,...,?12),(?13,...)...": OR IGNORE
 * because a statement that cannot abort needs no statement journal; the rows
 * it skips (duplicate span ids) are counted from sqlite3_changes() and reported. */
static int prepare_insert(struct db *db, int rows, sqlite3_stmt **stmt)
{
	size_t len = 160 + (size_t)rows * 96, used;
	char *sql = malloc(len);
	int r, p, err;

	if (!sql) {
		ferr("out of memory");
		return -1;
	}
	used = (size_t)snprintf(sql, len, "INSERT OR IGNORE INTO spans(" SPAN_COLUMNS ") VALUES");
	for (r = 0; r < rows; r++) {
		p = 1 + r * PARAMS_PER_SPAN;
		used += (size_t)snprintf(sql + used, len - used, "%s(?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d)",
					 r ? "," : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7,
					 p + 8, p + 9, p + 10, p + 11);
	}
	err = db__prepare(db, sql, stmt);
	free(sql);
	return err;
}

int span_rows__prepare(struct span_rows *sr, struct db *db)
{
	if (prepare_insert(db, 1, &sr->insert_one) || prepare_insert(db, ROWS_PER_INSERT, &sr->insert_many) ||
	    db__prepare(db, "UPDATE spans SET duration_ns = ?1, status = ?2, function = ?3, cpu_ns = ?5,"
			    " blocked_ns = ?6, runq_ns = ?7, blocked_in = ?8 WHERE span_id = ?4", &sr->update))
		return -1;
	sr->db = db;
	return 0;
}

void span_rows__free(struct span_rows *sr)
{
	sqlite3_finalize(sr->insert_one);
	sqlite3_finalize(sr->insert_many);
	sqlite3_finalize(sr->update);
	sr->insert_one = sr->insert_many = sr->update = NULL;
	sr->db = NULL;
}

/* A span's on-CPU, blocked and run-queue ns and its system call, at p..p+3: NULL when not
 * measured; blocked_in only when it slept. */
static void bind_sched(sqlite3_stmt *stmt, int p, const struct stored_span *span)
{
	if (!span->has_sched) {
		sqlite3_bind_null(stmt, p);
		sqlite3_bind_null(stmt, p + 1);
		sqlite3_bind_null(stmt, p + 2);
		sqlite3_bind_null(stmt, p + 3);
		return;
	}
	sqlite3_bind_int64(stmt, p, span->cpu_ns);
	sqlite3_bind_int64(stmt, p + 1, span->blocked_ns);
	sqlite3_bind_int64(stmt, p + 2, span->runq_ns);
	if (span->blocked_ns)
		sqlite3_bind_int(stmt, p + 3, span->blocked_in);
	else
		sqlite3_bind_null(stmt, p + 3);
}

/* Integers only, no allocation, no formatting. start_ns is stored relative to the
 * run's start (small varints); a root's parent_id is NULL. The next id after the
 * last stored one gets a NULL rowid: SQLite appends it without a b-tree search. */
static void bind_span(struct span_rows *sr, sqlite3_stmt *stmt, int p, const struct stored_span *span)
{
	if (sr->may_append && span->span_id == sr->last_stored_id + 1)
		sqlite3_bind_null(stmt, p);
	else
		sqlite3_bind_int64(stmt, p, span->span_id);
	if (span->span_id > sr->last_stored_id)
		sr->last_stored_id = span->span_id;
	sqlite3_bind_int64(stmt, p + 1, span->thread_key);
	sqlite3_bind_int64(stmt, p + 2, span->function_key);
	if (span->parent_id)
		sqlite3_bind_int64(stmt, p + 3, span->parent_id);
	else
		sqlite3_bind_null(stmt, p + 3);
	sqlite3_bind_int64(stmt, p + 4, span->start_ns - sr->run_start_ns);
	sqlite3_bind_int64(stmt, p + 5, span->end_ns - span->start_ns);
	sqlite3_bind_int(stmt, p + 6, span->depth);
	sqlite3_bind_int(stmt, p + 7, span->status);
	bind_sched(stmt, p + 8, span);
}

/* Inserts spans (ascending ids); returns how many went in (duplicate ids are
 * skipped), or -1 with why set when the batch must not be kept: an SQLite error
 * (disk full, I/O), or a row appended under another id than it was meant to get.
 * span_rows__check_append makes the latter impossible; it stays checked so that a
 * mistake there stops the run instead of shifting ids silently. */
int64_t span_rows__insert(struct span_rows *sr, const struct stored_span *spans, size_t n, char *why,
			  size_t why_len)
{
	sqlite3 *sql = sr->db->sql;
	size_t i, rows, r;
	int64_t stored = 0;
	sqlite3_stmt *stmt;
	int rc;

	for (i = 0; i < n; i += rows) {
		rows = n - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
		stmt = rows == 1 ? sr->insert_one : sr->insert_many;
		for (r = 0; r < rows; r++)
			bind_span(sr, stmt, 1 + (int)r * PARAMS_PER_SPAN, &spans[i + r]);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			snprintf(why, why_len, "%s", sqlite3_errmsg(sql));
			return -1;
		}
		stored += sqlite3_changes(sql);
		if ((size_t)sqlite3_changes(sql) == rows &&
		    sqlite3_last_insert_rowid(sql) != spans[i + rows - 1].span_id) {
			snprintf(why, why_len, "another process is writing spans into the file");
			return -1;
		}
	}
	return stored;
}

/* Whether the table's last row is ours: then the id after it is appended with a
 * NULL rowid. Checked once per transaction, which holds the file's write lock. */
int span_rows__check_append(struct span_rows *sr)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__prepare(sr->db, "SELECT coalesce(max(span_id), 0) FROM spans", &stmt))
		return -1;
	rc = sqlite3_step(stmt);
	sr->may_append = rc == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == sr->last_stored_id;
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : db__error(sr->db, "cannot read spans");
}

int span_rows__update(struct span_rows *sr, const struct stored_span *span)
{
	int rc;

	sqlite3_bind_int64(sr->update, 1, span->end_ns - span->start_ns);
	sqlite3_bind_int(sr->update, 2, span->status);
	/* An explicit span renamed (FERRET_NAME) after it went in open has another function now. */
	sqlite3_bind_int64(sr->update, 3, span->function_key);
	sqlite3_bind_int64(sr->update, 4, span->span_id);
	bind_sched(sr->update, 5, span);
	rc = sqlite3_step(sr->update);
	sqlite3_reset(sr->update);
	return rc == SQLITE_DONE ? 0 : db__error(sr->db, "cannot store a span");
}
