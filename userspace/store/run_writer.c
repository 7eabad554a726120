/* SPDX-License-Identifier: BSD-2-Clause */
/* run_writer: a run's rows (see run_writer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <sqlite3.h>

#include "core/log.h"
#include "run_writer.h"

#ifndef FERRET_VERSION
#define FERRET_VERSION "unknown"
#endif

struct run_writer {
	struct db *db;
	struct span_writer *spans;
	/* The run being written; run_key is 0 when none is. */
	int64_t run_key;
	char run_id[128];
	sqlite3_stmt *find_module;
	sqlite3_stmt *insert_module;
	sqlite3_stmt *insert_function;
	sqlite3_stmt *insert_thread;
	sqlite3_stmt *insert_func_figures;
	sqlite3_stmt *set_probe;
};

struct run_writer *run_writer__new(struct db *db, struct span_writer *spans)
{
	struct run_writer *rw = calloc(1, sizeof(*rw));

	if (!rw) {
		ferr("out of memory");
		return NULL;
	}
	rw->db = db;
	rw->spans = spans;
	return rw;
}

static void finalize_statements(struct run_writer *rw)
{
	sqlite3_finalize(rw->find_module);
	sqlite3_finalize(rw->insert_module);
	sqlite3_finalize(rw->insert_function);
	sqlite3_finalize(rw->insert_thread);
	sqlite3_finalize(rw->insert_func_figures);
	sqlite3_finalize(rw->set_probe);
	rw->set_probe = NULL;
	rw->find_module = rw->insert_module = rw->insert_function = NULL;
	rw->insert_thread = rw->insert_func_figures = NULL;
}

void run_writer__free(struct run_writer *rw)
{
	if (!rw)
		return;
	finalize_statements(rw);
	free(rw);
}

static int prepare_statements(struct run_writer *rw)
{
	if (rw->find_module)
		return 0;
	if (db__prepare(rw->db, "SELECT id FROM modules WHERE run = ? AND path = ?", &rw->find_module) ||
	    db__prepare(rw->db, "INSERT INTO modules(run, path, build_id) VALUES(?, ?, ?)", &rw->insert_module) ||
	    db__prepare(rw->db,
			"INSERT INTO functions(run, module, name, \"offset\", symbol) VALUES(?, ?, ?, ?, ?)",
			&rw->insert_function) ||
	    db__prepare(rw->db, "INSERT INTO threads(run, pid, tid, comm) VALUES(?, ?, ?, ?)",
			&rw->insert_thread) ||
	    db__prepare(rw->db,
			"INSERT OR REPLACE INTO function_stats(function, run, calls, total_ns,"
			" min_ns, max_ns, hist, demoted_at_ns, sum_ns) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&rw->insert_func_figures) ||
	    db__prepare(rw->db, "UPDATE functions SET probe = ? WHERE id = ?", &rw->set_probe)) {
		finalize_statements(rw);
		return -1;
	}
	return 0;
}

/* 0 while a run is being written; else prints "PATH: what without a run being written", -1. */
static int require_run(const struct run_writer *rw, const char *what)
{
	if (rw->db->mode != STORE_WRITE || !rw->run_key) {
		ferr("%s: %s without a run being written", rw->db->path, what);
		return -1;
	}
	return 0;
}

/* 1: a run with this id exists, 0: it does not, <0: error. */
static int run_id_taken(struct run_writer *rw, const char *run_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__prepare(rw->db, "SELECT 1 FROM runs WHERE run_id = ?", &stmt))
		return -1;
	sqlite3_bind_text(stmt, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db__error(rw->db, "cannot read runs");
}

/* "run-YYYYmmdd-HHMMSS" from the run's wall-clock start, then "-2", "-3"... if taken. */
static int choose_run_id(struct run_writer *rw, const struct run_info *info)
{
	time_t t = info->start_real_ns > 0 ? (time_t)(info->start_real_ns / 1000000000LL) : time(NULL);
	char base[64];
	struct tm tm;
	int n, taken;

	if (info->run_id) {
		if (!*info->run_id || strlen(info->run_id) >= sizeof(rw->run_id)) {
			ferr("run id '%s' must be 1 to %zu characters", info->run_id,
			     sizeof(rw->run_id) - 1);
			return -1;
		}
		taken = run_id_taken(rw, info->run_id);
		if (taken > 0)
			ferr("run '%s' already exists in %s", info->run_id, rw->db->path);
		if (taken)
			return -1;
		snprintf(rw->run_id, sizeof(rw->run_id), "%s", info->run_id);
		return 0;
	}
	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "run-%Y%m%d-%H%M%S", &tm);
	snprintf(rw->run_id, sizeof(rw->run_id), "%s", base);
	for (n = 2; (taken = run_id_taken(rw, rw->run_id)) > 0; n++)
		snprintf(rw->run_id, sizeof(rw->run_id), "%s-%d", base, n);
	return taken < 0 ? -1 : 0;
}

static void bind_text_or_null(sqlite3_stmt *stmt, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(stmt, col, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, col);
}

static int insert_run(struct run_writer *rw, const struct run_info *info, int64_t first_span_id)
{
	sqlite3_stmt *stmt = NULL;
	struct utsname uts;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	if (db__prepare(rw->db,
			  "INSERT INTO runs(run_id, command, mode, pid, start_ns, end_ns,"
			  " start_real_ns, lost_events, exit_code, host, kernel, version,"
			  " min_duration_ns, aggregate, max_rate, first_span_id)"
			  " VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6, 0, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
			  &stmt))
		return -1;
	sqlite3_bind_text(stmt, 1, rw->run_id, -1, SQLITE_STATIC);
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
	sqlite3_bind_int64(stmt, 13, first_span_id);
	if (db__run(rw->db, stmt, "cannot add the run"))
		return -1;
	rw->run_key = sqlite3_last_insert_rowid(rw->db->sql);
	return 0;
}

int run_writer__begin(struct run_writer *rw, const struct run_info *info)
{
	int64_t first_span_id;
	int err;

	if (rw->db->mode != STORE_WRITE || rw->run_key) {
		ferr("%s: %s", rw->db->path,
		     rw->run_key ? "a run is already being written" : "opened read-only");
		return -1;
	}
	err = prepare_statements(rw);
	if (!err)
		err = span_writer__flush(rw->spans);
	/* One write transaction: the id check, the span id reservation and the insert. */
	if (!err)
		err = db__begin(rw->db);
	if (!err)
		err = choose_run_id(rw, info);
	if (!err)
		err = span_writer__start(rw->spans, info->start_mono_ns, &first_span_id);
	if (!err)
		err = insert_run(rw, info, first_span_id);
	if (!err)
		err = db__commit(rw->db);
	if (err) {
		db__rollback(rw->db);
		span_writer__stop(rw->spans);
		rw->run_key = 0;
		rw->run_id[0] = '\0';
	}
	return err;
}

/* Stays valid after run_writer__end, for the tracer's summary line. */
const char *run_writer__run_id(const struct run_writer *rw)
{
	return rw && rw->run_id[0] ? rw->run_id : NULL;
}

/* Steps a prepared INSERT, resets it and returns the new row's key or -1. */
static int64_t insert_row(struct run_writer *rw, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE)
		return db__error(rw->db, what);
	return sqlite3_last_insert_rowid(rw->db->sql);
}

int64_t run_writer__add_module(struct run_writer *rw, const char *path, const char *build_id)
{
	int64_t key = 0;
	int rc;

	if (require_run(rw, "add_module") || db__begin(rw->db))
		return -1;
	sqlite3_bind_int64(rw->find_module, 1, rw->run_key);
	bind_text_or_null(rw->find_module, 2, path);
	rc = sqlite3_step(rw->find_module);
	if (rc == SQLITE_ROW)
		key = sqlite3_column_int64(rw->find_module, 0);
	sqlite3_reset(rw->find_module);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db__error(rw->db, "cannot read modules");
	if (key > 0)
		return key;
	sqlite3_bind_int64(rw->insert_module, 1, rw->run_key);
	bind_text_or_null(rw->insert_module, 2, path);
	bind_text_or_null(rw->insert_module, 3, build_id);
	return insert_row(rw, rw->insert_module, "cannot add a module");
}

int64_t run_writer__add_function(struct run_writer *rw, int64_t module_key, const char *name, const char *symbol,
			     uint64_t offset)
{
	if (require_run(rw, "add_function") || db__begin(rw->db))
		return -1;
	sqlite3_bind_int64(rw->insert_function, 1, rw->run_key);
	sqlite3_bind_int64(rw->insert_function, 2, module_key);
	bind_text_or_null(rw->insert_function, 3, name);
	sqlite3_bind_int64(rw->insert_function, 4, (int64_t)offset);
	/* Stored only when it differs: C names are their own symbols. */
	bind_text_or_null(rw->insert_function, 5, symbol && name && strcmp(symbol, name) ? symbol : NULL);
	return insert_row(rw, rw->insert_function, "cannot add a function");
}

int run_writer__set_function_probe(struct run_writer *rw, int64_t function_key, const char *probe)
{
	int rc;

	if (require_run(rw, "set_function_probe") || db__begin(rw->db))
		return -1;
	bind_text_or_null(rw->set_probe, 1, probe);
	sqlite3_bind_int64(rw->set_probe, 2, function_key);
	rc = sqlite3_step(rw->set_probe);
	sqlite3_reset(rw->set_probe);
	return rc == SQLITE_DONE ? 0 : db__error(rw->db, "cannot add a function");
}

int run_writer__add_probe_cost(struct run_writer *rw, const struct probe_cost_row *c)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (require_run(rw, "add_probe_cost") || db__begin(rw->db) ||
	    db__prepare(rw->db, "INSERT INTO run_probe_costs(run, probe, calls, call_ns, inside_ns)"
				" VALUES(?, ?, ?, ?, ?)", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, rw->run_key);
	bind_text_or_null(stmt, 2, c->probe);
	sqlite3_bind_int64(stmt, 3, c->calls);
	sqlite3_bind_int64(stmt, 4, c->call_ns);
	sqlite3_bind_int64(stmt, 5, c->inside_ns);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : db__error(rw->db, "cannot store the probe costs");
}

/* A thread while the span writer only counts (a write failed): its calls are
 * counted under a key no row has, and nothing is written. */
#define UNSTORED_THREAD_KEY INT64_MAX

int64_t run_writer__add_thread(struct run_writer *rw, int pid, int tid, const char *comm)
{
	int64_t key;

	if (require_run(rw, "add_thread"))
		return -1;
	if (span_writer__failed(rw->spans))
		return UNSTORED_THREAD_KEY;
	if (db__begin(rw->db)) {
		span_writer__fail(rw->spans, rw->db->error);
		return UNSTORED_THREAD_KEY;
	}
	sqlite3_bind_int64(rw->insert_thread, 1, rw->run_key);
	sqlite3_bind_int(rw->insert_thread, 2, pid);
	sqlite3_bind_int(rw->insert_thread, 3, tid);
	bind_text_or_null(rw->insert_thread, 4, comm);
	key = insert_row(rw, rw->insert_thread, "cannot add a thread");
	if (key > 0 && span_writer__track_thread(rw->spans, key))
		return -1;
	/* Threads appear while tracing: committed at once, so the write lock is never
	 * kept from another tracer writing the same file. */
	if (key > 0 && !db__commit(rw->db))
		return key;
	span_writer__fail(rw->spans, rw->db->error); /* not stored: disk full, I/O */
	return UNSTORED_THREAD_KEY;
}

int run_writer__rename_thread(struct run_writer *rw, int64_t thread_key, const char *comm)
{
	sqlite3_stmt *stmt = NULL;

	/* Renames are rare: a one-shot statement, committed at once like a new thread. */
	if (require_run(rw, "rename_thread") || db__begin(rw->db) ||
	    db__prepare(rw->db, "UPDATE threads SET comm = ? WHERE id = ? AND run = ?", &stmt))
		return -1;
	bind_text_or_null(stmt, 1, comm);
	sqlite3_bind_int64(stmt, 2, thread_key);
	sqlite3_bind_int64(stmt, 3, rw->run_key);
	if (db__run(rw->db, stmt, "cannot rename a thread"))
		return -1;
	return db__commit(rw->db) ? -1 : 0;
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

int run_writer__add_func_figures(struct run_writer *rw, const struct func_figures_row *rec)
{
	char hist[128 * 21 + 3];
	sqlite3_stmt *stmt = rw->insert_func_figures;

	if (require_run(rw, "add_func_stats") || db__begin(rw->db))
		return -1;
	if (rec->nbuckets < 0 || rec->nbuckets > 128 ||
	    (rec->nbuckets && (!rec->hist || format_hist(rec->hist, rec->nbuckets, hist, sizeof(hist))))) {
		ferr("%s: a latency histogram of %d buckets cannot be stored", rw->db->path, rec->nbuckets);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, rec->function_key);
	sqlite3_bind_int64(stmt, 2, rw->run_key);
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
	return insert_row(rw, stmt, "cannot add function figures") < 0 ? -1 : 0;
}

int run_writer__add_function_probe(struct run_writer *rw, const struct function_probe_row *rec)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (require_run(rw, "add_function_probe") || db__begin(rw->db) ||
	    db__prepare(rw->db, "INSERT OR REPLACE INTO function_probes(function, run, count_only, calls,"
			     " removed_at_ns) VALUES(?, ?, ?, ?, ?)", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, rec->function_key);
	sqlite3_bind_int64(stmt, 2, rw->run_key);
	sqlite3_bind_int(stmt, 3, rec->count_only);
	sqlite3_bind_int64(stmt, 4, rec->calls);
	if (rec->removed_at_ns)
		sqlite3_bind_int64(stmt, 5, rec->removed_at_ns);
	else
		sqlite3_bind_null(stmt, 5);
	rc = insert_row(rw, stmt, "cannot add a function's probes");
	sqlite3_finalize(stmt);
	return rc < 0 ? -1 : 0;
}

static int update_run_end(struct run_writer *rw, const struct run_end *end)
{
	sqlite3_stmt *stmt = NULL;

	if (db__prepare(rw->db, "UPDATE runs SET end_ns = ?, lost_events = ?, exit_code = ?, spans = ?,"
			     " no_return_spans = ?, lost_spans = ?, unstored_spans = ? WHERE id = ?", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, end->end_mono_ns);
	sqlite3_bind_int64(stmt, 2, end->lost_events);
	if (end->has_exit_code)
		sqlite3_bind_int(stmt, 3, end->exit_code);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int64(stmt, 4, span_writer__stored(rw->spans));
	sqlite3_bind_int64(stmt, 5, end->no_return_spans);
	sqlite3_bind_int64(stmt, 6, end->lost_spans);
	sqlite3_bind_int64(stmt, 7, span_writer__unstored(rw->spans, NULL));
	sqlite3_bind_int64(stmt, 8, rw->run_key);
	return db__run(rw->db, stmt, "cannot finish the run");
}

/* The run's end is recorded even when some spans could not be (they are counted):
 * the span writer keeps room on the disk for it (span_writer.c). */
int run_writer__end(struct run_writer *rw, const struct run_end *end)
{
	int err, spans_err;

	if (require_run(rw, "end_run"))
		return -1;
	spans_err = span_writer__flush(rw->spans);
	err = db__begin(rw->db);
	if (!err)
		err = update_run_end(rw, end);
	if (!err)
		err = span_writer__finish(rw->spans);
	if (!err)
		err = db__commit(rw->db);
	if (err) {
		db__rollback(rw->db);
		ferr("%s: the end of run %s could not be stored: the file shows it as still being written",
		     rw->db->path, rw->run_id);
	}
	span_writer__stop(rw->spans);
	rw->run_key = 0;
	return spans_err ? spans_err : err;
}
