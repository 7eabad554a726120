/* SPDX-License-Identifier: BSD-2-Clause */
/* run_query: analyze's queries (see run_query.h), on a connection of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/log.h"
#include "range_scan.h"
#include "func_names.h"
#include "run_figures.h"
#include "run_query.h"
#include "arg_store.h"
#include "schema_sched.h"
#include "schema.h"

struct run_query {
	struct db *db;
	sqlite3_stmt *function_names;
	sqlite3_stmt *thread_ids;
	sqlite3_stmt *function_cost;
	const struct func_names *names; /* shown instead of the stored ones; NULL: none */
};

struct keyed_spans {
	struct range_scan *scan;
	bool sched; /* the file's spans have the on-CPU/blocked columns */
};

void run_query__free(struct run_query *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->function_names);
	sqlite3_finalize(st->function_cost);
	sqlite3_finalize(st->thread_ids);
	db__free(st->db);
	free(st);
}

static int sql_error(const struct run_query *st, const char *what)
{
	db__error(st->db, what);
	return -EIO;
}

/* The sorter holds at most cache_size in RAM per worker, then spills to temp files
 * (temp_store=FILE); extra worker threads sort those chunks in parallel. */
static int tune_connection(struct db *db)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char sql[160];

	snprintf(sql, sizeof(sql), "PRAGMA temp_store=FILE; PRAGMA threads=%ld;",
		 cpus > 4 ? 4 : cpus > 1 ? cpus - 1 : 0);
	return db__exec(db, sql, "cannot set up");
}

/* The one checked open, as every reader's: the file checks, the schema's, the pragmas. */
int run_query__open(const char *path, struct run_query **out)
{
	struct run_query *st = calloc(1, sizeof(*st));

	*out = NULL;
	if (!st) {
		ferr("out of memory");
		return -ENOMEM;
	}
	if (db__open(path, STORE_READ, &st->db) || schema__set_up(st->db) || db__ready(st->db) ||
	    tune_connection(st->db)) {
		run_query__free(st);
		return -EIO;
	}
	*out = st;
	return 0;
}

int run_query__durations(struct run_query *st, int64_t run_key, int pid, int tid, const int64_t *keys,
			   size_t n_keys, bool sorted, run_query_duration_cb cb, void *ctx)
{
	char *where = n_keys ? range_scan__key_list("s.function", keys, n_keys, sizeof(*keys)) : strdup("");
	struct range_scan_spec spec = {
		.columns = "s.function, s.duration_ns",
		.where = where,
		.order = sorted ? " ORDER BY s.function, s.duration_ns" : "",
		.pid = pid,
		.tid = tid,
	};
	struct range_scan *sc = NULL;
	sqlite3_stmt *stmt;
	int err = 0, rc;

	if (!where) {
		ferr("out of memory");
		return -ENOMEM;
	}
	if (!(sc = range_scan__open(st->db, run_key, &spec))) {
		err = -EIO;
		goto cleanup;
	}
	stmt = range_scan__stmt(sc);
	while ((rc = range_scan__step(sc)) > 0) {
		err = cb(ctx, sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1));
		if (err)
			goto cleanup;
	}
	if (rc < 0)
		err = -EIO;
cleanup:
	range_scan__free(sc);
	free(where);
	return err;
}

struct keyed_spans *run_query__keyed_spans(struct run_query *st, int64_t run_key, int pid, int tid)
{
	struct keyed_spans *sc = calloc(1, sizeof(*sc));
	struct range_scan_spec spec = {
		.columns = "s.span_id, s.parent_id, s.thread, s.function, s.start_ns, s.duration_ns, s.status",
		.pid = pid,
		.tid = tid,
	};
	int has;

	if (!sc) {
		ferr("out of memory");
		return NULL;
	}
	if ((has = schema_sched__has_columns(st->db)) < 0) {
		free(sc);
		return NULL;
	}
	sc->sched = has;
	if (has)
		spec.columns = "s.span_id, s.parent_id, s.thread, s.function, s.start_ns, s.duration_ns, s.status,"
			       " s.cpu_ns, s.blocked_ns, s.runq_ns, s.blocked_in";
	if (!(sc->scan = range_scan__open(st->db, run_key, &spec))) {
		free(sc);
		return NULL;
	}
	return sc;
}

int keyed_spans__next(struct keyed_spans *sc, struct keyed_span *row)
{
	sqlite3_stmt *stmt = range_scan__stmt(sc->scan);
	int rc = range_scan__step(sc->scan);

	if (rc <= 0)
		return rc;
	row->span_id = sqlite3_column_int64(stmt, 0);
	row->parent_id = sqlite3_column_int64(stmt, 1); /* NULL reads as 0 */
	row->thread_key = sqlite3_column_int64(stmt, 2);
	row->function_key = sqlite3_column_int64(stmt, 3);
	row->start_ns = sqlite3_column_int64(stmt, 4);
	row->duration_ns = sqlite3_column_int64(stmt, 5);
	row->status = sqlite3_column_int(stmt, 6);
	row->has_sched = sc->sched && sqlite3_column_type(stmt, 7) != SQLITE_NULL;
	row->cpu_ns = row->has_sched ? sqlite3_column_int64(stmt, 7) : 0;
	row->blocked_ns = row->has_sched ? sqlite3_column_int64(stmt, 8) : 0;
	row->runq_ns = row->has_sched ? sqlite3_column_int64(stmt, 9) : 0;
	row->blocked_in = row->has_sched && sqlite3_column_type(stmt, 10) != SQLITE_NULL
				  ? sqlite3_column_int(stmt, 10) : -1;
	return 1;
}

void keyed_spans__free(struct keyed_spans *sc)
{
	if (!sc)
		return;
	range_scan__free(sc->scan);
	free(sc);
}

void run_query__show_names(struct run_query *st, const struct func_names *names)
{
	st->names = names;
}

int run_query__function(struct run_query *st, int64_t function_key, char **name, char **module_path)
{
	const char *shown = func_names__get(st->names, function_key);

	int rc, err = 0;

	*name = *module_path = NULL;
	if (!st->function_names &&
	    sqlite3_prepare_v2(st->db->sql, "SELECT f.name, m.path FROM functions f"
				       " LEFT JOIN modules m ON m.id = f.module WHERE f.id = ?1",
			       -1, &st->function_names, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read functions");
	sqlite3_bind_int64(st->function_names, 1, function_key);
	rc = sqlite3_step(st->function_names);
	if (rc == SQLITE_ROW) {
		*name = shown ? strdup(shown) : db__dup_text(st->function_names, 0);
		*module_path = db__dup_text(st->function_names, 1);
	} else if (rc == SQLITE_DONE) { /* a span naming no function: a damaged file, still counted */
		*name = strdup("?");
		*module_path = strdup("");
	} else {
		err = sql_error(st, "cannot read functions");
	}
	sqlite3_reset(st->function_names);
	if (!err && (!*name || !*module_path)) {
		free(*name);
		free(*module_path);
		*name = *module_path = NULL;
		ferr("out of memory");
		err = -ENOMEM;
	}
	return err;
}

int run_query__thread(struct run_query *st, int64_t thread_key, int *pid, int *tid, char *comm,
			size_t comm_len)
{
	int rc, err = 0;

	if (!st->thread_ids &&
	    sqlite3_prepare_v2(st->db->sql, "SELECT pid, tid, comm FROM threads WHERE id = ?1", -1,
			       &st->thread_ids, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read threads");
	sqlite3_bind_int64(st->thread_ids, 1, thread_key);
	*pid = *tid = 0;
	snprintf(comm, comm_len, "?");
	rc = sqlite3_step(st->thread_ids);
	if (rc == SQLITE_ROW) {
		*pid = sqlite3_column_int(st->thread_ids, 0);
		*tid = sqlite3_column_int(st->thread_ids, 1);
		db__copy_text(st->thread_ids, 2, comm, comm_len);
	} else if (rc != SQLITE_DONE) {
		err = sql_error(st, "cannot read threads");
	}
	sqlite3_reset(st->thread_ids);
	return err;
}

/* The histogram is stored as a JSON array of counts: "[0,3,12]". */
static void parse_hist(const char *text, int64_t *hist)
{
	char *end;
	int i;

	memset(hist, 0, STORED_HIST_BUCKETS * sizeof(*hist));
	if (!text || *text++ != '[')
		return;
	for (i = 0; i < STORED_HIST_BUCKETS && *text && *text != ']'; i++) {
		hist[i] = strtoll(text, &end, 10);
		if (end == text)
			return;
		text = *end == ',' ? end + 1 : end;
	}
}

int run_query__function_probes(struct run_query *st, int64_t run_key, run_query_probes_cb cb, void *ctx)
{
	struct stored_function_probe p;
	sqlite3_stmt *stmt = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(st->db->sql,
			       "SELECT function, count_only, coalesce(calls, 0), coalesce(removed_at_ns, 0)"
			       " FROM function_probes WHERE run = ?", -1, &stmt, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read function probes");
	sqlite3_bind_int64(stmt, 1, run_key);
	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.function_key = sqlite3_column_int64(stmt, 0);
		p.count_only = sqlite3_column_int(stmt, 1) != 0;
		p.calls = sqlite3_column_int64(stmt, 2);
		p.removed_at_ns = sqlite3_column_int64(stmt, 3);
		err = cb(ctx, &p);
	}
	if (!err && rc != SQLITE_DONE)
		err = sql_error(st, "cannot read function probes");
	sqlite3_finalize(stmt);
	return err;
}

int run_query__func_figures(struct run_query *st, int64_t run_key, run_query_figures_cb cb, void *ctx)
{
	struct stored_func_figures agg;
	sqlite3_stmt *stmt = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(st->db->sql,
			       "SELECT function, calls, total_ns, coalesce(sum_ns, total_ns), min_ns, max_ns,"
			       " hist, coalesce(demoted_at_ns, 0) FROM function_stats WHERE run = ?",
			       -1, &stmt, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read function figures");
	sqlite3_bind_int64(stmt, 1, run_key);
	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		agg.function_key = sqlite3_column_int64(stmt, 0);
		agg.calls = sqlite3_column_int64(stmt, 1);
		agg.total_ns = sqlite3_column_int64(stmt, 2);
		agg.sum_ns = sqlite3_column_int64(stmt, 3);
		agg.min_ns = sqlite3_column_int64(stmt, 4);
		agg.max_ns = sqlite3_column_int64(stmt, 5);
		parse_hist((const char *)sqlite3_column_text(stmt, 6), agg.hist);
		agg.demoted_at_ns = sqlite3_column_int64(stmt, 7);
		err = cb(ctx, &agg);
	}
	if (!err && rc != SQLITE_DONE)
		err = sql_error(st, "cannot read function figures");
	sqlite3_finalize(stmt);
	return err;
}

int run_query__function_cost(struct run_query *st, int64_t function_key, int64_t *call_ns,
			     int64_t *inside_ns)
{
	int rc;

	*call_ns = *inside_ns = 0;
	if (!st->function_cost &&
	    sqlite3_prepare_v2(st->db->sql, "SELECT c.call_ns, c.inside_ns FROM functions f"
				       " JOIN run_probe_costs c ON c.run = f.run AND c.probe = f.probe"
				       " WHERE f.id = ?1", -1, &st->function_cost, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read the probe costs");
	sqlite3_bind_int64(st->function_cost, 1, function_key);
	rc = sqlite3_step(st->function_cost);
	if (rc == SQLITE_ROW) {
		*call_ns = sqlite3_column_int64(st->function_cost, 0);
		*inside_ns = sqlite3_column_int64(st->function_cost, 1);
	}
	sqlite3_reset(st->function_cost);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_error(st, "cannot read the probe costs");
	return rc == SQLITE_ROW;
}

int run_query__probe_costs(struct run_query *st, int64_t run_key, run_query_cost_cb cb, void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(st->db->sql, "SELECT probe, calls, call_ns, inside_ns FROM run_probe_costs"
				       " WHERE run = ?1 ORDER BY rowid", -1, &stmt, NULL) != SQLITE_OK)
		return sql_error(st, "cannot read the probe costs");
	sqlite3_bind_int64(stmt, 1, run_key);
	while (!ret && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *probe = (const char *)sqlite3_column_text(stmt, 0);

		ret = cb(ctx, probe ? probe : "?", sqlite3_column_int64(stmt, 1),
			 sqlite3_column_int64(stmt, 2), sqlite3_column_int64(stmt, 3));
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sql_error(st, "cannot read the probe costs");
	sqlite3_finalize(stmt);
	return ret;
}

int run_query__stored_totals(struct run_query *st, int64_t run_key, struct stored_run_totals *out)
{
	return run_figures__totals(st->db, run_key, out);
}

int run_query__stored_functions(struct run_query *st, int64_t run_key,
				int (*cb)(void *ctx, const struct stored_function_row *row), void *ctx)
{
	return run_figures__functions(st->db, run_key, cb, ctx);
}

int run_query__stored_tree(struct run_query *st, int64_t run_key, int pid, int tid,
			   int (*cb)(void *ctx, const struct stored_tree_node *node), void *ctx)
{
	return run_figures__tree(st->db, run_key, pid, tid, cb, ctx);
}

int run_query__span_tags(struct run_query *st, int64_t run_key, struct span_tag_list *out)
{
	return span_tags__read(st->db, run_key, out);
}

struct arg_reader *run_query__arg_reader(struct run_query *st)
{
	return arg_reader__new(st->db);
}
