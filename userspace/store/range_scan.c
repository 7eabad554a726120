/* SPDX-License-Identifier: BSD-2-Clause */
/* range_scan: a run's spans in thread order without an index (see range_scan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "range_scan.h"
#include "core/util.h"

/* Sorting a row costs about this many rows scanned: the sorter is chosen only
 * when the threads' ranges overlap more than that. */
#define SORT_COST_IN_ROWS 4

struct range_scan {
	struct db *db;
	sqlite3_stmt *stmt;
	struct range_thread *threads; /* ascending keys */
	size_t n_threads;
	size_t next_thread; /* per-thread mode: the next thread to bind */
	bool per_thread;
	bool done;
	/* The count check (range_scan.h). CHECK_THREADS: rows of threads[tally_next]
	 * (those before it are compared); CHECK_ROWS: rows of the scan. */
	enum { CHECK_NONE, CHECK_THREADS, CHECK_ROWS } check;
	int64_t expected_rows; /* CHECK_ROWS */
	int thread_column;     /* CHECK_THREADS, sorted: the row's thread key */
	size_t tally_next;
	int64_t tally_rows;
};

static int add_thread(struct range_scan *sc, sqlite3_stmt *stmt, size_t *cap)
{
	struct range_thread *t;
	const char *comm;

	if (grow_array((void **)&sc->threads, cap, sc->n_threads + 1, sizeof(*sc->threads))) {
		ferr("out of memory");
		return -1;
	}
	t = &sc->threads[sc->n_threads++];
	memset(t, 0, sizeof(*t));
	t->key = sqlite3_column_int64(stmt, 0);
	t->pid = sqlite3_column_int(stmt, 1);
	t->tid = sqlite3_column_int(stmt, 2);
	comm = (const char *)sqlite3_column_text(stmt, 3);
	snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
	t->ranged = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
	t->spans = sqlite3_column_int64(stmt, 4);
	t->recorded_spans = t->spans;
	t->first_span_id = sqlite3_column_int64(stmt, 5);
	t->last_span_id = sqlite3_column_int64(stmt, 6);
	return 0;
}

/* Span ids are rowids from 1 on: a range is cut to that (a crafted file's may
 * reach INT64_MIN), so its width, last - first + 1, cannot overflow. A count
 * that is unknown or impossible (negative, over the width) is the width. */
static void bound_range(struct range_thread *t)
{
	int64_t width;

	if (t->first_span_id < 1)
		t->first_span_id = 1;
	width = t->last_span_id >= t->first_span_id ? t->last_span_id - t->first_span_id + 1 : 0;
	if (!t->ranged || t->spans < 0 || t->spans > width)
		t->spans = width;
}

/* "ferret: PATH is damaged: what (run PRAGMA integrity_check)"; returns -1. */
__attribute__((format(printf, 2, 3))) static int report_damage(const struct range_scan *sc,
							       const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ferr("%s is damaged: %s (run PRAGMA integrity_check)", sc->db->path, what);
	return -1;
}

/* The run's threads (filtered); a thread the run has not closed yet gets the
 * range from the run's first span id to the newest span in the file. */
static int load_threads(struct range_scan *sc, int64_t run_key, int pid, int tid)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0, i;
	int rc;

	if (sqlite3_prepare_v2(sc->db->sql,
			       "SELECT t.id, t.pid, t.tid, t.comm, t.spans,"
			       " coalesce(t.first_span_id, r.first_span_id),"
			       " coalesce(t.last_span_id, (SELECT max(span_id) FROM spans))"
			       " FROM threads t JOIN runs r ON r.id = t.run WHERE t.run = ?1"
			       " AND (?2 = 0 OR t.pid = ?2) AND (?3 = 0 OR t.tid = ?3) ORDER BY t.id",
			       -1, &stmt, NULL) != SQLITE_OK)
		return db__error(sc->db, "cannot read threads");
	sqlite3_bind_int64(stmt, 1, run_key);
	sqlite3_bind_int(stmt, 2, pid);
	sqlite3_bind_int(stmt, 3, tid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (add_thread(sc, stmt, &cap)) {
			sqlite3_finalize(stmt);
			return -1;
		}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db__error(sc->db, "cannot read threads");
	for (i = 0; i < sc->n_threads; i++)
		bound_range(&sc->threads[i]);
	return 0;
}

/* The sum of the threads' recorded counts, if it fits (else no count is of use). */
static bool sum_recorded(const struct range_scan *sc, int64_t *sum)
{
	size_t i;

	*sum = 0;
	for (i = 0; i < sc->n_threads; i++)
		if (__builtin_add_overflow(*sum, sc->threads[i].recorded_spans, sum))
			return false;
	return true;
}

/* Which count check the scan makes. An ended run recorded its stored spans and
 * each thread's: when those add up, each thread is checked; when they do not (a
 * writer that could not store every span it counted), the run's total only. */
static int plan_check(struct range_scan *sc, int64_t run_key, const struct range_scan_spec *spec)
{
	sqlite3_stmt *stmt = NULL;
	int rc, err = 0;

	if (spec->where && *spec->where)
		return 0; /* rows left out on purpose: nothing to compare */
	if (db__prepare(sc->db, "SELECT spans, spans = (SELECT total(spans) FROM threads WHERE run = r.id)"
				" AND NOT EXISTS (SELECT 1 FROM threads WHERE run = r.id"
				" AND (spans IS NULL OR spans < 0)) FROM runs r WHERE id = ?1",
			&stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		if (sqlite3_column_int(stmt, 1))
			sc->check = CHECK_THREADS;
		else if (!spec->pid && !spec->tid)
			sc->check = CHECK_ROWS;
		sc->expected_rows = sqlite3_column_int64(stmt, 0);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = db__error(sc->db, "cannot read runs");
	}
	sqlite3_finalize(stmt);
	/* Rows in another order than by thread: their total against the threads' sum. */
	if (sc->check == CHECK_THREADS && spec->order)
		sc->check = sum_recorded(sc, &sc->expected_rows) ? CHECK_ROWS : CHECK_NONE;
	return err;
}

static bool has_spans(const struct range_thread *t)
{
	return t->spans > 0 && t->last_span_id >= t->first_span_id;
}

/* The threads' span ids from lo to hi; per_thread: the sum of their ranges. */
struct extent {
	int64_t lo, hi, rows, per_thread;
};

/* a + b for a, b >= 0, at most INT64_MAX: sums of ranges are only cost estimates. */
static int64_t add_capped(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static struct extent measure(const struct range_scan *sc)
{
	struct extent e = { .lo = INT64_MAX };
	size_t i;

	for (i = 0; i < sc->n_threads; i++) {
		const struct range_thread *t = &sc->threads[i];

		if (!has_spans(t))
			continue;
		e.per_thread = add_capped(e.per_thread, t->last_span_id - t->first_span_id + 1);
		e.rows = add_capped(e.rows, t->spans);
		e.lo = t->first_span_id < e.lo ? t->first_span_id : e.lo;
		e.hi = t->last_span_id > e.hi ? t->last_span_id : e.hi;
	}
	return e;
}

/* Scanning each thread's range reads the overlapping parts of the run once per
 * thread; one scan of the whole range reads it once but sorts every row. */
static bool choose_per_thread(const struct extent *e)
{
	int64_t sort_cost = e->rows > INT64_MAX / SORT_COST_IN_ROWS ? INT64_MAX : SORT_COST_IN_ROWS * e->rows;

	return !e->rows || e->per_thread <= add_capped(e->hi - e->lo + 1, sort_cost);
}

char *range_scan__key_list(const char *column, const void *items, size_t n, size_t stride)
{
	size_t len = 32 + strlen(column) + n * 22, used, i;
	char *sql = malloc(len);

	if (!sql)
		return NULL;
	if (!n)
		return strcpy(sql, " AND 0");
	used = (size_t)snprintf(sql, len, " AND %s IN (", column);
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(sql + used, len - used, "%s%lld", i ? "," : "",
					 (long long)*(const int64_t *)((const char *)items + i * stride));
	snprintf(sql + used, len - used, ")");
	return sql;
}

/* " AND s.thread BETWEEN a AND b" for consecutive keys, else an IN list. */
static char *thread_condition(const struct range_scan *sc)
{
	bool consecutive = sc->n_threads > 0;
	char *sql;
	size_t i;

	for (i = 1; i < sc->n_threads; i++)
		consecutive &= sc->threads[i].key == sc->threads[i - 1].key + 1;
	if (!consecutive)
		return range_scan__key_list("s.thread", sc->threads, sc->n_threads, sizeof(*sc->threads));
	if (asprintf(&sql, " AND s.thread BETWEEN %lld AND %lld", (long long)sc->threads[0].key,
		     (long long)sc->threads[sc->n_threads - 1].key) < 0)
		return NULL;
	return sql;
}

static int prepare(struct range_scan *sc, const struct range_scan_spec *spec)
{
	const char *where = spec->where ? spec->where : "";
	char *threads = NULL, *sql = NULL;
	int n, err = 0;

	if (sc->per_thread)
		n = asprintf(&sql, "SELECT %s FROM spans s WHERE s.span_id BETWEEN ?2 AND ?3"
				   " AND s.thread = ?1%s ORDER BY s.span_id", spec->columns, where);
	else if (!(threads = thread_condition(sc)))
		n = -1;
	else /* the thread key last, for the count check: the caller's columns keep their places */
		n = asprintf(&sql, "SELECT %s%s FROM spans s WHERE s.span_id BETWEEN ?2 AND ?3%s%s%s",
			     spec->columns, sc->check == CHECK_THREADS ? ", s.thread" : "", threads, where,
			     spec->order ? spec->order : " ORDER BY s.thread, s.span_id");
	if (n < 0) {
		ferr("out of memory");
		err = -1;
	} else if (sqlite3_prepare_v2(sc->db->sql, sql, -1, &sc->stmt, NULL) != SQLITE_OK) {
		err = db__error(sc->db, "cannot read spans");
	}
	free(threads);
	free(sql);
	return err;
}

struct range_scan *range_scan__open(struct db *db, int64_t run_key,
				  const struct range_scan_spec *spec)
{
	struct range_scan *sc = calloc(1, sizeof(*sc));
	struct extent extent;

	if (!sc) {
		ferr("out of memory");
		return NULL;
	}
	sc->db = db;
	sc->thread_column = -1;
	if (load_threads(sc, run_key, spec->pid, spec->tid) || plan_check(sc, run_key, spec))
		goto fail;
	extent = measure(sc);
	sc->per_thread = !spec->order && choose_per_thread(&extent);
	if (prepare(sc, spec))
		goto fail;
	if (sc->check == CHECK_THREADS && !sc->per_thread)
		sc->thread_column = sqlite3_column_count(sc->stmt) - 1;
	if (!sc->per_thread) { /* the run's whole id range */
		sqlite3_bind_int64(sc->stmt, 2, extent.lo);
		sqlite3_bind_int64(sc->stmt, 3, extent.hi);
	}
	return sc;
fail:
	range_scan__free(sc);
	return NULL;
}

sqlite3_stmt *range_scan__stmt(struct range_scan *sc)
{
	return sc->stmt;
}

/* Per-thread mode: points the statement at the next thread that has spans. */
static bool bind_next_thread(struct range_scan *sc)
{
	const struct range_thread *t;

	while (sc->next_thread < sc->n_threads) {
		t = &sc->threads[sc->next_thread++];
		if (!has_spans(t))
			continue;
		sqlite3_reset(sc->stmt);
		sqlite3_bind_int64(sc->stmt, 1, t->key);
		sqlite3_bind_int64(sc->stmt, 2, t->first_span_id);
		sqlite3_bind_int64(sc->stmt, 3, t->last_span_id);
		return true;
	}
	return false;
}

/* CHECK_THREADS: compares the rows read of each thread before the one of key
 * (all: every thread left) with the count it recorded. */
static int compare_threads_before(struct range_scan *sc, int64_t key, bool all)
{
	const struct range_thread *t;

	for (; sc->tally_next < sc->n_threads; sc->tally_next++, sc->tally_rows = 0) {
		t = &sc->threads[sc->tally_next];
		if (!all && t->key >= key)
			break;
		if (sc->tally_rows != t->recorded_spans)
			return report_damage(sc, "thread %d holds %lld of its %lld spans", t->tid,
					     (long long)sc->tally_rows, (long long)t->recorded_spans);
	}
	return 0;
}

/* A row read: counted, for its thread (the one bound, or its key in the last column). */
static int count_row(struct range_scan *sc)
{
	int64_t key;

	if (sc->check == CHECK_THREADS) {
		key = sc->per_thread ? sc->threads[sc->next_thread - 1].key
				     : sqlite3_column_int64(sc->stmt, sc->thread_column);
		if (compare_threads_before(sc, key, false))
			return -1;
	}
	sc->tally_rows++;
	return 1;
}

static int finish(struct range_scan *sc)
{
	sc->done = true;
	if (sc->check == CHECK_THREADS)
		return compare_threads_before(sc, 0, true);
	if (sc->check == CHECK_ROWS && sc->tally_rows != sc->expected_rows)
		return report_damage(sc, "it holds %lld of the %lld spans recorded", (long long)sc->tally_rows,
				     (long long)sc->expected_rows);
	return 0;
}

int range_scan__step(struct range_scan *sc)
{
	int rc;

	if (sc->done)
		return 0;
	if (sc->per_thread && !sc->next_thread && !bind_next_thread(sc))
		return finish(sc);
	for (;;) {
		rc = sqlite3_step(sc->stmt);
		if (rc == SQLITE_ROW)
			return count_row(sc);
		if (rc != SQLITE_DONE)
			return db__error(sc->db, "cannot read spans");
		if (!sc->per_thread || !bind_next_thread(sc))
			return finish(sc);
	}
}

const struct range_thread *range_scan__thread(const struct range_scan *sc, int64_t thread_key)
{
	if (!sc->n_threads)
		return NULL;
	return bsearch(&thread_key, sc->threads, sc->n_threads, sizeof(*sc->threads), compare_int64_keys);
}

bool range_scan__per_thread(const struct range_scan *sc)
{
	return sc->per_thread;
}

void range_scan__free(struct range_scan *sc)
{
	if (!sc)
		return;
	sqlite3_finalize(sc->stmt);
	free(sc->threads);
	free(sc);
}
