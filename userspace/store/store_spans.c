/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store: writing spans, the hot path. Two ways in:
 *  - store__open_span/store__close_span (the tracer's event mode): ids are
 *    handed out here, in order, and each call sits in a window of slots indexed
 *    by span id until the window is full. The window is then inserted in id
 *    order with the rowid left to SQLite: it appends each row at the end of the
 *    table without searching the b-tree (a quarter of the cost of a row) and no
 *    sort is needed. A call still open then goes in as an incomplete
 *    zero-length span and is updated when it returns, so a tracer killed
 *    mid-run still leaves every started call in the file.
 *  - store__next_span_id/store__append_span: whole spans with ids of their
 *    own (stack mode's, tests), batched, sorted and inserted by id.
 * Span ids are reserved in blocks (meta.next_span_id), so several tracers can
 * write one file; the NULL rowid is used only while the table's last row is
 * this writer's. Each thread's span count and id range are kept for readers
 * (store_scan.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store_internal.h"
#include "core/util.h"

#define SPAN_COLUMNS "span_id, thread, function, parent_id, start_ns, duration_ns, depth, status"
#define PARAMS_PER_SPAN 8
/* Window slots that hold no call: an id taken by store__next_span_id, or still open. */
#define SLOT_EMPTY (-1)
#define SLOT_OPEN (-2)

/* "INSERT OR IGNORE INTO spans(...) VALUES(?1,...,?8),(?9,...)...": OR IGNORE
 * because a statement that cannot abort needs no statement journal; the rows
 * it skips (duplicate span ids) are counted from sqlite3_changes() and reported. */
static int prepare_span_insert(struct store *s, int rows, sqlite3_stmt **stmt)
{
	size_t len = 128 + (size_t)rows * 64, used;
	char *sql = malloc(len);
	int r, p, err;

	if (!sql) {
		ferr("out of memory");
		return -1;
	}
	used = (size_t)snprintf(sql, len, "INSERT OR IGNORE INTO spans(" SPAN_COLUMNS ") VALUES");
	for (r = 0; r < rows; r++) {
		p = 1 + r * PARAMS_PER_SPAN;
		used += (size_t)snprintf(sql + used, len - used, "%s(?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d)",
					 r ? "," : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
	}
	err = store_prepare(s, sql, stmt);
	free(sql);
	return err;
}

int store_prepare_span_writers(struct store *s)
{
	if (!s->batch)
		s->batch = malloc(STORE_SPAN_BATCH * sizeof(*s->batch));
	if (!s->window)
		s->window = malloc(STORE_SPAN_BATCH * sizeof(*s->window));
	if (!s->batch || !s->window) {
		ferr("out of memory");
		return -1;
	}
	if (prepare_span_insert(s, 1, &s->insert_span) ||
	    prepare_span_insert(s, STORE_ROWS_PER_INSERT, &s->insert_spans) ||
	    store_prepare(s, "UPDATE spans SET duration_ns = ?, status = ? WHERE span_id = ?",
			  &s->update_span))
		return -1;
	return 0;
}

/* Reserves count span ids in meta.next_span_id (inside the caller's write
 * transaction): writers of one file, in other processes too, get disjoint ids. A
 * file without the key (none written yet) starts after its highest span id. */
static int reserve_span_ids(struct store *s, int64_t count, int64_t *first)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_exec(s, "INSERT OR IGNORE INTO meta(key, value) SELECT 'next_span_id',"
			  " coalesce(max(span_id), 0) + 1 FROM spans", "cannot reserve span ids") ||
	    store_prepare(s, "UPDATE meta SET value = value + ?1 WHERE key = 'next_span_id'"
			     " RETURNING value - ?1", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, count);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*first = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_sql_error(s, "cannot reserve span ids");
	s->ids_end = *first + count;
	return 0;
}

int store_start_spans(struct store *s)
{
	int64_t first;

	if (reserve_span_ids(s, STORE_SPAN_BATCH, &first))
		return -1;
	s->next_span_id = s->window_base = first;
	s->last_stored_id = first - 1;
	s->batch_len = 0;
	s->batch_sorted = true;
	s->run_spans = 0;
	s->threads_len = 0;
	s->first_thread_key = 0;
	return 0;
}

int store_return_span_ids(struct store *s)
{
	int64_t used_end = s->next_span_id > s->last_stored_id + 1 ? s->next_span_id : s->last_stored_id + 1;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, "UPDATE meta SET value = ?1 WHERE key = 'next_span_id' AND value = ?2", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, used_end);
	sqlite3_bind_int64(stmt, 2, s->ids_end);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(s, "cannot finish the run");
}

int64_t store__reserve_span_ids(struct store *s, int64_t count)
{
	int64_t first;

	if (store_require_run(s, "reserve_span_ids"))
		return -1;
	if (store_begin_txn(s) || reserve_span_ids(s, count, &first) || store_commit_txn(s))
		return -1;
	return first;
}

/* ---- per-thread figures ---- */

/* The run's thread keys are consecutive rowids from the first one on. */
static struct thread_spans *thread_spans(struct store *s, int64_t thread_key)
{
	size_t i;

	if (!s->threads_len || thread_key < s->first_thread_key)
		return NULL;
	i = (size_t)(thread_key - s->first_thread_key);
	return i < s->threads_len ? &s->threads[i] : NULL;
}

int store_track_thread(struct store *s, int64_t thread_key)
{
	size_t i;

	if (!s->threads_len)
		s->first_thread_key = thread_key;
	if (thread_key < s->first_thread_key)
		return 0; /* another writer's key order: its range stays unrecorded (NULL) */
	i = (size_t)(thread_key - s->first_thread_key);
	if (grow_array((void **)&s->threads, &s->threads_cap, i + 1, sizeof(*s->threads))) {
		ferr("out of memory");
		return -1;
	}
	while (s->threads_len <= i)
		s->threads[s->threads_len++] = (struct thread_spans){ 0 };
	return 0;
}

/* Ranges are bounds for readers; counts only estimate their cost (the run's own
 * count is of rows actually stored). */
static void count_span(struct store *s, const struct span_rec *span)
{
	struct thread_spans *t = thread_spans(s, span->thread_key);

	if (!t)
		return;
	if (!t->spans++ || span->span_id < t->first_span_id)
		t->first_span_id = span->span_id;
	if (span->span_id > t->last_span_id)
		t->last_span_id = span->span_id;
}

int store_record_thread_spans(struct store *s)
{
	sqlite3_stmt *stmt = NULL;
	const struct thread_spans *t;
	int rc = SQLITE_DONE;
	size_t i;

	if (store_prepare(s, "UPDATE threads SET spans = ?, first_span_id = ?, last_span_id = ?"
			     " WHERE id = ?", &stmt))
		return -1;
	for (i = 0; i < s->threads_len && rc == SQLITE_DONE; i++) {
		t = &s->threads[i];
		sqlite3_bind_int64(stmt, 1, t->spans);
		if (t->spans) {
			sqlite3_bind_int64(stmt, 2, t->first_span_id);
			sqlite3_bind_int64(stmt, 3, t->last_span_id);
		}
		sqlite3_bind_int64(stmt, 4, s->first_thread_key + (int64_t)i);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(s, "cannot finish the run");
}

/* ---- inserting rows ---- */

/* Integers only, no allocation, no formatting. start_ns is stored relative to the
 * run's start (small varints); a root's parent_id is NULL. The next id after the
 * last stored one gets a NULL rowid: SQLite appends it without a b-tree search. */
static void bind_span(struct store *s, sqlite3_stmt *stmt, int p, const struct span_rec *span)
{
	if (s->may_append && span->span_id == s->last_stored_id + 1)
		sqlite3_bind_null(stmt, p);
	else
		sqlite3_bind_int64(stmt, p, span->span_id);
	if (span->span_id > s->last_stored_id)
		s->last_stored_id = span->span_id;
	sqlite3_bind_int64(stmt, p + 1, span->thread_key);
	sqlite3_bind_int64(stmt, p + 2, span->function_key);
	if (span->parent_id)
		sqlite3_bind_int64(stmt, p + 3, span->parent_id);
	else
		sqlite3_bind_null(stmt, p + 3);
	sqlite3_bind_int64(stmt, p + 4, span->start_ns - s->run_start_ns);
	sqlite3_bind_int64(stmt, p + 5, span->end_ns - span->start_ns);
	sqlite3_bind_int(stmt, p + 6, span->depth);
	sqlite3_bind_int(stmt, p + 7, span->status);
}

/* Inserts spans (ascending ids); returns how many went in (duplicate ids are
 * skipped), or -1 with why set when the batch must not be kept: an SQLite error
 * (disk full, I/O), or a row appended under another id than it was meant to get.
 * check_may_append makes the latter impossible; it stays checked so that a
 * mistake there stops the run instead of shifting ids silently. */
static int64_t insert_rows(struct store *s, const struct span_rec *spans, size_t n, char *why,
			   size_t why_len)
{
	size_t i, rows, r;
	int64_t stored = 0;
	sqlite3_stmt *stmt;
	int rc;

	for (i = 0; i < n; i += rows) {
		rows = n - i >= STORE_ROWS_PER_INSERT ? STORE_ROWS_PER_INSERT : 1;
		stmt = rows == 1 ? s->insert_span : s->insert_spans;
		for (r = 0; r < rows; r++)
			bind_span(s, stmt, 1 + (int)r * PARAMS_PER_SPAN, &spans[i + r]);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE) {
			snprintf(why, why_len, "%s", sqlite3_errmsg(s->db));
			return -1;
		}
		stored += sqlite3_changes(s->db);
		if ((size_t)sqlite3_changes(s->db) == rows &&
		    sqlite3_last_insert_rowid(s->db) != spans[i + rows - 1].span_id) {
			snprintf(why, why_len, "another process is writing spans into the file");
			return -1;
		}
	}
	return stored;
}

/* Whether the table's last row is ours: then the id after it is appended with a
 * NULL rowid. Checked once per transaction, which holds the file's write lock. */
static int check_may_append(struct store *s)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, "SELECT coalesce(max(span_id), 0) FROM spans", &stmt))
		return -1;
	rc = sqlite3_step(stmt);
	s->may_append = rc == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == s->last_stored_id;
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : store_sql_error(s, "cannot read spans");
}

/* Calls that were still open when their window was written: their rows are
 * updated in the next write transaction, all at once (one commit rewrites each
 * touched page once, where a commit per call would write a page per call). */
static int apply_updates(struct store *s)
{
	const struct span_rec *span;
	size_t i;
	int rc;

	for (i = 0; i < s->updates_len; i++) {
		span = &s->updates[i];
		sqlite3_bind_int64(s->update_span, 1, span->end_ns - span->start_ns);
		sqlite3_bind_int(s->update_span, 2, span->status);
		sqlite3_bind_int64(s->update_span, 3, span->span_id);
		rc = sqlite3_step(s->update_span);
		sqlite3_reset(s->update_span);
		if (rc != SQLITE_DONE)
			return store_sql_error(s, "cannot store a span");
	}
	s->updates_len = 0;
	return 0;
}

static int queue_update(struct store *s, const struct span_rec *span)
{
	if (grow_array((void **)&s->updates, &s->updates_cap, s->updates_len + 1, sizeof(*s->updates))) {
		ferr("out of memory");
		return -1;
	}
	s->updates[s->updates_len++] = *span;
	return 0;
}

/* One transaction: the rows, then it commits (or rolls back what must not stay). */
static int write_spans(struct store *s, const struct span_rec *spans, size_t count)
{
	char why[256] = "span ids already stored";
	int64_t stored;

	if (!count)
		return 0;
	if (store_begin_txn(s) || check_may_append(s) || apply_updates(s))
		return -1;
	stored = insert_rows(s, spans, count, why, sizeof(why));
	if (stored == (int64_t)count) {
		s->run_spans += stored;
		return store_commit_txn(s);
	}
	ferr("%s: could not store %lld of %zu spans: %s", s->path,
	     (long long)(stored < 0 ? (int64_t)count : (int64_t)count - stored), count, why);
	if (stored < 0) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_txn = false;
		return -1;
	}
	s->run_spans += stored;
	store_commit_txn(s);
	return -1;
}

static int write_window(struct store *s);

/* Before handing out an id: a full window is written, and a used-up block of ids
 * is followed by a new one (the window starts there). */
static int make_room(struct store *s)
{
	int64_t first;

	if (s->next_span_id - s->window_base == STORE_SPAN_BATCH && write_window(s))
		return -1;
	if (s->next_span_id < s->ids_end)
		return 0;
	if (write_window(s) || store_begin_txn(s) || reserve_span_ids(s, STORE_SPAN_BATCH, &first) ||
	    store_commit_txn(s))
		return -1;
	s->next_span_id = s->window_base = first;
	return 0;
}

/* ---- whole spans with their own ids ---- */

int64_t store__next_span_id(struct store *s)
{
	int64_t id;

	if (store_require_run(s, "next_span_id"))
		return -1;
	if (make_room(s))
		return -1;
	id = s->next_span_id++;
	s->window[id - s->window_base].status = SLOT_EMPTY;
	return id;
}

static int write_batch(struct store *s)
{
	int err;

	if (!s->batch_len)
		return 0;
	if (!s->batch_sorted)
		qsort(s->batch, s->batch_len, sizeof(*s->batch), compare_int64_keys); /* by span_id */
	err = write_spans(s, s->batch, s->batch_len);
	s->batch_len = 0;
	s->batch_sorted = true;
	return err;
}

int store__append_span(struct store *s, const struct span_rec *span)
{
	if (store_require_run(s, "append_span"))
		return -1;
	count_span(s, span);
	if (s->batch_len && span->span_id < s->batch[s->batch_len - 1].span_id)
		s->batch_sorted = false;
	s->batch[s->batch_len++] = *span;
	if (s->batch_len == STORE_SPAN_BATCH)
		return write_batch(s);
	return 0;
}

/* ---- the window of calls ---- */

/* Inserts every call of the window, open ones as incomplete placeholders, and
 * starts an empty window at the next id. */
static int write_window(struct store *s)
{
	size_t n = (size_t)(s->next_span_id - s->window_base), i, used = 0;
	struct span_rec *slot;
	int err;

	for (i = 0; i < n; i++) {
		slot = &s->window[i];
		if (slot->status == SLOT_EMPTY)
			continue;
		if (slot->status == SLOT_OPEN) {
			slot->end_ns = slot->start_ns;
			slot->status = SPAN_INCOMPLETE;
		}
		s->window[used++] = *slot;
	}
	err = write_spans(s, s->window, used);
	s->window_base = s->next_span_id;
	return err;
}

int64_t store__open_span(struct store *s, const struct span_rec *call)
{
	struct span_rec *slot;
	int64_t id;

	if (store_require_run(s, "open_span"))
		return -1;
	if (make_room(s))
		return -1;
	id = s->next_span_id++;
	slot = &s->window[id - s->window_base];
	*slot = *call;
	slot->span_id = id;
	slot->status = SLOT_OPEN;
	count_span(s, slot);
	return id;
}

int store__close_span(struct store *s, const struct span_rec *span)
{
	if (store_require_run(s, "close_span"))
		return -1;
	if (span->span_id < s->window_base)
		return queue_update(s, span);
	if (span->span_id >= s->next_span_id) {
		ferr("%s: span %lld was never opened", s->path, (long long)span->span_id);
		return -1;
	}
	s->window[span->span_id - s->window_base] = *span;
	return 0;
}

int store__flush(struct store *s)
{
	int err, window_err = 0;

	if (s->mode != STORE_WRITE)
		return 0;
	err = write_batch(s);
	if (s->run_key)
		window_err = write_window(s);
	if (!err)
		err = window_err;
	if (!err && s->updates_len) /* nothing was written to carry them */
		err = store_begin_txn(s) || apply_updates(s) ? -1 : 0;
	if (!err)
		err = store_commit_txn(s);
	return err;
}
