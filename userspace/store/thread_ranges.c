/* SPDX-License-Identifier: BSD-2-Clause */
/* thread_ranges: each thread's span count and id range (see thread_ranges.h). */
#include <stdlib.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "thread_ranges.h"

void thread_ranges__reset(struct thread_ranges *tr)
{
	tr->len = 0;
	tr->first_key = 0;
}

void thread_ranges__free(struct thread_ranges *tr)
{
	free(tr->threads);
	*tr = (struct thread_ranges){ 0 };
}

/* The run's thread keys are consecutive rowids from the first one on. */
static struct thread_spans *find(struct thread_ranges *tr, int64_t thread_key)
{
	size_t i;

	if (!tr->len || thread_key < tr->first_key)
		return NULL;
	i = (size_t)(thread_key - tr->first_key);
	return i < tr->len ? &tr->threads[i] : NULL;
}

int thread_ranges__add(struct thread_ranges *tr, int64_t thread_key)
{
	size_t i;

	if (!tr->len)
		tr->first_key = thread_key;
	if (thread_key < tr->first_key)
		return 0; /* another writer's key order: its range stays unrecorded (NULL) */
	i = (size_t)(thread_key - tr->first_key);
	if (grow_array((void **)&tr->threads, &tr->cap, i + 1, sizeof(*tr->threads))) {
		ferr("out of memory");
		return -1;
	}
	while (tr->len <= i)
		tr->threads[tr->len++] = (struct thread_spans){ 0 };
	return 0;
}

/* Ranges are bounds for readers; counts only estimate their cost (the run's own
 * count is of rows actually stored). */
void thread_ranges__count(struct thread_ranges *tr, int64_t thread_key, int64_t span_id)
{
	struct thread_spans *t = find(tr, thread_key);

	if (!t)
		return;
	if (!t->spans++ || span_id < t->first_span_id)
		t->first_span_id = span_id;
	if (span_id > t->last_span_id)
		t->last_span_id = span_id;
}

int thread_ranges__record(const struct thread_ranges *tr, struct db *db)
{
	sqlite3_stmt *stmt = NULL;
	const struct thread_spans *t;
	int rc = SQLITE_DONE;
	size_t i;

	if (db__prepare(db, "UPDATE threads SET spans = ?, first_span_id = ?, last_span_id = ?"
			    " WHERE id = ?", &stmt))
		return -1;
	for (i = 0; i < tr->len && rc == SQLITE_DONE; i++) {
		t = &tr->threads[i];
		sqlite3_bind_int64(stmt, 1, t->spans);
		if (t->spans) {
			sqlite3_bind_int64(stmt, 2, t->first_span_id);
			sqlite3_bind_int64(stmt, 3, t->last_span_id);
		}
		sqlite3_bind_int64(stmt, 4, tr->first_key + (int64_t)i);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : db__error(db, "cannot finish the run");
}
