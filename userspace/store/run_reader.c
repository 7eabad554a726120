/* SPDX-License-Identifier: BSD-2-Clause */
/* run_reader: the runs of a file (ferret runs, analyze, export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "run_reader.h"
#include "schema.h"

#define RUN_SELECT                                                                        \
	"SELECT r.id, r.run_id, r.command, r.mode, r.pid, r.start_ns, r.end_ns,"           \
	" r.start_real_ns, r.lost_events, r.exit_code, r.host, r.kernel, r.version,"       \
	" (SELECT count(*) FROM threads WHERE run = r.id),"                                \
	" (SELECT count(*) FROM functions WHERE run = r.id), " SCHEMA_RUN_SPANS_SQL ","     \
	" r.no_return_spans, r.lost_spans, r.unstored_spans FROM runs r "

/* At most this many run ids are listed when a run id is unknown. */
#define RUNS_LISTED 10

static void fill_run_row(sqlite3_stmt *stmt, struct run_row *row)
{
	memset(row, 0, sizeof(*row));
	row->run_key = sqlite3_column_int64(stmt, 0);
	db__copy_text(stmt, 1, row->run_id, sizeof(row->run_id));
	db__copy_text(stmt, 2, row->command, sizeof(row->command));
	db__copy_text(stmt, 3, row->mode, sizeof(row->mode));
	row->pid = sqlite3_column_int(stmt, 4);
	row->start_mono_ns = sqlite3_column_int64(stmt, 5);
	row->end_mono_ns = sqlite3_column_int64(stmt, 6);
	row->start_real_ns = sqlite3_column_int64(stmt, 7);
	row->lost_events = sqlite3_column_int64(stmt, 8);
	row->has_exit_code = sqlite3_column_type(stmt, 9) != SQLITE_NULL;
	row->exit_code = sqlite3_column_int(stmt, 9);
	db__copy_text(stmt, 10, row->host, sizeof(row->host));
	db__copy_text(stmt, 11, row->kernel, sizeof(row->kernel));
	db__copy_text(stmt, 12, row->version, sizeof(row->version));
	row->threads = sqlite3_column_int64(stmt, 13);
	row->functions = sqlite3_column_int64(stmt, 14);
	row->spans = sqlite3_column_int64(stmt, 15);
	row->no_return_spans = sqlite3_column_int64(stmt, 16);
	row->lost_spans = sqlite3_column_int64(stmt, 17);
	row->unstored_spans = sqlite3_column_int64(stmt, 18);
}

/* Prints the one-line "no run" error, naming the newest runs the file does hold. */
static int report_unknown_run(struct db *db, const char *run_id)
{
	char list[RUNS_LISTED * 130 + 16] = "";
	sqlite3_stmt *stmt = NULL;
	size_t used = 0;
	int rc, n = 0;

	if (db__prepare(db, "SELECT run_id FROM runs ORDER BY id DESC LIMIT ?", &stmt))
		return -1;
	sqlite3_bind_int(stmt, 1, RUNS_LISTED + 1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && used < sizeof(list)) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);

		used += snprintf(list + used, sizeof(list) - used, "%s%s", n ? ", " : "",
				 n == RUNS_LISTED ? "..." : id ? id : "");
		n++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db__error(db, "cannot read runs");
	if (!run_id)
		ferr("%s holds no runs", db->path);
	else if (!n)
		ferr("no run '%s' in %s (it holds no runs)", run_id, db->path);
	else
		ferr("no run '%s' in %s (runs: %s)", run_id, db->path, list);
	return -1;
}

int run_reader__find(struct db *db, const char *run_id, struct run_row *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__prepare(db, run_id ? RUN_SELECT "WHERE r.run_id = ?" : RUN_SELECT "ORDER BY r.id DESC LIMIT 1",
			  &stmt))
		return -1;
	if (run_id)
		sqlite3_bind_text(stmt, 1, run_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		fill_run_row(stmt, out);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db__error(db, "cannot read runs");
	return report_unknown_run(db, run_id);
}

int run_reader__list(struct db *db, int (*cb)(const struct run_row *run, void *ctx), void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	struct run_row *row;
	int rc, ret = 0;

	row = malloc(sizeof(*row));
	if (!row) {
		ferr("out of memory");
		return -1;
	}
	if (db__prepare(db, RUN_SELECT "ORDER BY r.id", &stmt)) {
		free(row);
		return -1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		fill_run_row(stmt, row);
		ret = cb(row, ctx);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db__error(db, "cannot read runs");
	sqlite3_finalize(stmt);
	free(row);
	return ret;
}


int run_reader__functions(struct db *db, int64_t run_key,
			  int (*cb)(const struct stored_function *f, void *ctx), void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	int rc, ret = 0;

	if (db__prepare(db, "SELECT m.id, m.path, m.build_id, f.id, f.name, f.symbol, f.\"offset\""
			    " FROM functions f JOIN modules m ON m.id = f.module WHERE f.run = ?"
			    " ORDER BY m.id, f.id", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct stored_function f = {
			.module_key = sqlite3_column_int64(stmt, 0),
			.module_path = (const char *)sqlite3_column_text(stmt, 1),
			.build_id = (const char *)sqlite3_column_text(stmt, 2),
			.function_key = sqlite3_column_int64(stmt, 3),
			.name = (const char *)sqlite3_column_text(stmt, 4),
			.symbol = (const char *)sqlite3_column_text(stmt, 5),
			.offset = (uint64_t)sqlite3_column_int64(stmt, 6),
		};

		if (!f.module_path || !f.name)
			continue;
		ret = cb(&f, ctx);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db__error(db, "cannot read functions");
	sqlite3_finalize(stmt);
	return ret;
}
