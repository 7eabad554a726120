/* SPDX-License-Identifier: BSD-2-Clause */
/* live_calls: open calls and stalls of a run being traced, and their readers (see live_calls.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "live_calls.h"
#include "schema.h"

/* A live write is not begun without room for its pages (WAL: a whole page per page touched)
 * plus what the run's end needs (span_writer.c's ROOM_FOR_END): a disk filling up keeps it. */
#define LIVE_WRITE_PAGES 4
#define LIVE_ROOM_FOR_END (1LL << 20)

/* Whether the file has the table (schema 6; a file of schema 5 has none). */
static bool has_table(struct db *db, const char *name)
{
	sqlite3_stmt *stmt;
	bool found = false;

	if (sqlite3_prepare_v2(db->sql, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
			       &stmt, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return found;
}

static int insert_open_calls(struct db *db, int64_t run_key, int64_t run_start_ns, int64_t seen_ns,
			     const struct open_call_row *rows, size_t n)
{
	sqlite3_stmt *stmt;
	size_t i;

	if (db__prepare(db, "DELETE FROM open_calls WHERE run = ?", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	if (db__run(db, stmt, "cannot publish the open calls"))
		return -1;
	if (!n)
		return 0;
	if (db__prepare(db, "INSERT INTO open_calls(run, span_id, parent_id, thread, function, depth, start_ns,"
			" thread_last_ns, seen_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt))
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(stmt, 1, run_key);
		sqlite3_bind_int64(stmt, 2, rows[i].span_id);
		if (rows[i].parent_id)
			sqlite3_bind_int64(stmt, 3, rows[i].parent_id);
		else
			sqlite3_bind_null(stmt, 3);
		sqlite3_bind_int64(stmt, 4, rows[i].thread_key);
		sqlite3_bind_int64(stmt, 5, rows[i].function_key);
		sqlite3_bind_int(stmt, 6, rows[i].depth);
		sqlite3_bind_int64(stmt, 7, rows[i].start_ns - run_start_ns);
		sqlite3_bind_int64(stmt, 8, rows[i].thread_last_ns - run_start_ns);
		sqlite3_bind_int64(stmt, 9, seen_ns - run_start_ns);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			sqlite3_finalize(stmt);
			return db__error(db, "cannot publish the open calls");
		}
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* Room for a write of bytes, with what the run's end needs kept free (as span_writer keeps it). */
static bool no_room(struct db *db, int64_t bytes)
{
	char why[160];

	return db__check_room(db, bytes + LIVE_WRITE_PAGES * 65536, LIVE_ROOM_FOR_END, why, sizeof(why)) != 0;
}

int live_calls__publish(struct db *db, int64_t run_key, int64_t run_start_ns, int64_t seen_ns,
			const struct open_call_row *rows, size_t n)
{
	if (no_room(db, (int64_t)n * 64))
		return 1;
	if (db__begin(db) || insert_open_calls(db, run_key, run_start_ns, seen_ns, rows, n) || db__commit(db)) {
		db__rollback(db);
		return -1;
	}
	return 0;
}

int live_calls__add_stall(struct db *db, int64_t run_key, int64_t run_start_ns, const struct stall_row *s)
{
	sqlite3_stmt *stmt;

	if (no_room(db, 1024))
		return 1;
	if (db__begin(db) || db__prepare(db, "INSERT INTO stalls(run, span_id, thread, function, start_ns,"
					 " reported_ns, chain) VALUES (?, ?, ?, ?, ?, ?, ?)", &stmt)) {
		db__rollback(db);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, run_key);
	sqlite3_bind_int64(stmt, 2, s->span_id);
	sqlite3_bind_int64(stmt, 3, s->thread_key);
	sqlite3_bind_int64(stmt, 4, s->function_key);
	sqlite3_bind_int64(stmt, 5, s->start_ns - run_start_ns);
	sqlite3_bind_int64(stmt, 6, s->reported_ns - run_start_ns);
	sqlite3_bind_text(stmt, 7, s->chain, -1, SQLITE_TRANSIENT);
	if (db__run(db, stmt, "cannot record a stall") || db__commit(db)) {
		db__rollback(db);
		return -1;
	}
	return 0;
}

/* ---- readers ---- */

struct live_reader {
	struct db *db;
	bool live_tables; /* schema 6: open_calls and stalls */
	sqlite3_stmt *after, *one;
};

int live_reader__open(const char *path, struct live_reader **out)
{
	struct live_reader *lr = calloc(1, sizeof(*lr));

	*out = NULL;
	if (!lr) {
		ferr("out of memory");
		return -ENOMEM;
	}
	if (db__open(path, STORE_READ, &lr->db) || schema__set_up(lr->db) || db__ready(lr->db) ||
	    db__prepare(lr->db, "SELECT s.span_id, s.function, s.thread, s.start_ns, s.duration_ns, s.status"
			" FROM spans s WHERE s.span_id > ?2 AND s.thread IN (SELECT id FROM threads WHERE run = ?1)"
			" ORDER BY s.span_id", &lr->after) ||
	    db__prepare(lr->db, "SELECT span_id, function, thread, start_ns, duration_ns, status FROM spans"
			" WHERE span_id = ?", &lr->one)) {
		live_reader__free(lr);
		return -EIO;
	}
	lr->live_tables = has_table(lr->db, "open_calls");
	*out = lr;
	return 0;
}

void live_reader__free(struct live_reader *lr)
{
	if (!lr)
		return;
	sqlite3_finalize(lr->after);
	sqlite3_finalize(lr->one);
	db__free(lr->db);
	free(lr);
}

int live_reader__run(struct live_reader *lr, const char *run_id, struct run_row *out)
{
	return run_reader__find(lr->db, run_id, out) ? -EIO : 0;
}

static void read_span(sqlite3_stmt *stmt, struct live_span *s)
{
	s->span_id = sqlite3_column_int64(stmt, 0);
	s->function_key = sqlite3_column_int64(stmt, 1);
	s->thread_key = sqlite3_column_int64(stmt, 2);
	s->start_ns = sqlite3_column_int64(stmt, 3);
	s->duration_ns = sqlite3_column_int64(stmt, 4);
	s->status = sqlite3_column_int(stmt, 5);
}

/* Steps stmt to its end, each row through each(); rc: SQLite's last; a callback's stop kept. */
static int each_row(struct db *db, sqlite3_stmt *stmt, int (*each)(void *ctx, sqlite3_stmt *stmt), void *ctx)
{
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		stop = each(ctx, stmt);
	sqlite3_reset(stmt);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db__error(db, "cannot read the run");
}

struct span_cb {
	int (*cb)(void *ctx, const struct live_span *s);
	void *ctx;
};

static int each_span(void *ctx, sqlite3_stmt *stmt)
{
	struct span_cb *c = ctx;
	struct live_span s;

	read_span(stmt, &s);
	return c->cb(c->ctx, &s);
}

int live_reader__spans_after(struct live_reader *lr, int64_t run_key, int64_t after,
			     int (*cb)(void *ctx, const struct live_span *s), void *ctx)
{
	struct span_cb c = { cb, ctx };

	sqlite3_bind_int64(lr->after, 1, run_key);
	sqlite3_bind_int64(lr->after, 2, after);
	return each_row(lr->db, lr->after, each_span, &c);
}

int live_reader__span(struct live_reader *lr, int64_t span_id, struct live_span *out)
{
	int rc;

	sqlite3_bind_int64(lr->one, 1, span_id);
	rc = sqlite3_step(lr->one);
	if (rc == SQLITE_ROW)
		read_span(lr->one, out);
	sqlite3_reset(lr->one);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db__error(lr->db, "cannot read the run");
}

int64_t live_reader__last_span_id(struct live_reader *lr)
{
	sqlite3_stmt *stmt;
	int64_t id = -1;

	if (db__prepare(lr->db, "SELECT coalesce(max(span_id), 0) FROM spans", &stmt))
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	else
		db__error(lr->db, "cannot read the run");
	sqlite3_finalize(stmt);
	return id;
}

char *live_calls__function_name(struct db *db, int64_t function_key)
{
	sqlite3_stmt *stmt;
	char *name = NULL;

	if (!db__prepare(db, "SELECT name FROM functions WHERE id = ?", &stmt)) {
		sqlite3_bind_int64(stmt, 1, function_key);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			name = db__dup_text(stmt, 0);
		sqlite3_finalize(stmt);
	}
	return name ? name : strdup("?");
}

char *live_calls__stall_line(int tid, const char *function, int64_t age_ns, const char *chain)
{
	char age[32], *s;

	fmt_duration(age_ns, true, age, sizeof(age));
	return asprintf(&s, "stall: thread %d: %s open for %s: %s", tid, function, age, chain) < 0 ? NULL : s;
}

char *live_reader__function_name(struct live_reader *lr, int64_t function_key)
{
	return live_calls__function_name(lr->db, function_key);
}

struct open_cb {
	int (*cb)(void *ctx, const struct live_open_call *c);
	void *ctx;
};

static int each_open(void *ctx, sqlite3_stmt *stmt)
{
	struct open_cb *o = ctx;
	struct live_open_call c = {
		.span_id = sqlite3_column_int64(stmt, 0),
		.parent_id = sqlite3_column_int64(stmt, 1),
		.thread_key = sqlite3_column_int64(stmt, 2),
		.start_ns = sqlite3_column_int64(stmt, 3),
		.depth = sqlite3_column_int(stmt, 4),
		.tid = sqlite3_column_int(stmt, 5),
		.comm = (const char *)sqlite3_column_text(stmt, 6),
		.function = (const char *)sqlite3_column_text(stmt, 7),
		.thread_last_ns = sqlite3_column_int64(stmt, 8),
		.seen_ns = sqlite3_column_int64(stmt, 9),
	};

	c.comm = c.comm ? c.comm : "";
	c.function = c.function ? c.function : "?";
	return o->cb(o->ctx, &c);
}

int live_reader__open_calls(struct live_reader *lr, int64_t run_key,
			    int (*cb)(void *ctx, const struct live_open_call *c), void *ctx)
{
	struct open_cb o = { cb, ctx };
	sqlite3_stmt *stmt;
	int err;

	if (!lr->live_tables)
		return 0;
	if (db__prepare(lr->db, "SELECT o.span_id, coalesce(o.parent_id, 0), o.thread, o.start_ns, o.depth,"
			" t.tid, t.comm, f.name, o.thread_last_ns, o.seen_ns FROM open_calls o JOIN threads t ON t.id = o.thread"
			" JOIN functions f ON f.id = o.function WHERE o.run = ? ORDER BY o.start_ns, o.span_id",
			&stmt))
		return -EIO;
	sqlite3_bind_int64(stmt, 1, run_key);
	err = each_row(lr->db, stmt, each_open, &o);
	sqlite3_finalize(stmt);
	return err;
}

struct stall_cb {
	int (*cb)(void *ctx, const struct live_stall *s);
	void *ctx;
};

static int each_stall(void *ctx, sqlite3_stmt *stmt)
{
	struct stall_cb *o = ctx;
	struct live_stall s = {
		.span_id = sqlite3_column_int64(stmt, 0),
		.start_ns = sqlite3_column_int64(stmt, 1),
		.reported_ns = sqlite3_column_int64(stmt, 2),
		.tid = sqlite3_column_int(stmt, 3),
		.function = (const char *)sqlite3_column_text(stmt, 4),
		.chain = (const char *)sqlite3_column_text(stmt, 5),
	};

	s.function = s.function ? s.function : "?";
	s.chain = s.chain ? s.chain : "";
	return o->cb(o->ctx, &s);
}

int live_reader__stalls(struct live_reader *lr, int64_t run_key,
			int (*cb)(void *ctx, const struct live_stall *s), void *ctx)
{
	struct stall_cb o = { cb, ctx };
	sqlite3_stmt *stmt;
	int err;

	if (!lr->live_tables)
		return 0;
	if (db__prepare(lr->db, "SELECT s.span_id, s.start_ns, s.reported_ns, t.tid, f.name, s.chain"
			" FROM stalls s JOIN threads t ON t.id = s.thread JOIN functions f ON f.id = s.function"
			" WHERE s.run = ? ORDER BY s.rowid", &stmt))
		return -EIO;
	sqlite3_bind_int64(stmt, 1, run_key);
	err = each_row(lr->db, stmt, each_stall, &o);
	sqlite3_finalize(stmt);
	return err;
}
