/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store: writing a run (the tracer). Modules, functions and threads go in at
 * once (callers need their keys); spans are store_spans.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "core/log.h"
#include "store_internal.h"

#ifndef FERRET_VERSION
#define FERRET_VERSION "unknown"
#endif

void store_finalize_writers(struct store *s)
{
	sqlite3_finalize(s->insert_span);
	sqlite3_finalize(s->insert_spans);
	sqlite3_finalize(s->update_span);
	sqlite3_finalize(s->find_module);
	sqlite3_finalize(s->insert_module);
	sqlite3_finalize(s->insert_function);
	sqlite3_finalize(s->insert_thread);
	sqlite3_finalize(s->insert_func_stats);
	s->insert_span = s->insert_spans = s->update_span = s->find_module = s->insert_module = NULL;
	s->insert_function = s->insert_thread = s->insert_func_stats = NULL;
}

static int prepare_writers(struct store *s)
{
	if (s->insert_span)
		return 0;
	if (store_prepare_span_writers(s) ||
	    store_prepare(s, "SELECT id FROM modules WHERE run = ? AND path = ?", &s->find_module) ||
	    store_prepare(s, "INSERT INTO modules(run, path) VALUES(?, ?)", &s->insert_module) ||
	    store_prepare(s,
			  "INSERT INTO functions(run, module, name, \"offset\", symbol) VALUES(?, ?, ?, ?, ?)",
			  &s->insert_function) ||
	    store_prepare(s, "INSERT INTO threads(run, pid, tid, comm) VALUES(?, ?, ?, ?)",
			  &s->insert_thread) ||
	    store_prepare(s,
			  "INSERT OR REPLACE INTO function_stats(function, run, calls, total_ns,"
			  " min_ns, max_ns, hist, demoted_at_ns, sum_ns) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  &s->insert_func_stats)) {
		store_finalize_writers(s);
		return -1;
	}
	return 0;
}

/* 1: a run with this id exists, 0: it does not, <0: error. */
static int run_id_taken(struct store *s, const char *run_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, "SELECT 1 FROM runs WHERE run_id = ?", &stmt))
		return -1;
	sqlite3_bind_text(stmt, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_sql_error(s, "cannot read runs");
}

/* "run-YYYYmmdd-HHMMSS" from the run's wall-clock start, then "-2", "-3"... if taken. */
static int choose_run_id(struct store *s, const struct run_info *info)
{
	time_t t = info->start_real_ns > 0 ? (time_t)(info->start_real_ns / 1000000000LL) : time(NULL);
	char base[64];
	struct tm tm;
	int n, taken;

	if (info->run_id) {
		if (!*info->run_id || strlen(info->run_id) >= sizeof(s->run_id)) {
			ferr("run id '%s' must be 1 to %zu characters", info->run_id,
			     sizeof(s->run_id) - 1);
			return -1;
		}
		taken = run_id_taken(s, info->run_id);
		if (taken > 0)
			ferr("run '%s' already exists in %s", info->run_id, s->path);
		if (taken)
			return -1;
		snprintf(s->run_id, sizeof(s->run_id), "%s", info->run_id);
		return 0;
	}
	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "run-%Y%m%d-%H%M%S", &tm);
	snprintf(s->run_id, sizeof(s->run_id), "%s", base);
	for (n = 2; (taken = run_id_taken(s, s->run_id)) > 0; n++)
		snprintf(s->run_id, sizeof(s->run_id), "%s-%d", base, n);
	return taken < 0 ? -1 : 0;
}

static void bind_text_or_null(sqlite3_stmt *stmt, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(stmt, col, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, col);
}

static int insert_run(struct store *s, const struct run_info *info)
{
	sqlite3_stmt *stmt = NULL;
	struct utsname uts;
	int rc;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	if (store_prepare(s,
			  "INSERT INTO runs(run_id, command, mode, pid, start_ns, end_ns,"
			  " start_real_ns, lost_events, exit_code, host, kernel, version,"
			  " min_duration_ns, aggregate, max_rate, first_span_id)"
			  " VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6, 0, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
			  &stmt))
		return -1;
	sqlite3_bind_text(stmt, 1, s->run_id, -1, SQLITE_STATIC);
	bind_text_or_null(stmt, 2, info->command);
	bind_text_or_null(stmt, 3, info->mode);
	sqlite3_bind_int(stmt, 4, info->pid);
	sqlite3_bind_int64(stmt, 5, info->start_mono_ns);
	sqlite3_bind_int64(stmt, 6, info->start_real_ns);
	sqlite3_bind_text(stmt, 7, uts.nodename, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, uts.release, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 9, FERRET_VERSION, -1, SQLITE_STATIC);
	if (info->min_duration_ns > 0)
		sqlite3_bind_int64(stmt, 10, info->min_duration_ns);
	sqlite3_bind_int(stmt, 11, info->aggregate);
	if (info->max_rate > 0)
		sqlite3_bind_int64(stmt, 12, info->max_rate);
	sqlite3_bind_int64(stmt, 13, s->next_span_id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, "cannot add the run");
	s->run_key = sqlite3_last_insert_rowid(s->db);
	s->run_start_ns = info->start_mono_ns;
	return 0;
}

int store__begin_run(struct store *s, const struct run_info *info)
{
	int err;

	if (s->mode != STORE_WRITE || s->run_key) {
		ferr("%s: %s", s->path,
		     s->run_key ? "a run is already being written" : "opened read-only");
		return -1;
	}
	err = prepare_writers(s);
	if (!err)
		err = store__flush(s);
	/* One write transaction: the id check, the span id reservation and the insert. */
	if (!err)
		err = store_begin_txn(s);
	if (!err)
		err = choose_run_id(s, info);
	if (!err)
		err = store_start_spans(s);
	if (!err)
		err = insert_run(s, info);
	if (!err)
		err = store_commit_txn(s);
	if (err) {
		if (s->in_txn) {
			s->in_txn = false;
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		}
		s->run_key = 0;
		s->run_id[0] = '\0';
		return err;
	}
	return 0;
}

/* Stays valid after store__end_run, for the tracer's summary line. */
const char *store__run_id(const struct store *s)
{
	return s && s->run_id[0] ? s->run_id : NULL;
}

/* Steps a prepared INSERT, resets it and returns the new row's key or -1. */
static int64_t insert_row(struct store *s, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(s, what);
	return sqlite3_last_insert_rowid(s->db);
}

int64_t store__add_module(struct store *s, const char *path)
{
	int64_t key = 0;
	int rc;

	if (store_require_run(s, "add_module") || store_begin_txn(s))
		return -1;
	sqlite3_bind_int64(s->find_module, 1, s->run_key);
	bind_text_or_null(s->find_module, 2, path);
	rc = sqlite3_step(s->find_module);
	if (rc == SQLITE_ROW)
		key = sqlite3_column_int64(s->find_module, 0);
	sqlite3_reset(s->find_module);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sql_error(s, "cannot read modules");
	if (key > 0)
		return key;
	sqlite3_bind_int64(s->insert_module, 1, s->run_key);
	bind_text_or_null(s->insert_module, 2, path);
	return insert_row(s, s->insert_module, "cannot add a module");
}

int64_t store__add_function(struct store *s, int64_t module_key, const char *name, const char *symbol,
			     uint64_t offset)
{
	if (store_require_run(s, "add_function") || store_begin_txn(s))
		return -1;
	sqlite3_bind_int64(s->insert_function, 1, s->run_key);
	sqlite3_bind_int64(s->insert_function, 2, module_key);
	bind_text_or_null(s->insert_function, 3, name);
	sqlite3_bind_int64(s->insert_function, 4, (int64_t)offset);
	/* Stored only when it differs: C names are their own symbols. */
	bind_text_or_null(s->insert_function, 5, symbol && name && strcmp(symbol, name) ? symbol : NULL);
	return insert_row(s, s->insert_function, "cannot add a function");
}

int64_t store__add_thread(struct store *s, int pid, int tid, const char *comm)
{
	int64_t key;

	if (store_require_run(s, "add_thread") || store_begin_txn(s))
		return -1;
	sqlite3_bind_int64(s->insert_thread, 1, s->run_key);
	sqlite3_bind_int(s->insert_thread, 2, pid);
	sqlite3_bind_int(s->insert_thread, 3, tid);
	bind_text_or_null(s->insert_thread, 4, comm);
	key = insert_row(s, s->insert_thread, "cannot add a thread");
	if (key > 0 && store_track_thread(s, key))
		return -1;
	/* Threads appear while tracing: committed at once, so the write lock is never
	 * kept from another tracer writing the same file. */
	return key > 0 && store_commit_txn(s) ? -1 : key;
}

/* The histogram as a JSON array, so SQL users can read it with json_each(). */
static int format_hist(const uint64_t *hist, int nbuckets, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	for (i = 0; i < nbuckets && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%c%llu", i ? ',' : '[',
					 (unsigned long long)hist[i]);
	if (used + 2 > len)
		return -1;
	snprintf(buf + used, len - used, "]");
	return 0;
}

int store__add_func_stats(struct store *s, const struct func_stats_rec *rec)
{
	char hist[128 * 21 + 3];
	sqlite3_stmt *stmt = s->insert_func_stats;

	if (store_require_run(s, "add_func_stats") || store_begin_txn(s))
		return -1;
	if (rec->nbuckets < 0 || rec->nbuckets > 128 ||
	    (rec->nbuckets && (!rec->hist || format_hist(rec->hist, rec->nbuckets, hist, sizeof(hist))))) {
		ferr("%s: a latency histogram of %d buckets cannot be stored", s->path, rec->nbuckets);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, rec->function_key);
	sqlite3_bind_int64(stmt, 2, s->run_key);
	sqlite3_bind_int64(stmt, 3, rec->calls);
	sqlite3_bind_int64(stmt, 4, rec->total_ns);
	sqlite3_bind_int64(stmt, 5, rec->min_ns);
	sqlite3_bind_int64(stmt, 6, rec->max_ns);
	bind_text_or_null(stmt, 7, rec->nbuckets ? hist : NULL);
	if (rec->demoted_at_ns)
		sqlite3_bind_int64(stmt, 8, rec->demoted_at_ns);
	else
		sqlite3_bind_null(stmt, 8);
	sqlite3_bind_int64(stmt, 9, rec->sum_ns);
	return insert_row(s, stmt, "cannot add function figures") < 0 ? -1 : 0;
}

static int update_run_end(struct store *s, const struct run_end *end)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (store_prepare(s, "UPDATE runs SET end_ns = ?, lost_events = ?, exit_code = ?, spans = ?"
			     " WHERE id = ?", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, end->end_mono_ns);
	sqlite3_bind_int64(stmt, 2, end->lost_events);
	if (end->has_exit_code)
		sqlite3_bind_int(stmt, 3, end->exit_code);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int64(stmt, 4, s->run_spans);
	sqlite3_bind_int64(stmt, 5, s->run_key);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(s, "cannot finish the run");
}

/* The run's end is recorded even when some spans could not be (that error was printed). */
int store__end_run(struct store *s, const struct run_end *end)
{
	int err, spans_err;

	if (store_require_run(s, "end_run"))
		return -1;
	spans_err = store__flush(s);
	err = store_begin_txn(s);
	if (!err)
		err = update_run_end(s, end);
	if (!err)
		err = store_record_thread_spans(s);
	if (!err)
		err = store_return_span_ids(s);
	if (!err)
		err = store_commit_txn(s);
	s->run_key = 0;
	return spans_err ? spans_err : err;
}
