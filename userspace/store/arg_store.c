/* SPDX-License-Identifier: BSD-2-Clause */
/* arg_store: span_args and arg_specs (see arg_store.h). */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "arg_store.h"
#include "core/log.h"
#include "core/util.h"

/* Values wait in memory until this many, then go in as one transaction. */
#define ARG_BATCH 65536

struct pending_arg {
	int64_t span_id;
	int position;
	int type;
	int64_t i;
	size_t off, len; /* TEXT, BLOB: in bytes */
};

struct arg_writer {
	struct db *db;
	sqlite3_stmt *insert, *spec;
	struct pending_arg *rows;
	size_t nrows, rows_cap;
	char *bytes;
	size_t nbytes, bytes_cap;
	int64_t added;
};

struct arg_writer *arg_writer__new(struct db *db)
{
	struct arg_writer *w = calloc(1, sizeof(*w));

	if (!w)
		ferr("out of memory");
	else
		w->db = db;
	return w;
}

void arg_writer__free(struct arg_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->insert);
	sqlite3_finalize(w->spec);
	free(w->rows);
	free(w->bytes);
	free(w);
}

int arg_writer__add_spec(struct arg_writer *w, int64_t function_key, int position, const char *name,
			 const char *type)
{
	if (!w->spec && db__prepare(w->db, "INSERT OR REPLACE INTO arg_specs VALUES (?, ?, ?, ?)", &w->spec))
		return -1;
	if (db__begin(w->db))
		return -1;
	sqlite3_reset(w->spec);
	sqlite3_bind_int64(w->spec, 1, function_key);
	sqlite3_bind_int(w->spec, 2, position);
	sqlite3_bind_text(w->spec, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->spec, 4, type, -1, SQLITE_STATIC);
	if (sqlite3_step(w->spec) != SQLITE_DONE)
		return db__error(w->db, "cannot store an argument's spec");
	return db__commit(w->db);
}

int arg_writer__add(struct arg_writer *w, int64_t span_id, int position, const struct arg_value *v)
{
	struct pending_arg *p;
	size_t len = v->type == ARG_VALUE_TEXT || v->type == ARG_VALUE_BLOB ? v->len : 0;

	if (w->nrows >= ARG_BATCH && arg_writer__flush(w))
		return -1;
	if (grow_array((void **)&w->rows, &w->rows_cap, w->nrows + 1, sizeof(*w->rows)) ||
	    (len && grow_array((void **)&w->bytes, &w->bytes_cap, w->nbytes + len, 1))) {
		ferr("out of memory");
		return -1;
	}
	p = &w->rows[w->nrows++];
	*p = (struct pending_arg){ .span_id = span_id, .position = position, .type = v->type, .i = v->i,
				   .off = w->nbytes, .len = len };
	if (len)
		memcpy(w->bytes + w->nbytes, v->bytes, len);
	w->nbytes += len;
	w->added++;
	return 0;
}

static void bind_value(struct arg_writer *w, const struct pending_arg *p)
{
	switch (p->type) {
	case ARG_VALUE_INT:
		sqlite3_bind_int64(w->insert, 3, p->i);
		break;
	case ARG_VALUE_TEXT:
		/* "" for an empty string: a NULL pointer would bind SQL NULL (unreadable). */
		sqlite3_bind_text(w->insert, 3, p->len ? w->bytes + p->off : "", (int)p->len, SQLITE_STATIC);
		break;
	case ARG_VALUE_BLOB:
		sqlite3_bind_blob(w->insert, 3, w->bytes + p->off, (int)p->len, SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(w->insert, 3);
	}
}

int arg_writer__flush(struct arg_writer *w)
{
	size_t i;

	if (!w || !w->nrows)
		return 0;
	if (!w->insert && db__prepare(w->db, "INSERT OR REPLACE INTO span_args VALUES (?, ?, ?)", &w->insert))
		return -1;
	if (db__begin(w->db))
		return -1;
	for (i = 0; i < w->nrows; i++) {
		sqlite3_reset(w->insert);
		sqlite3_bind_int64(w->insert, 1, w->rows[i].span_id);
		sqlite3_bind_int(w->insert, 2, w->rows[i].position);
		bind_value(w, &w->rows[i]);
		if (sqlite3_step(w->insert) != SQLITE_DONE) {
			db__error(w->db, "cannot store arguments");
			db__rollback(w->db);
			w->nrows = w->nbytes = 0;
			return -1;
		}
	}
	w->nrows = w->nbytes = 0;
	return db__commit(w->db);
}

int64_t arg_writer__rows(const struct arg_writer *w)
{
	return w ? w->added : 0;
}

/* ---- reading ---- */

struct arg_reader {
	struct db *db;
	sqlite3_stmt *select; /* NULL: a version 5 file, no arguments */
};

struct arg_reader *arg_reader__new(struct db *db)
{
	struct arg_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		ferr("out of memory");
		return NULL;
	}
	r->db = db;
	if (db->schema_version >= 6 &&
	    db__prepare(db, "SELECT a.position, coalesce(p.name, CASE a.position WHEN 0 THEN 'retval'"
			    " WHEN -1 THEN 'errno' WHEN -2 THEN 'name' ELSE 'arg' || a.position END), coalesce(p.type, ''), a.value"
			    " FROM span_args a JOIN spans s ON s.span_id = a.span_id"
			    " LEFT JOIN arg_specs p ON p.function = s.function AND p.position = a.position"
			    " WHERE a.span_id = ? ORDER BY a.position", &r->select)) {
		free(r);
		return NULL;
	}
	return r;
}

static void read_value(sqlite3_stmt *stmt, int col, struct arg_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		v->type = ARG_VALUE_INT;
		v->i = sqlite3_column_int64(stmt, col);
		break;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		v->type = sqlite3_column_type(stmt, col) == SQLITE_TEXT ? ARG_VALUE_TEXT : ARG_VALUE_BLOB;
		v->bytes = sqlite3_column_blob(stmt, col);
		v->len = (size_t)sqlite3_column_bytes(stmt, col);
		break;
	case SQLITE_FLOAT:
		v->type = ARG_VALUE_INT;
		v->i = (int64_t)sqlite3_column_double(stmt, col);
		break;
	default:
		v->type = ARG_VALUE_NULL;
	}
}

int arg_reader__span(struct arg_reader *r, int64_t span_id, stored_arg_cb cb, void *ctx)
{
	struct stored_arg a;
	int rc, err = 0;

	if (!r || !r->select)
		return 0;
	sqlite3_reset(r->select);
	sqlite3_bind_int64(r->select, 1, span_id);
	while (!err && (rc = sqlite3_step(r->select)) == SQLITE_ROW) {
		a.position = sqlite3_column_int(r->select, 0);
		a.name = (const char *)sqlite3_column_text(r->select, 1);
		a.type = (const char *)sqlite3_column_text(r->select, 2);
		read_value(r->select, 3, &a.value);
		err = cb(ctx, &a);
	}
	if (!err && rc != SQLITE_DONE)
		return db__error(r->db, "cannot read arguments");
	return err;
}

int arg_reader__run_has_values(struct arg_reader *r, int64_t run_key)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!r || !r->select)
		return 0;
	if (db__prepare(r->db, "SELECT 1 FROM arg_specs p JOIN functions f ON f.id = p.function"
			       " WHERE f.run = ? LIMIT 1", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db__error(r->db, "cannot read arguments");
}

int arg_reader__by_name(struct arg_reader *r, int64_t run_key,
			int (*cb)(void *ctx, const struct name_figures *f), void *ctx)
{
	struct name_figures f;
	sqlite3_stmt *stmt;
	int rc, err = 0;

	if (!r || !r->select)
		return 0;
	if (db__prepare(r->db, "SELECT a.value, count(*), sum(s.duration_ns), min(s.duration_ns),"
			       " max(s.duration_ns), sum(s.status = 4), sum(s.status NOT IN (0, 4))"
			       " FROM span_args a JOIN spans s ON s.span_id = a.span_id"
			       " JOIN threads t ON t.id = s.thread WHERE a.position = -2 AND t.run = ?"
			       " GROUP BY a.value ORDER BY 3 DESC, 1", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		f = (struct name_figures){
			.name = (const char *)sqlite3_column_text(stmt, 0),
			.calls = sqlite3_column_int64(stmt, 1), .total_ns = sqlite3_column_int64(stmt, 2),
			.min_ns = sqlite3_column_int64(stmt, 3), .max_ns = sqlite3_column_int64(stmt, 4),
			.errors = sqlite3_column_int64(stmt, 5), .incomplete = sqlite3_column_int64(stmt, 6),
		};
		err = cb(ctx, &f);
	}
	if (!err && rc != SQLITE_DONE)
		err = db__error(r->db, "cannot read the calls' names");
	sqlite3_finalize(stmt);
	return err;
}

void arg_reader__free(struct arg_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->select);
	free(r);
}
