/* SPDX-License-Identifier: BSD-2-Clause */
/* span_writer: a run's spans into the file (see span_writer.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "span_rows.h"
#include "span_writer.h"
#include "thread_ranges.h"

/* A transaction of spans is not begun on a disk without room for it (~BYTES_PER_SPAN
 * a span, twice what a row takes) plus ROOM_FOR_END: in WAL mode every write takes new
 * space, and a disk filled to the last byte would not take the run's end either. */
#define BYTES_PER_SPAN 48
#define ROOM_FOR_END (1LL << 20)
/* Window slots that hold no call: an id taken by span_writer__next_id, or still open. */
#define SLOT_EMPTY (-1)
#define SLOT_OPEN (-2)

/* Calls by id from base to the writer's next_span_id. */
struct call_window {
	struct stored_span *slots;
	int64_t base;
};

/* Appended spans, inserted in span_id order when the batch is full or flushed:
 * in-order inserts are appends to the table's b-tree (fast, full pages). */
struct span_batch {
	struct stored_span *spans;
	size_t len;
	bool sorted;
};

/* Calls that returned after their placeholder was written: updated with the next write. */
struct pending_updates {
	struct stored_span *spans;
	size_t len, cap;
};

struct span_writer {
	struct db *db;
	bool active; /* a run is being written */
	int64_t next_span_id;
	int64_t ids_end;	/* the end (exclusive) of the span ids reserved for this writer */
	int64_t stored;		/* the run's spans stored */
	/* A write failed (disk full, lock held too long, I/O): the run's calls from then
	 * on are counted, not stored, so that tracing goes on with bounded memory. */
	bool failed;
	int64_t unstored; /* calls of the run not stored: the failed write's and later ones */
	char why[160];	  /* why the write failed */

	struct thread_ranges threads;

	struct span_rows rows; /* the table's rows: statements, ids appended */

	struct span_batch batch;
	struct call_window window;
	struct pending_updates updates;
};

struct span_writer *span_writer__new(struct db *db)
{
	struct span_writer *sw = calloc(1, sizeof(*sw));

	if (!sw) {
		ferr("out of memory");
		return NULL;
	}
	sw->db = db;
	return sw;
}

void span_writer__free(struct span_writer *sw)
{
	if (!sw)
		return;
	span_rows__free(&sw->rows);
	free(sw->batch.spans);
	free(sw->window.slots);
	free(sw->updates.spans);
	thread_ranges__free(&sw->threads);
	free(sw);
}

/* Memory and statements once, at the first run. */
static int prepare(struct span_writer *sw)
{
	if (sw->rows.db)
		return 0;
	if (!sw->batch.spans)
		sw->batch.spans = malloc(STORE_SPAN_BATCH * sizeof(*sw->batch.spans));
	if (!sw->window.slots)
		sw->window.slots = malloc(STORE_SPAN_BATCH * sizeof(*sw->window.slots));
	if (!sw->batch.spans || !sw->window.slots) {
		ferr("out of memory");
		return -1;
	}
	return span_rows__prepare(&sw->rows, sw->db);
}

/* 0 while a run is being written; else prints "PATH: what without a run being written", -1. */
static int require_run(const struct span_writer *sw, const char *what)
{
	if (sw->db->mode != STORE_WRITE || !sw->active) {
		ferr("%s: %s without a run being written", sw->db->path, what);
		return -1;
	}
	return 0;
}

/* Reserves count span ids in meta.next_span_id (inside the caller's write
 * transaction): writers of one file, in other processes too, get disjoint ids. A
 * file without the key (none written yet) starts after its highest span id. */
static int reserve_span_ids(struct span_writer *sw, int64_t count, int64_t *first)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__exec(sw->db, "INSERT OR IGNORE INTO meta(key, value) SELECT 'next_span_id',"
			     " coalesce(max(span_id), 0) + 1 FROM spans", "cannot reserve span ids") ||
	    db__prepare(sw->db, "UPDATE meta SET value = value + ?1 WHERE key = 'next_span_id'"
				" RETURNING value - ?1", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, count);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*first = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return db__error(sw->db, "cannot reserve span ids");
	sw->ids_end = *first + count;
	return 0;
}

int span_writer__start(struct span_writer *sw, int64_t run_start_ns, int64_t *first_span_id)
{
	int64_t first;

	if (prepare(sw) || reserve_span_ids(sw, STORE_SPAN_BATCH, &first))
		return -1;
	sw->next_span_id = sw->window.base = first;
	sw->rows.last_stored_id = first - 1;
	sw->batch.len = 0;
	sw->batch.sorted = true;
	sw->stored = 0;
	sw->failed = false;
	sw->unstored = 0;
	sw->why[0] = '\0';
	thread_ranges__reset(&sw->threads);
	sw->rows.run_start_ns = run_start_ns;
	sw->active = true;
	*first_span_id = first;
	return 0;
}

void span_writer__stop(struct span_writer *sw)
{
	sw->active = false;
}

int64_t span_writer__stored(const struct span_writer *sw)
{
	return sw->stored;
}

int64_t span_writer__unstored(const struct span_writer *sw, const char **why)
{
	if (why)
		*why = sw->why;
	return sw->unstored;
}

/* A write failed: what it held is counted, nothing more is stored (said once).
 * Calls still open in stored windows stay as their incomplete placeholders. */
static void fail(struct span_writer *sw, int64_t count, const char *why)
{
	db__rollback(sw->db);
	if (!sw->active)
		return;
	sw->unstored += count;
	sw->updates.len = 0;
	if (sw->failed)
		return;
	sw->failed = true;
	snprintf(sw->why, sizeof(sw->why), "%s", why);
	ferr("%s: %lld spans could not be stored (%s): the run's calls from now on are counted, "
	     "not stored", sw->db->path, (long long)count, sw->why);
}

/* Hands back the run's unused span ids when no writer reserved after it. */
static int return_span_ids(struct span_writer *sw)
{
	int64_t used_end = sw->next_span_id > sw->rows.last_stored_id + 1 ? sw->next_span_id : sw->rows.last_stored_id + 1;
	sqlite3_stmt *stmt = NULL;

	if (used_end > sw->ids_end) /* ids handed out uncounted after a failure */
		used_end = sw->ids_end;

	if (db__prepare(sw->db, "UPDATE meta SET value = ?1 WHERE key = 'next_span_id' AND value = ?2", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, used_end);
	sqlite3_bind_int64(stmt, 2, sw->ids_end);
	return db__run(sw->db, stmt, "cannot finish the run");
}

/* After a failure any ids do: nothing more of the run is stored. */
void span_writer__fail(struct span_writer *sw, const char *why)
{
	fail(sw, 0, why);
}

bool span_writer__failed(const struct span_writer *sw)
{
	return sw->failed;
}

int64_t span_writer__reserve_ids(struct span_writer *sw, int64_t count)
{
	int64_t first;

	if (require_run(sw, "reserve_span_ids"))
		return -1;
	if (sw->failed)
		return sw->next_span_id;
	if (db__begin(sw->db) || reserve_span_ids(sw, count, &first) || db__commit(sw->db)) {
		fail(sw, 0, sw->db->error);
		return sw->next_span_id;
	}
	return first;
}

int span_writer__track_thread(struct span_writer *sw, int64_t thread_key)
{
	return thread_ranges__add(&sw->threads, thread_key);
}

int span_writer__finish(struct span_writer *sw)
{
	if (thread_ranges__record(&sw->threads, sw->db))
		return -1;
	return return_span_ids(sw);
}

/* Calls that were still open when their window was written: their rows are
 * updated in the next write transaction, all at once (one commit rewrites each
 * touched page once, where a commit per call would write a page per call). */
static int apply_updates(struct span_writer *sw)
{
	const struct stored_span *span;
	size_t i;

	for (i = 0; i < sw->updates.len; i++) {
		span = &sw->updates.spans[i];
		if (span_rows__update(&sw->rows, span))
			return -1;
	}
	sw->updates.len = 0;
	return 0;
}

static int queue_update(struct span_writer *sw, const struct stored_span *span)
{
	struct pending_updates *u = &sw->updates;

	if (grow_array((void **)&u->spans, &u->cap, u->len + 1, sizeof(*u->spans))) {
		ferr("out of memory");
		return -1;
	}
	u->spans[u->len++] = *span;
	return 0;
}

/* Stored spans only: threads.spans and their id ranges are what the file holds. */
static void count_threads(struct span_writer *sw, const struct stored_span *spans, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		thread_ranges__count(&sw->threads, spans[i].thread_key, spans[i].span_id);
}

/* One transaction: the pending updates and the rows, all committed or none (a
 * failure counts them: fail()). */
static void write_spans(struct span_writer *sw, const struct stored_span *spans, size_t count)
{
	char why[256] = "span ids already stored";

	if (!count)
		return;
	if (sw->failed) {
		sw->unstored += (int64_t)count;
		return;
	}
	if (db__check_room(sw->db, (int64_t)count * BYTES_PER_SPAN, ROOM_FOR_END, why, sizeof(why))) {
		fail(sw, (int64_t)count, why);
	} else if (db__begin(sw->db) || span_rows__check_append(&sw->rows) || apply_updates(sw)) {
		fail(sw, (int64_t)count, sw->db->error);
	} else if (span_rows__insert(&sw->rows, spans, count, why, sizeof(why)) != (int64_t)count) {
		fail(sw, (int64_t)count, why);
	} else if (db__commit(sw->db)) {
		fail(sw, (int64_t)count, sw->db->error);
	} else {
		sw->stored += (int64_t)count;
		count_threads(sw, spans, count);
	}
}

/* ---- the window of calls ---- */

/* Inserts every call of the window, open ones as incomplete placeholders, and
 * starts an empty window at the next id. */
static void write_window(struct span_writer *sw)
{
	size_t n = (size_t)(sw->next_span_id - sw->window.base), i, used = 0;
	struct stored_span *slot;

	for (i = 0; i < n; i++) {
		slot = &sw->window.slots[i];
		if (slot->status == SLOT_EMPTY)
			continue;
		if (slot->status == SLOT_OPEN) {
			slot->end_ns = slot->start_ns;
			slot->status = SPAN_INCOMPLETE;
		}
		sw->window.slots[used++] = *slot;
	}
	write_spans(sw, sw->window.slots, used);
	sw->window.base = sw->next_span_id;
}

/* Hands out the next span id, its window slot in *slot: a full window is
 * written first, and a used-up block of ids is followed by a new one (the
 * window starts there). After a failure: an id for the caller's own use, no
 * slot (*slot NULL), the window kept empty. */
static int64_t take_id(struct span_writer *sw, const char *what, struct stored_span **slot)
{
	int64_t first, id;

	if (require_run(sw, what))
		return -1;
	if (!sw->failed && sw->next_span_id - sw->window.base == STORE_SPAN_BATCH)
		write_window(sw);
	if (!sw->failed && sw->next_span_id >= sw->ids_end) {
		write_window(sw);
		if (!sw->failed && (db__begin(sw->db) || reserve_span_ids(sw, STORE_SPAN_BATCH, &first) ||
				    db__commit(sw->db)))
			fail(sw, 0, sw->db->error);
		if (!sw->failed)
			sw->next_span_id = sw->window.base = first;
	}
	if (sw->failed) {
		write_window(sw); /* what it still holds is counted (write_spans) */
		id = sw->next_span_id++;
		sw->window.base = sw->next_span_id;
		*slot = NULL;
		return id;
	}
	id = sw->next_span_id++;
	*slot = &sw->window.slots[id - sw->window.base];
	return id;
}

int64_t span_writer__open_span(struct span_writer *sw, const struct stored_span *call)
{
	struct stored_span *slot;
	int64_t id = take_id(sw, "open_span", &slot);

	if (id < 0)
		return -1;
	if (!slot) {
		sw->unstored++;
		return id;
	}
	*slot = *call;
	slot->span_id = id;
	slot->status = SLOT_OPEN;
	return id;
}

int span_writer__close_span(struct span_writer *sw, const struct stored_span *span)
{
	if (require_run(sw, "close_span"))
		return -1;
	if (sw->failed) /* counted as it opened, or stored as its placeholder */
		return 0;
	if (span->span_id < sw->window.base)
		return queue_update(sw, span);
	if (span->span_id >= sw->next_span_id) {
		ferr("%s: span %lld was never opened", sw->db->path, (long long)span->span_id);
		return -1;
	}
	sw->window.slots[span->span_id - sw->window.base] = *span;
	return 0;
}

/* ---- whole spans with their own ids ---- */

int64_t span_writer__next_id(struct span_writer *sw)
{
	struct stored_span *slot;
	int64_t id = take_id(sw, "next_span_id", &slot);

	if (slot)
		slot->status = SLOT_EMPTY;
	return id;
}

static void write_batch(struct span_writer *sw)
{
	struct span_batch *b = &sw->batch;

	if (!b->len)
		return;
	if (!b->sorted)
		qsort(b->spans, b->len, sizeof(*b->spans), compare_int64_keys); /* by span_id */
	write_spans(sw, b->spans, b->len);
	b->len = 0;
	b->sorted = true;
}

int span_writer__append(struct span_writer *sw, const struct stored_span *span)
{
	struct span_batch *b = &sw->batch;

	if (require_run(sw, "append_span"))
		return -1;
	if (sw->failed) {
		sw->unstored++;
		return 0;
	}
	if (b->len && span->span_id < b->spans[b->len - 1].span_id)
		b->sorted = false;
	b->spans[b->len++] = *span;
	if (b->len == STORE_SPAN_BATCH)
		write_batch(sw);
	return 0;
}

/* A failed span write is not an error here (it is counted: fail()); the
 * commit of what the run writer left open is. */
int span_writer__flush(struct span_writer *sw)
{
	if (sw->db->mode != STORE_WRITE)
		return 0;
	write_batch(sw);
	if (sw->active)
		write_window(sw);
	if (!sw->failed && sw->updates.len && /* nothing was written to carry them */
	    (db__begin(sw->db) || apply_updates(sw) || db__commit(sw->db)))
		fail(sw, 0, sw->db->error);
	return db__commit(sw->db);
}
