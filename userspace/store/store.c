/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store: opening ferret's SQLite database (schema, checks, pragmas).
 * Writing runs lives in store_write.c, reading them in store_read.c.
 * A store is used by one thread at a time
 * (the connection is opened with SQLITE_OPEN_NOMUTEX).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store_internal.h"

#ifndef FERRET_VERSION
#define FERRET_VERSION "unknown"
#endif

/* Schema version 2. Comments inside CREATE statements are kept by SQLite, so
 * `.schema` in sqlite3 shows them. spans has no index and no run column (its
 * thread names the run): a span costs ~25 bytes and goes in at append speed.
 * Readers find a run's spans by span id ranges, recorded per run and per thread
 * (store_scan.c); span_id is the rowid, so parent lookups need no index either. */
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
	" spans INTEGER -- spans stored; NULL while the run is being written\n"
	");"
	"CREATE TABLE modules(id INTEGER PRIMARY KEY, run INTEGER REFERENCES runs(id), path TEXT);"
	"CREATE TABLE functions(id INTEGER PRIMARY KEY, run INTEGER,"
	" module INTEGER REFERENCES modules(id),\n"
	" name TEXT, -- C++/Rust: the short demangled name (ns::Class::method)\n"
	" \"offset\" INTEGER, -- file offset of the probed function\n"
	" symbol TEXT -- the ELF symbol when it differs from name (mangled); NULL: the same\n"
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
	" status INTEGER -- 0: ok, 1: incomplete (no return seen)\n"
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
	"CREATE TABLE span_args(span_id INTEGER, position INTEGER, name TEXT, value);"
	"CREATE TABLE span_tags(span_id INTEGER, key TEXT, value);"
	"CREATE VIEW span_view AS\n"
	"-- One row per span, names resolved. start_ns/end_ns: absolute CLOCK_MONOTONIC ns;\n"
	"-- status: 'ok' or 'incomplete' (no return seen); parent_id: NULL for a root span.\n"
	"SELECT r.run_id AS run_id, s.span_id AS span_id, s.parent_id AS parent_id,\n"
	" t.pid AS pid, t.tid AS tid, f.name AS function, m.path AS module,\n"
	" r.start_ns + s.start_ns AS start_ns,\n"
	" r.start_ns + s.start_ns + s.duration_ns AS end_ns,\n"
	" s.duration_ns AS duration_ns, s.depth AS depth,\n"
	" CASE s.status WHEN 0 THEN 'ok' ELSE 'incomplete' END AS status\n"
	"FROM spans s JOIN threads t ON t.id = s.thread JOIN runs r ON r.id = t.run\n"
	" JOIN functions f ON f.id = s.function LEFT JOIN modules m ON m.id = f.module;"
	"CREATE VIEW run_view AS\n"
	"-- One row per run. start_ns/end_ns: CLOCK_MONOTONIC ns; spans: stored spans;\n"
	"-- exit_code: NULL unless ferret launched the command.\n"
	"SELECT r.run_id AS run_id, r.command AS command, r.pid AS pid,\n"
	" r.start_ns AS start_ns, r.end_ns AS end_ns, " STORE_RUN_SPANS_SQL " AS spans,\n"
	" r.lost_events AS lost_events, r.exit_code AS exit_code\n"
	"FROM runs r;";

/* WAL: readers (ferret analyze) work while a run is written; NORMAL: no fsync per commit.
 * 8 MB of cache: spans are appended, so pages once written are not read again; a
 * window's transaction dirties ~2 MB. (64 MB only held the tracer's RSS at 75 MB.) */
static const char write_pragmas_sql[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
					"PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=8192;"
					"PRAGMA threads=4;";

int store_sql_error(const struct store *s, const char *what)
{
	ferr("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
	return -1;
}

int store_prepare(const struct store *s, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return store_sql_error(s, "cannot prepare a query");
	return 0;
}

int store_exec(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_error(s, what);
	return 0;
}

int store_require_run(const struct store *s, const char *what)
{
	if (s->mode != STORE_WRITE || !s->run_key) {
		ferr("%s: %s without a run being written", s->path, what);
		return -1;
	}
	return 0;
}

int store_begin_txn(struct store *s)
{
	if (s->in_txn)
		return 0;
	if (store_exec(s, "BEGIN IMMEDIATE", "cannot start writing"))
		return -1;
	s->in_txn = true;
	return 0;
}

int store_commit_txn(struct store *s)
{
	int err = 0;

	if (!s->in_txn)
		return 0;
	s->in_txn = false;
	err = store_exec(s, "COMMIT", "cannot commit");
	if (err && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* A file another ferret has just created is empty until its schema is in: the
 * creator holds an exclusive flock(2) meanwhile (SQLite's own locks are fcntl
 * locks, which flock does not touch). Waits for that; a file still empty after a
 * second is an empty file. */
static ssize_t read_head_after_creator(int fd, char *head, size_t len)
{
	ssize_t n = 0;
	int tries;

	for (tries = 0; tries < 200; tries++) {
		flock(fd, LOCK_SH);
		n = pread(fd, head, len, 0);
		flock(fd, LOCK_UN);
		if (n != 0)
			break;
		usleep(5000);
	}
	return n;
}

/* Opens the file ourselves first: mode 0600 on creation, errno-based messages,
 * and a foreign file is recognised from its first bytes before SQLite touches it.
 * A file this call creates stays flock'ed through *create_lock until its schema is in. */
static int check_file(const char *path, enum store_mode mode, bool *created, bool *empty, int *create_lock)
{
	static const char sqlite_magic[16] = "SQLite format 3";
	char head[sizeof(sqlite_magic)];
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	*created = false;
	*create_lock = -1;
	if (mode == STORE_WRITE) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NONBLOCK, 0600);
		if (fd >= 0) {
			*created = *empty = true;
			flock(fd, LOCK_EX);
			*create_lock = fd;
			return 0;
		}
		if (errno == EEXIST)
			fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	}
	if (fd < 0) {
		ferr("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		err = -1;
		ferr("%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -1;
		if (S_ISDIR(st.st_mode))
			ferr("%s: %s", path, strerror(EISDIR));
		else
			ferr("%s is not a ferret database (not a regular file)", path);
		goto cleanup;
	}
	n = read_head_after_creator(fd, head, sizeof(head));
	if (n < 0) {
		err = -1;
		ferr("%s: %s", path, strerror(errno));
		goto cleanup;
	}
	*empty = n == 0;
	if (n == 0 && mode == STORE_READ) {
		err = -1;
		ferr("%s is not a ferret database (empty file)", path);
	} else if (n > 0 && (n != sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)))) {
		err = -1;
		ferr("%s is not a ferret database", path);
	}
cleanup:
	close(fd);
	return err;
}

/* A new database: page size before the first table, WAL, then the whole schema at once. */
static int create_schema(struct store *s)
{
	char sql[128];

	if (store_exec(s, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL", "cannot set up"))
		return -1;
	if (store_begin_txn(s) || store_exec(s, schema_sql, "cannot create the schema"))
		return -1;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO meta VALUES('format','ferret'),('schema_version','%d')",
		 STORE_SCHEMA_VERSION);
	if (store_exec(s, sql, "cannot create the schema"))
		return -1;
	return store_commit_txn(s);
}

/* 1: found (copied into buf), 0: no such key, <0: no meta table or not a database. */
static int read_meta(struct store *s, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return -(rc & 0xff);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		copy_column_text(stmt, 0, buf, len);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -(rc & 0xff);
}

static int check_format(struct store *s)
{
	char value[64];
	int rc;

	rc = read_meta(s, "format", value, sizeof(value));
	if (rc < 0 && -rc != SQLITE_ERROR && -rc != SQLITE_NOTADB && -rc != SQLITE_CORRUPT)
		return store_sql_error(s, "cannot read");
	if (rc <= 0 || strcmp(value, "ferret") != 0) {
		ferr("%s is not a ferret database", s->path);
		return -1;
	}
	rc = read_meta(s, "schema_version", value, sizeof(value));
	if (rc < 0)
		return store_sql_error(s, "cannot read");
	if (rc == 0 || strtol(value, NULL, 10) != STORE_SCHEMA_VERSION || !*value) {
		ferr("%s has schema version %s, this ferret reads %d", s->path,
		     rc ? value : "(none)", STORE_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

/* A path SQLite would read as a URI (it is built with SQLITE_USE_URI) gets a "./". */
static char *plain_path(const char *path)
{
	char *out;

	if (strncmp(path, "file:", 5) != 0)
		return strdup(path);
	if (asprintf(&out, "./%s", path) < 0)
		return NULL;
	return out;
}

static void remove_db_files(const char *path)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	char extra[4096];
	size_t i;

	unlink(path);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(extra, sizeof(extra), "%s%s", path, suffixes[i]);
		unlink(extra);
	}
}

/* Whether a reader may open read-write: the file and its directory (for -shm) are writable. */
static bool may_write(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return !access(path, W_OK) && !access(dir, W_OK);
}

static int open_db(struct store *s, const char *path, enum store_mode mode, bool empty)
{
	char *sqlite_path = plain_path(path);
	int flags = SQLITE_OPEN_NOMUTEX, rc, err = 0;

	/* A reader that may write opens read-write (with query_only): as the last connection
	 * it then checkpoints and removes the -wal/-shm files, which a read-only one leaves. */
	flags |= mode == STORE_WRITE || may_write(path) ? SQLITE_OPEN_READWRITE
							: SQLITE_OPEN_READONLY;
	if (!sqlite_path) {
		ferr("out of memory");
		return -1;
	}
	rc = sqlite3_open_v2(sqlite_path, &s->db, flags, NULL);
	free(sqlite_path);
	if (rc != SQLITE_OK) {
		ferr("%s: %s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (mode == STORE_WRITE && empty)
		err = create_schema(s);
	else
		err = check_format(s);
	/* Pragmas only after the checks: never switch a foreign database to WAL. */
	if (!err && mode == STORE_WRITE)
		err = store_exec(s, write_pragmas_sql, "cannot set up");
	if (!err && mode == STORE_READ)
		/* Readers stream: a small page cache keeps analyze/export at ~25 MB on 10M spans. */
		err = store_exec(s, "PRAGMA query_only=ON; PRAGMA cache_size=-8192", "cannot set up");
	return err;
}

int store__open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *s = NULL;
	bool created = false, empty = false;
	int err, create_lock = -1;

	*out = NULL;
	if (!path || !*path) {
		ferr("no database file given");
		return -1;
	}
	err = check_file(path, mode, &created, &empty, &create_lock);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		err = -1;
		ferr("out of memory");
		goto cleanup;
	}
	s->mode = mode;
	err = open_db(s, path, mode, empty);
cleanup:
	if (err) {
		if (s && s->in_txn) { /* a half-made schema is rolled back, not committed */
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			s->in_txn = false;
		}
		store__free(s);
		if (created) /* never leave a half-made database behind */
			remove_db_files(path);
	}
	if (create_lock >= 0)
		close(create_lock); /* the schema is in (or the file is gone): others may look */
	if (err)
		return err;
	*out = s;
	return 0;
}

void store__free(struct store *s)
{
	if (!s)
		return;
	if (s->db && s->mode == STORE_WRITE) {
		store__flush(s);
		store_finalize_writers(s);
		/* Back to a rollback journal if no one else has the file open: the database is
		 * then one self-contained file, readable even where a -shm cannot be created. */
		sqlite3_busy_timeout(s->db, 0);
		sqlite3_exec(s->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	}
	store_finalize_writers(s);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->batch);
	free(s->window);
	free(s->updates);
	free(s->threads);
	free(s->path);
	free(s);
}

