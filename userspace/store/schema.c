/* SPDX-License-Identifier: BSD-2-Clause */
/* schema: creating and verifying ferret's tables (see schema.h). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "schema.h"
#include "schema_sched.h"
#include "span_notes.h"

/* Schema 6's tables (live_calls.c): created with the schema, or added to a file of schema 5
 * opened to write. */
#define SCHEMA_LIVE_SQL \
	"CREATE TABLE IF NOT EXISTS open_calls(\n" \
	"-- The calls open in a run being traced, rewritten by its tracer after each commit of its\n" \
	"-- spans (about every second), emptied when the run ends.\n" \
	" run INTEGER, span_id INTEGER, parent_id INTEGER, -- parent_id NULL: a root\n" \
	" thread INTEGER REFERENCES threads(id), function INTEGER REFERENCES functions(id),\n" \
	" depth INTEGER, start_ns INTEGER, -- relative to runs.start_ns\n" \
	" thread_last_ns INTEGER, -- its thread's last traced entry or return, relative to runs.start_ns\n" \
	" seen_ns INTEGER -- when the tracer saw it open (that commit), relative to runs.start_ns\n" \
	");" \
	"CREATE TABLE IF NOT EXISTS stalls(\n" \
	"-- Each call found open longer than --stall, once, when its tracer reported it.\n" \
	" run INTEGER, span_id INTEGER, thread INTEGER REFERENCES threads(id),\n" \
	" function INTEGER REFERENCES functions(id),\n" \
	" start_ns INTEGER, reported_ns INTEGER, -- relative to runs.start_ns\n" \
	" chain TEXT -- the open calls of its thread then, outermost first, ' > ' between\n" \
	");"

/* Version 8 (-A, -R, --error): span_args holds what calls carried, arg_specs what each
 * function's positions are; span_view names status 4 'error'. A WITHOUT ROWID table keyed by
 * (span_id, position): a row is its key and value, ~8 bytes for an integer argument. */
#define SCHEMA_ARGS_SQL \
	"CREATE TABLE span_args(\n" \
	"-- One argument (position 1..6), return value (0), errno (-1) or --name (-2) of a call.\n" \
	" span_id INTEGER, position INTEGER,\n" \
	" value, -- integers as integers, strings as text (invalid UTF-8: a blob), NULL: unreadable\n" \
	" PRIMARY KEY (span_id, position)) WITHOUT ROWID;" \
	"CREATE TABLE arg_specs(\n" \
	"-- What each captured position of a function is: its name (arg1, retval, or DWARF's)\n" \
	"-- and type (the format: d, u64, x, s, ...).\n" \
	" function INTEGER REFERENCES functions(id), position INTEGER, name TEXT, type TEXT,\n" \
	" PRIMARY KEY (function, position)) WITHOUT ROWID;" \
	"CREATE VIEW arg_view AS\n" \
	"-- One row per captured value: position 0 is the return value, -1 the errno.\n" \
	"SELECT r.run_id AS run_id, a.span_id AS span_id, f.name AS function,\n" \
	" a.position AS position, coalesce(p.name, CASE a.position WHEN 0 THEN 'retval'\n" \
	"  WHEN -1 THEN 'errno' WHEN -2 THEN 'name' ELSE 'arg' || a.position END) AS name, p.type AS type,\n" \
	" a.value AS value\n" \
	"FROM span_args a JOIN spans s ON s.span_id = a.span_id JOIN threads t ON t.id = s.thread\n" \
	" JOIN runs r ON r.id = t.run JOIN functions f ON f.id = s.function\n" \
	" LEFT JOIN arg_specs p ON p.function = s.function AND p.position = a.position;"

#define SCHEMA_SPAN_VIEW_SQL \
	"CREATE VIEW span_view AS\n" \
	"-- One row per span, names resolved. start_ns/end_ns: absolute CLOCK_MONOTONIC ns;\n" \
	"-- status: 'ok'; 'error' (its return value matched an --error rule); 'incomplete' (no\n" \
	"-- return seen); 'no_return_probe' (the kernel gave it no return probe) or 'lost' (its\n" \
	"-- thread lost events meanwhile): both end unknown, end_ns when that was found.\n" \
	"-- parent_id: NULL for a root span.\n" \
	"SELECT r.run_id AS run_id, s.span_id AS span_id, s.parent_id AS parent_id,\n" \
	" t.pid AS pid, t.tid AS tid, f.name AS function, m.path AS module,\n" \
	" r.start_ns + s.start_ns AS start_ns,\n" \
	" r.start_ns + s.start_ns + s.duration_ns AS end_ns,\n" \
	" s.duration_ns AS duration_ns, s.depth AS depth,\n" \
	" CASE s.status WHEN 0 THEN 'ok' WHEN 2 THEN 'no_return_probe' WHEN 3 THEN 'lost'\n" \
	"  WHEN 4 THEN 'error' ELSE 'incomplete' END AS status,\n" \
	" (SELECT a.value FROM span_args a WHERE a.span_id = s.span_id AND a.position = -2) AS name\n" \
	" -- --name: the call's name from its values; NULL: none\n" \
	SCHEMA_SCHED_VIEW_COLUMNS \
	"FROM spans s JOIN threads t ON t.id = s.thread JOIN runs r ON r.id = t.run\n" \
	" JOIN functions f ON f.id = s.function LEFT JOIN modules m ON m.id = f.module" \
	SCHEMA_SCHED_VIEW_JOIN ";"

#define SCHEMA_INCOMPLETE_COLUMN "incomplete INTEGER"

/* Version 8's changes to a file of version 7: the reserved span_args (never written) gets its
 * layout, run_functions its incomplete calls (span_view its status 4 and name: at the end of
 * the migration). */
#define SCHEMA_ARGS_STEP_SQL \
	"DROP TABLE span_args;" SCHEMA_ARGS_SQL \
	"ALTER TABLE run_functions ADD COLUMN " SCHEMA_INCOMPLETE_COLUMN ";"

/* Schema version 9: 5 + schema 6's live tables (open_calls, stalls) + 7's span_notes.c
 * additions (functions.kind, span_events, tag_view, event_view) + 8's arguments (span_args'
 * layout, arg_specs, arg_view, status 4 'error', span_view.name, run_functions.incomplete) +
 * 9's on-CPU, blocked and run-queue time (spans.cpu_ns, blocked_ns, runq_ns, blocked_in, the
 * syscalls table, their span_view columns, their sums in run_functions and run_tree:
 * schema_sched.h).
 * Version 5 (4 + functions.probe, run_probe_costs; run_figures, run_functions, run_tree:
 * analyze's figures; function_probes; all additive). Comments inside CREATE statements are kept by SQLite, so
 * `.schema` in sqlite3 shows them. spans has no index and no run column (its
 * thread names the run): a span costs ~25 bytes and goes in at append speed.
 * Readers find a run's spans by span id ranges, recorded per run and per thread
 * (range_scan.c); span_id is the rowid, so parent lookups need no index either. */
static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE runs(id INTEGER PRIMARY KEY, run_id TEXT UNIQUE NOT NULL, command TEXT,"
	" mode TEXT, pid INTEGER,"
	" start_ns INTEGER, end_ns INTEGER, start_real_ns INTEGER,"
	" lost_events INTEGER DEFAULT 0, exit_code INTEGER,"
	" host TEXT, kernel TEXT, version TEXT,\n"
	" min_duration_ns INTEGER, -- --min-duration: shorter calls were only counted; NULL: off\n"
	" aggregate INTEGER DEFAULT 0, -- 1: --aggregate, no spans, only function_stats\n"
	" max_rate INTEGER, -- --max-rate calls/s per function; NULL: off\n"
	" first_span_id INTEGER, -- every span of the run has span_id >= this\n"
	" spans INTEGER, -- spans stored; NULL while the run is being written\n"
	" no_return_spans INTEGER DEFAULT 0, -- calls the kernel gave no return probe (status 2)\n"
	" lost_spans INTEGER DEFAULT 0, -- calls open when their thread lost events (status 3)\n"
	" unstored_spans INTEGER DEFAULT 0 -- calls seen but not stored: a write failed (disk full)\n"
	");"
	"CREATE TABLE modules(id INTEGER PRIMARY KEY, run INTEGER REFERENCES runs(id), path TEXT,\n"
	" build_id TEXT -- the file's GNU build-id, lowercase hex; NULL: it has none\n"
	");"
	"CREATE TABLE functions(id INTEGER PRIMARY KEY, run INTEGER,"
	" module INTEGER REFERENCES modules(id),\n"
	" name TEXT, -- C++/Rust: the short demangled name (ns::Class::method)\n"
	" \"offset\" INTEGER, -- file offset of the probed function\n"
	" symbol TEXT, -- the ELF symbol when it differs from name (mangled); NULL: the same\n"
	" probe TEXT -- its entry probe's kind: nop5, push, emulated, stepped; NULL: not known (Go)\n"
	");"
	"CREATE TABLE run_probe_costs(\n"
	"-- What one traced call cost, per probe kind, measured when the run started; no rows:\n"
	"-- not measured (--no-calibrate, stack mode). analyze subtracts it from durations.\n"
	" run INTEGER REFERENCES runs(id), probe TEXT, -- functions.probe\n"
	" calls INTEGER, -- traced calls timed\n"
	" call_ns INTEGER, -- added to the caller's duration per call: entry and return probe whole\n"
	" inside_ns INTEGER -- the part of call_ns inside the call's own duration\n"
	");"
	"CREATE TABLE threads(id INTEGER PRIMARY KEY, run INTEGER REFERENCES runs(id),"
	" pid INTEGER, tid INTEGER, comm TEXT,\n"
	" spans INTEGER, first_span_id INTEGER, last_span_id INTEGER -- set when the run ends\n"
	");"
	"CREATE TABLE spans(span_id INTEGER PRIMARY KEY, -- handed out at call entry\n"
	" thread INTEGER REFERENCES threads(id), function INTEGER REFERENCES functions(id),\n"
	" parent_id INTEGER, -- NULL: a root span\n"
	" start_ns INTEGER, -- relative to runs.start_ns: small varints on disk\n"
	" duration_ns INTEGER, depth INTEGER,\n"
	" status INTEGER, -- 0: ok, 1: incomplete (no return seen), 2: no_return_probe (the kernel\n"
	" -- gave it none: end unknown), 3: lost (open when its thread lost events: end unknown)\n"
	SCHEMA_SCHED_SPAN_COLUMNS
	");"
	"CREATE TABLE function_stats(\n"
	"-- Stack mode: one function's figures over every call of the run, stored as a span or not.\n"
	" function INTEGER PRIMARY KEY REFERENCES functions(id), run INTEGER,\n"
	" calls INTEGER, total_ns INTEGER, -- total_ns: outermost activations only\n"
	" sum_ns INTEGER, -- every activation, recursive ones too (the average is sum_ns / calls)\n"
	" min_ns INTEGER, max_ns INTEGER,\n"
	" hist TEXT, -- JSON array: hist[i] counts calls lasting [2^i, 2^(i+1)) ns\n"
	" demoted_at_ns INTEGER -- CLOCK_MONOTONIC ns when --max-rate stopped its spans; NULL: never\n"
	");"
	"CREATE TABLE run_figures(\n"
	"-- analyze's figures of a run, written when its tracer ended it: present, the run's\n"
	"-- run_functions and run_tree rows are complete (they go in in one transaction).\n"
	" run INTEGER PRIMARY KEY REFERENCES runs(id),\n"
	" spans INTEGER, -- the spans they were computed from (runs.spans then)\n"
	" traced_ns INTEGER -- the durations of every thread's root calls, summed\n"
	");"
	"CREATE TABLE run_functions(\n"
	"-- One function's figures over every span of the run (with function_stats' in stack mode).\n"
	" run INTEGER, seq INTEGER, -- seq: the order the spans first named them\n"
	" function INTEGER REFERENCES functions(id),\n"
	" calls INTEGER, errors INTEGER, -- errors: spans of status error (4); version 5: not ok\n"
	" total_ns INTEGER, -- outermost activations per thread\n"
	" self_ns INTEGER, -- duration minus direct children, every activation; NULL: unknown\n"
	" min_ns INTEGER, max_ns INTEGER, avg_ns INTEGER,\n"
	" p50_ns INTEGER, p95_ns INTEGER, p99_ns INTEGER, -- nearest rank, as analyze shows them\n"
	" approx_p50_ns INTEGER, approx_p95_ns INTEGER, approx_p99_ns INTEGER, -- analyze --approx\n"
	" stored_spans INTEGER, -- stack mode: its spans stored; NULL: no function_stats row\n"
	" " SCHEMA_INCOMPLETE_COLUMN ", -- spans neither ok nor error (version 8)\n"
	SCHEMA_SCHED_FIGURES_COLUMNS
	" PRIMARY KEY (run, seq)) WITHOUT ROWID;"
	"CREATE TABLE run_tree(\n"
	"-- The merged call tree of each thread of the run: one row per call path.\n"
	" run INTEGER, thread INTEGER REFERENCES threads(id),\n"
	" node INTEGER, -- 1, 2, ... within the thread, a parent before its children\n"
	" parent INTEGER, -- its parent's node; 0: a root of the thread\n"
	" function INTEGER REFERENCES functions(id),\n"
	" calls INTEGER, errors INTEGER, total_ns INTEGER, self_ns INTEGER,\n"
	SCHEMA_SCHED_FIGURES_COLUMNS
	" PRIMARY KEY (run, thread, node)) WITHOUT ROWID;"
	"CREATE TABLE function_probes(\n"
	"-- Functions whose probes were not the usual entry and return: --count-only, or taken\n"
	"-- away by --overhead. Other functions have no row.\n"
	" function INTEGER PRIMARY KEY REFERENCES functions(id), run INTEGER,\n"
	" count_only INTEGER DEFAULT 0, -- 1: an entry probe only: calls counted, no spans, no times\n"
	" calls INTEGER, -- every call seen (until removed_at_ns when removed)\n"
	" removed_at_ns INTEGER -- CLOCK_MONOTONIC ns when --overhead removed its probes; NULL: never\n"
	");"
	SCHEMA_LIVE_SQL
	SCHEMA_ARGS_SQL
	"CREATE TABLE span_tags(span_id INTEGER, key TEXT, value);"
	SCHEMA_SPAN_VIEW_SQL
	"CREATE VIEW run_view AS\n"
	"-- One row per run. start_ns/end_ns: CLOCK_MONOTONIC ns; spans: stored spans;\n"
	"-- exit_code: NULL unless ferret launched the command.\n"
	"SELECT r.run_id AS run_id, r.command AS command, r.pid AS pid,\n"
	" r.start_ns AS start_ns, r.end_ns AS end_ns, " SCHEMA_RUN_SPANS_SQL " AS spans,\n"
	" r.lost_events AS lost_events, r.exit_code AS exit_code\n"
	"FROM runs r;";

/* A new database: page size before the first table, WAL, then the whole schema at once. */
static int create_schema(struct db *db)
{
	char sql[128];

	if (db__exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL", "cannot set up"))
		return -1;
	if (db__begin(db) || db__exec(db, schema_sql, "cannot create the schema") ||
	    db__exec(db, span_notes__schema_sql, "cannot create the schema") ||
	    schema_sched__create(db))
		return -1;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO meta VALUES('format','ferret'),('schema_version','%d')",
		 STORE_SCHEMA_VERSION);
	if (db__exec(db, sql, "cannot create the schema"))
		return -1;
	return db__commit(db);
}

/* 1: found (copied into buf), 0: no such key, <0: no meta table or not a database. */
static int read_meta(struct db *db, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return -(rc & 0xff);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		db__copy_text(stmt, 0, buf, len);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -(rc & 0xff);
}

/* What each version after 5 added, in order: all additions, so a file of version 5 opened to
 * write gets every step in one transaction, and one opened to read is read as it is (no live
 * tables, kinds, tags, events, arguments or on-CPU figures). span_view, which 8 and 9 change,
 * is made anew at the end. */
static const char *const steps_after_5[] = {
	SCHEMA_LIVE_SQL,	 /* 6: open_calls, stalls */
	span_notes__schema_sql, /* 7: functions.kind, span_events, tag_view, event_view */
	SCHEMA_ARGS_STEP_SQL,	 /* 8: span_args, arg_specs, arg_view, run_functions.incomplete */
	SCHEMA_SCHED_ADD_SQL	 /* 9: spans' on-CPU, blocked, run-queue columns (and syscalls), */
	SCHEMA_SCHED_FIGURES_ADD_SQL, /* and the stored figures' sums of them */
};
_Static_assert(5 + sizeof(steps_after_5) / sizeof(steps_after_5[0]) == STORE_SCHEMA_VERSION,
	       "one step per version after 5");


static int migrate_from_5(struct db *db)
{
	char sql[96], value[16];
	size_t i;

	db->schema_version = 5;
	if (db->mode != STORE_WRITE)
		return 0;
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
		 STORE_SCHEMA_VERSION);
	if (db__begin(db))
		return -1;
	/* Another writer may have migrated it since the version was read. */
	if (read_meta(db, "schema_version", value, sizeof(value)) == 1 && strcmp(value, "5")) {
		db->schema_version = STORE_SCHEMA_VERSION;
		return db__commit(db);
	}
	for (i = 0; i < sizeof(steps_after_5) / sizeof(steps_after_5[0]); i++)
		if (db__exec(db, steps_after_5[i], "cannot upgrade the schema"))
			goto fail;
	if (schema_sched__create(db) ||
	    db__exec(db, "DROP VIEW span_view;" SCHEMA_SPAN_VIEW_SQL, "cannot upgrade the schema") ||
	    db__exec(db, sql, "cannot upgrade the schema") || db__commit(db))
		goto fail;
	db->schema_version = STORE_SCHEMA_VERSION;
	return 0;
fail:
	db__rollback(db);
	return -1;
}

static int check_format(struct db *db)
{
	char value[64], ours[16];
	int rc;

	rc = read_meta(db, "format", value, sizeof(value));
	if (rc < 0 && -rc != SQLITE_ERROR && -rc != SQLITE_NOTADB)
		return db__error(db, "cannot read"); /* SQLITE_CORRUPT: "is damaged" */
	if (rc <= 0 || strcmp(value, "ferret") != 0) {
		ferr("%s is not a ferret database", db->path);
		return -1;
	}
	rc = read_meta(db, "schema_version", value, sizeof(value));
	if (rc < 0)
		return db__error(db, "cannot read");
	/* Exactly the digits this ferret writes: "2abc" or " 2" is no version of ours. */
	snprintf(ours, sizeof(ours), "%d", STORE_SCHEMA_VERSION);
	db->schema_version = STORE_SCHEMA_VERSION;
	if (rc == 1 && !strcmp(value, "5"))
		return migrate_from_5(db);
	if (rc == 0 || strcmp(value, ours) != 0) {
		ferr("%s has schema version %s, this ferret reads %d", db->path,
		     rc ? value : "(none)", STORE_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

int schema__set_up(struct db *db)
{
	db->schema_version = STORE_SCHEMA_VERSION;
	if (db->mode == STORE_WRITE && db->empty)
		return create_schema(db);
	return check_format(db);
}
