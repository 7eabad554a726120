/* SPDX-License-Identifier: BSD-2-Clause */
/* span_reader: a run's spans with their names, for export (see span_reader.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/glob.h"
#include "core/log.h"
#include "core/util.h"
#include "range_scan.h"
#include "schema_sched.h"
#include "span_reader.h"

/* A function's name and module, read once per run (spans carry only the key). */
struct function_name {
	int64_t key; /* first: searched by it (compare_int64_keys) */
	char *name;
	char *module;
};

struct span_reader {
	struct db *db;
	struct range_scan *scan;
	int64_t run_start_ns;
	struct function_name *functions; /* ascending keys */
	size_t n_functions;
	bool sched; /* the file's spans have the on-CPU/blocked columns */
};

static int read_run_start(struct db *db, int64_t run_key, int64_t *start_ns)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__prepare(db, "SELECT start_ns FROM runs WHERE id = ?", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*start_ns = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db__error(db, "cannot read runs");
	ferr("%s: no run with key %lld", db->path, (long long)run_key);
	return -1;
}

static int add_function_name(struct span_reader *it, sqlite3_stmt *stmt, size_t *cap,
			     const struct func_names *names)
{
	struct function_name *f;
	const char *shown = func_names__get(names, sqlite3_column_int64(stmt, 0));
	const char *name = shown ? shown : (const char *)sqlite3_column_text(stmt, 1);
	const char *module = (const char *)sqlite3_column_text(stmt, 2);

	if (grow_array((void **)&it->functions, cap, it->n_functions + 1, sizeof(*it->functions)))
		return -1;
	f = &it->functions[it->n_functions];
	f->key = sqlite3_column_int64(stmt, 0);
	f->name = strdup(name ? name : "");
	f->module = strdup(module ? module : "");
	it->n_functions++;
	return f->name && f->module ? 0 : -1;
}

/* names: shown instead of the stored ones (NULL: none); the --function glob sees them. */
static int load_function_names(struct span_reader *it, int64_t run_key, const struct func_names *names)
{
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc;

	if (db__prepare(it->db, "SELECT f.id, f.name, m.path FROM functions f"
				     " LEFT JOIN modules m ON m.id = f.module WHERE f.run = ? ORDER BY f.id",
			  &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (add_function_name(it, stmt, &cap, names)) {
			sqlite3_finalize(stmt);
			ferr("out of memory");
			return -1;
		}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : db__error(it->db, "cannot read functions");
}

static const struct function_name *function_name(const struct span_reader *it, int64_t key)
{
	if (!it->n_functions)
		return NULL;
	return bsearch(&key, it->functions, it->n_functions, sizeof(*it->functions), compare_int64_keys);
}

/* " AND s.function IN (...)": the run's functions whose name matches glob, the
 * same matcher as trace's and analyze's -f (names are in memory already). */
static char *function_condition(const struct span_reader *it, const char *glob)
{
	int64_t *keys = malloc((it->n_functions ? it->n_functions : 1) * sizeof(*keys));
	size_t n = 0, i;
	char *sql;

	if (!keys)
		return NULL;
	for (i = 0; i < it->n_functions; i++)
		if (glob_match(glob, it->functions[i].name))
			keys[n++] = it->functions[i].key;
	sql = range_scan__key_list("s.function", keys, n, sizeof(*keys));
	free(keys);
	return sql;
}

/* Only the filters in use go into the SQL. */
static struct range_scan *scan_spans(struct span_reader *it, int64_t run_key, const struct span_filter *f)
{
	char *functions = f && f->function_glob ? function_condition(it, f->function_glob) : strdup("");
	struct range_scan_spec spec = {
		.columns = it->sched ? "s.span_id, s.parent_id, s.thread, s.function, s.start_ns,"
				       " s.duration_ns, s.depth, s.status, s.cpu_ns, s.blocked_ns, s.runq_ns, s.blocked_in"
				     : "s.span_id, s.parent_id, s.thread, s.function, s.start_ns,"
				       " s.duration_ns, s.depth, s.status",
		.pid = f ? f->pid : 0,
		.tid = f ? f->tid : 0,
	};
	struct range_scan *sc = NULL;
	char *where = NULL;

	if (!functions || asprintf(&where, "%s%s", functions,
				   f && f->min_duration_ns ? " AND s.duration_ns >= ?4" : "") < 0) {
		free(functions);
		ferr("out of memory");
		return NULL;
	}
	spec.where = where;
	sc = range_scan__open(it->db, run_key, &spec);
	if (sc && f && f->min_duration_ns)
		sqlite3_bind_int64(range_scan__stmt(sc), 4, f->min_duration_ns);
	free(functions);
	free(where);
	return sc;
}

struct span_reader *span_reader__open(struct db *db, int64_t run_key, const struct span_filter *filter,
				      const struct func_names *names)
{
	struct span_reader *it;
	int has;

	it = calloc(1, sizeof(*it));
	if (!it) {
		ferr("out of memory");
		return NULL;
	}
	it->db = db;
	has = schema_sched__has_columns(db);
	it->sched = has > 0;
	if (has < 0 || read_run_start(db, run_key, &it->run_start_ns) || load_function_names(it, run_key, names) ||
	    !(it->scan = scan_spans(it, run_key, filter))) {
		span_reader__free(it);
		return NULL;
	}
	return it;
}

int span_reader__next(struct span_reader *it, struct named_span *row)
{
	sqlite3_stmt *stmt = range_scan__stmt(it->scan);
	const struct function_name *fn;
	const struct range_thread *t;
	int rc = range_scan__step(it->scan);

	if (rc <= 0)
		return rc;
	row->span_id = sqlite3_column_int64(stmt, 0);
	row->parent_id = sqlite3_column_int64(stmt, 1); /* NULL (a root) reads as 0 */
	row->thread_key = sqlite3_column_int64(stmt, 2);
	row->function_key = sqlite3_column_int64(stmt, 3);
	/* Times are stored relative (start to the run's, end to the start): a crafted
	 * file's may not add up in an int64, and then no time is right. */
	if (__builtin_add_overflow(it->run_start_ns, sqlite3_column_int64(stmt, 4), &row->start_ns) ||
	    __builtin_add_overflow(row->start_ns, sqlite3_column_int64(stmt, 5), &row->end_ns)) {
		ferr("%s: span %lld: start or duration out of range", it->db->path, (long long)row->span_id);
		return -1;
	}
	row->depth = sqlite3_column_int(stmt, 6);
	row->status = sqlite3_column_int(stmt, 7);
	row->has_sched = it->sched && sqlite3_column_type(stmt, 8) != SQLITE_NULL;
	row->cpu_ns = row->has_sched ? sqlite3_column_int64(stmt, 8) : 0;
	row->blocked_ns = row->has_sched ? sqlite3_column_int64(stmt, 9) : 0;
	row->runq_ns = row->has_sched ? sqlite3_column_int64(stmt, 10) : 0;
	row->blocked_in = row->has_sched && sqlite3_column_type(stmt, 11) != SQLITE_NULL
				  ? sqlite3_column_int(stmt, 11) : -1;
	t = range_scan__thread(it->scan, row->thread_key);
	row->pid = t ? t->pid : 0;
	row->tid = t ? t->tid : 0;
	row->comm = t ? t->comm : "";
	fn = function_name(it, row->function_key);
	row->function = fn ? fn->name : "?";
	row->module = fn ? fn->module : "";
	return 1;
}

void span_reader__free(struct span_reader *it)
{
	size_t i;

	if (!it)
		return;
	range_scan__free(it->scan);
	for (i = 0; i < it->n_functions; i++) {
		free(it->functions[i].name);
		free(it->functions[i].module);
	}
	free(it->functions);
	free(it);
}
