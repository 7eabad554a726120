/* SPDX-License-Identifier: BSD-2-Clause */
/* run_figures: analyze's stored figures of a run (see run_figures.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "core/log.h"
#include "run_figures.h"

struct figures_writer {
	struct db *db;
	int64_t run_key;
	sqlite3_stmt *function, *node;
};

static const char insert_function_sql[] =
	"INSERT INTO run_functions(run, seq, function, calls, errors, total_ns, self_ns, min_ns, max_ns,"
	" avg_ns, p50_ns, p95_ns, p99_ns, approx_p50_ns, approx_p95_ns, approx_p99_ns, stored_spans,"
	" incomplete, sched_calls, nosched_calls, cpu_ns, blocked_ns, runq_ns, blocked_in)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	" ?19, ?20, ?21, ?22, ?23, ?24)";

static const char insert_node_sql[] =
	"INSERT INTO run_tree(run, thread, node, parent, function, calls, errors, total_ns, self_ns,"
	" sched_calls, nosched_calls, cpu_ns, blocked_ns, runq_ns, blocked_in)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

/* The sched columns' select list (schema_sched.h), and NULLs for a version 5 file. */
#define SCHED_COLUMNS_SQL(p) p "sched_calls, " p "nosched_calls, " p "cpu_ns, " p "blocked_ns, " p "runq_ns, " p "blocked_in"
#define NO_SCHED_COLUMNS_SQL "NULL, NULL, NULL, NULL, NULL, NULL"

/* A count kept as uint64 goes in as SQLite's int64: it never comes near 2^63. */
static void bind_count(sqlite3_stmt *stmt, int col, uint64_t n)
{
	sqlite3_bind_int64(stmt, col, n > INT64_MAX ? INT64_MAX : (int64_t)n);
}

/* The six sched columns from col on: counts, sums, then blocked_in as "nr:ns,nr:ns". */
static void bind_sched(sqlite3_stmt *stmt, int col, const struct sched_sum *sum)
{
	char text[SCHED_SUM_SYSCALLS * 34 + 1]; /* "-2147483648:-9223372036854775808," each */
	size_t len = 0;
	uint8_t i;

	bind_count(stmt, col, sum->known);
	bind_count(stmt, col + 1, sum->unknown);
	sqlite3_bind_int64(stmt, col + 2, sum->cpu_ns);
	sqlite3_bind_int64(stmt, col + 3, sum->blocked_ns);
	sqlite3_bind_int64(stmt, col + 4, sum->runq_ns);
	text[0] = '\0';
	for (i = 0; i < sum->nnr && i < SCHED_SUM_SYSCALLS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%" PRId32 ":%" PRId64, i ? "," : "",
					sum->nr[i], sum->nr_ns[i]);
	sqlite3_bind_text(stmt, col + 5, text, (int)len, SQLITE_TRANSIENT);
}

static int clear_run(struct db *db, int64_t run_key)
{
	static const char *const sql[] = {
		"DELETE FROM run_figures WHERE run = ?",
		"DELETE FROM run_functions WHERE run = ?",
		"DELETE FROM run_tree WHERE run = ?",
	};
	sqlite3_stmt *stmt;
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (db__prepare(db, sql[i], &stmt))
			return -1;
		sqlite3_bind_int64(stmt, 1, run_key);
		if (db__run(db, stmt, "cannot store the run's figures"))
			return -1;
	}
	return 0;
}

struct figures_writer *figures_writer__begin(struct db *db, int64_t run_key)
{
	struct figures_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		ferr("out of memory");
		return NULL;
	}
	w->db = db;
	w->run_key = run_key;
	if (db__begin(db) || clear_run(db, run_key) || db__prepare(db, insert_function_sql, &w->function) ||
	    db__prepare(db, insert_node_sql, &w->node)) {
		figures_writer__free(w);
		return NULL;
	}
	return w;
}

static int step(struct figures_writer *w, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt), err = 0;

	if (rc != SQLITE_DONE)
		err = db__error(w->db, "cannot store the run's figures"); /* before reset: the step's message */
	sqlite3_reset(stmt);
	return err;
}

int figures_writer__function(struct figures_writer *w, int64_t seq, const struct stored_function_row *r)
{
	sqlite3_stmt *s = w->function;
	int k;

	sqlite3_bind_int64(s, 1, w->run_key);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_int64(s, 3, r->function_key);
	bind_count(s, 4, r->calls);
	bind_count(s, 5, r->errors);
	bind_count(s, 18, r->incomplete);
	sqlite3_bind_int64(s, 6, r->total_ns);
	if (r->self_known)
		sqlite3_bind_int64(s, 7, r->self_ns);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_int64(s, 8, r->min_ns);
	sqlite3_bind_int64(s, 9, r->max_ns);
	sqlite3_bind_int64(s, 10, r->avg_ns);
	for (k = 0; k < 3; k++) {
		sqlite3_bind_int64(s, 11 + k, r->pct[k]);
		sqlite3_bind_int64(s, 14 + k, r->approx_pct[k]);
	}
	if (r->aggregated)
		bind_count(s, 17, r->stored_spans);
	else
		sqlite3_bind_null(s, 17);
	bind_sched(s, 19, &r->sched);
	return step(w, s);
}

int figures_writer__node(struct figures_writer *w, const struct stored_tree_node *n)
{
	sqlite3_stmt *s = w->node;

	sqlite3_bind_int64(s, 1, w->run_key);
	sqlite3_bind_int64(s, 2, n->thread_key);
	sqlite3_bind_int64(s, 3, n->node);
	sqlite3_bind_int64(s, 4, n->parent);
	sqlite3_bind_int64(s, 5, n->function_key);
	bind_count(s, 6, n->calls);
	bind_count(s, 7, n->errors);
	sqlite3_bind_int64(s, 8, n->total_ns);
	sqlite3_bind_int64(s, 9, n->self_ns);
	bind_sched(s, 10, &n->sched);
	return step(w, s);
}

int figures_writer__commit(struct figures_writer *w, const struct stored_run_totals *totals)
{
	sqlite3_stmt *stmt;

	if (db__prepare(w->db, "INSERT INTO run_figures(run, spans, traced_ns) VALUES (?, ?, ?)", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, w->run_key);
	sqlite3_bind_int64(stmt, 2, totals->spans);
	sqlite3_bind_int64(stmt, 3, totals->traced_ns);
	if (db__run(w->db, stmt, "cannot store the run's figures"))
		return -1;
	return db__commit(w->db);
}

void figures_writer__free(struct figures_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->function);
	sqlite3_finalize(w->node);
	if (w->db->in_txn)
		db__rollback(w->db);
	free(w);
}

/* ---- reading ---- */

static int read_error(struct db *db)
{
	db__error(db, "cannot read the run's figures");
	return -EIO;
}

static uint64_t column_count(sqlite3_stmt *stmt, int col)
{
	int64_t v = sqlite3_column_int64(stmt, col);

	return v < 0 ? 0 : (uint64_t)v;
}

int run_figures__totals(struct db *db, int64_t run_key, struct stored_run_totals *out)
{
	sqlite3_stmt *stmt;
	int rc;

	int gone = 0;

	/* A thread whose first or last span is gone (spans deleted, a damaged file): the figures
	 * are not the spans' any more, and reading those says what is wrong. Two rowid lookups
	 * per thread, not a count of every span. */
	if (db__prepare(db, "SELECT f.spans, f.traced_ns, (SELECT count(*) FROM threads t"
			    " WHERE t.run = f.run AND t.spans > 0 AND ("
			    "NOT EXISTS (SELECT 1 FROM spans s WHERE s.span_id = t.first_span_id AND s.thread = t.id)"
			    " OR NOT EXISTS (SELECT 1 FROM spans s WHERE s.span_id = t.last_span_id AND s.thread = t.id)))"
			    " FROM run_figures f WHERE f.run = ?", &stmt))
		return -EIO;
	sqlite3_bind_int64(stmt, 1, run_key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->spans = sqlite3_column_int64(stmt, 0);
		out->traced_ns = sqlite3_column_int64(stmt, 1);
		gone = sqlite3_column_int(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW && !gone;
	return read_error(db);
}

/* The six sched columns from col on (NULL: none, a version 5 file); -EIO: a blocked_in that is
 * not what bind_sched writes (printed). */
static int read_sched(struct db *db, sqlite3_stmt *stmt, int col, struct sched_sum *sum)
{
	const char *p = (const char *)sqlite3_column_text(stmt, col + 5);
	char *end;
	long long nr;

	*sum = (struct sched_sum){ .known = column_count(stmt, col), .unknown = column_count(stmt, col + 1),
				   .cpu_ns = sqlite3_column_int64(stmt, col + 2),
				   .blocked_ns = sqlite3_column_int64(stmt, col + 3),
				   .runq_ns = sqlite3_column_int64(stmt, col + 4) };
	while (p && *p) {
		nr = strtoll(p, &end, 10);
		if (end == p || *end != ':' || nr < INT32_MIN || nr > INT32_MAX || sum->nnr == SCHED_SUM_SYSCALLS)
			goto damaged;
		sum->nr[sum->nnr] = (int32_t)nr;
		p = end + 1;
		sum->nr_ns[sum->nnr++] = strtoll(p, &end, 10);
		if (end == p || (*end && *end != ','))
			goto damaged;
		p = *end ? end + 1 : end;
	}
	return 0;
damaged:
	ferr("%s: the figures stored for a run are damaged (blocked_in '%s')", db->path,
	     (const char *)sqlite3_column_text(stmt, col + 5));
	return -EIO;
}

static void read_function(sqlite3_stmt *s, struct stored_function_row *r)
{
	int k;

	r->function_key = sqlite3_column_int64(s, 0);
	r->calls = column_count(s, 1);
	r->errors = column_count(s, 2);
	r->total_ns = sqlite3_column_int64(s, 3);
	r->self_known = sqlite3_column_type(s, 4) != SQLITE_NULL;
	r->self_ns = sqlite3_column_int64(s, 4);
	r->min_ns = sqlite3_column_int64(s, 5);
	r->max_ns = sqlite3_column_int64(s, 6);
	r->avg_ns = sqlite3_column_int64(s, 7);
	for (k = 0; k < 3; k++) {
		r->pct[k] = sqlite3_column_int64(s, 8 + k);
		r->approx_pct[k] = sqlite3_column_int64(s, 11 + k);
	}
	r->aggregated = sqlite3_column_type(s, 14) != SQLITE_NULL;
	r->stored_spans = column_count(s, 14);
	r->incomplete = column_count(s, 15);
}

int run_figures__functions(struct db *db, int64_t run_key,
			   int (*cb)(void *ctx, const struct stored_function_row *row), void *ctx)
{
	struct stored_function_row row;
	sqlite3_stmt *stmt;
	int rc, err = 0;

	/* Version 5 counted every call not ok as an error: those are its incomplete ones. */
	if (db__prepare(db, db->schema_version >= 6
			    ? "SELECT function, calls, errors, total_ns, self_ns, min_ns, max_ns, avg_ns,"
			      " p50_ns, p95_ns, p99_ns, approx_p50_ns, approx_p95_ns, approx_p99_ns, stored_spans,"
			      " incomplete, " SCHED_COLUMNS_SQL("") " FROM run_functions WHERE run = ? ORDER BY seq"
			    : "SELECT function, calls, 0, total_ns, self_ns, min_ns, max_ns, avg_ns,"
			      " p50_ns, p95_ns, p99_ns, approx_p50_ns, approx_p95_ns, approx_p99_ns, stored_spans,"
			      " errors, " NO_SCHED_COLUMNS_SQL " FROM run_functions WHERE run = ? ORDER BY seq", &stmt))
		return -EIO;
	sqlite3_bind_int64(stmt, 1, run_key);
	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_function(stmt, &row);
		if (!(err = read_sched(db, stmt, 16, &row.sched)))
			err = cb(ctx, &row);
	}
	if (!err && rc != SQLITE_DONE)
		err = read_error(db);
	sqlite3_finalize(stmt);
	return err;
}

int run_figures__tree(struct db *db, int64_t run_key, int pid, int tid,
		      int (*cb)(void *ctx, const struct stored_tree_node *node), void *ctx)
{
	struct stored_tree_node n;
	sqlite3_stmt *stmt;
	int rc, err = 0;

	/* The threads' filter is the one the span scan applies (range_scan.c). */
#define TREE_SELECT_SQL "SELECT n.thread, n.node, n.parent, n.function, n.calls, n.errors, n.total_ns, n.self_ns, "
#define TREE_FROM_SQL                                                                              \
	" FROM run_tree n JOIN threads t ON t.id = n.thread"                                       \
	" WHERE n.run = ?1 AND (?2 = 0 OR t.pid = ?2) AND (?3 = 0 OR t.tid = ?3) ORDER BY n.thread, n.node"
	if (db__prepare(db, db->schema_version >= 9
			    ? TREE_SELECT_SQL SCHED_COLUMNS_SQL("n.") TREE_FROM_SQL
			    : TREE_SELECT_SQL NO_SCHED_COLUMNS_SQL TREE_FROM_SQL, &stmt))
		return -EIO;
	sqlite3_bind_int64(stmt, 1, run_key);
	sqlite3_bind_int(stmt, 2, pid);
	sqlite3_bind_int(stmt, 3, tid);
	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n.thread_key = sqlite3_column_int64(stmt, 0);
		n.node = sqlite3_column_int64(stmt, 1);
		n.parent = sqlite3_column_int64(stmt, 2);
		n.function_key = sqlite3_column_int64(stmt, 3);
		n.calls = column_count(stmt, 4);
		n.errors = column_count(stmt, 5);
		n.total_ns = sqlite3_column_int64(stmt, 6);
		n.self_ns = sqlite3_column_int64(stmt, 7);
		if (!(err = read_sched(db, stmt, 8, &n.sched)))
			err = cb(ctx, &n);
	}
	if (!err && rc != SQLITE_DONE)
		err = read_error(db);
	sqlite3_finalize(stmt);
	return err;
}
