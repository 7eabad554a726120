/* SPDX-License-Identifier: BSD-2-Clause */
/* db: the checked connection, transactions and errors (see db.h). */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "db.h"
#include "file_checks.h"


/* WAL: readers (ferret analyze) work while a run is written; NORMAL: no fsync per commit.
 * 8 MB of cache: spans are appended, so pages once written are not read again; a
 * window's transaction dirties ~2 MB. (64 MB only held the tracer's RSS at 75 MB.) */
static const char write_pragmas_sql[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
					"PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=8192;"
					"PRAGMA threads=4;";
/* Readers stream: a small page cache keeps analyze/export at ~25 MB on 10M spans. */
static const char read_pragmas_sql[] = "PRAGMA query_only=ON; PRAGMA cache_size=-8192";

int db__error(struct db *db, const char *what)
{
	snprintf(db->error, sizeof(db->error), "%s", sqlite3_errmsg(db->sql));
	if ((sqlite3_errcode(db->sql) & 0xff) == SQLITE_CORRUPT)
		ferr("%s is damaged: %s: %s (run PRAGMA integrity_check)", db->path, what, db->error);
	else
		ferr("%s: %s: %s", db->path, what, db->error);
	return -1;
}

int db__prepare(struct db *db, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL) != SQLITE_OK)
		return db__error(db, "cannot prepare a query");
	return 0;
}

int db__exec(struct db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db__error(db, what);
	return 0;
}

int db__run(struct db *db, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt), err = 0;

	if (rc != SQLITE_DONE)
		err = db__error(db, what); /* before finalize: the message is the step's */
	sqlite3_finalize(stmt);
	return err;
}

int db__begin(struct db *db)
{
	if (db->in_txn)
		return 0;
	if (db__exec(db, "BEGIN IMMEDIATE", "cannot start writing"))
		return -1;
	db->in_txn = true;
	return 0;
}

/* What a failed statement left of the transaction is not kept. */
void db__rollback(struct db *db)
{
	db->in_txn = false;
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

int db__commit(struct db *db)
{
	int err;

	if (!db->in_txn)
		return 0;
	db->in_txn = false;
	err = db__exec(db, "COMMIT", "cannot commit");
	if (err)
		db__rollback(db);
	return err;
}

int db__check_room(const struct db *db, int64_t bytes, int64_t kept, char *why, size_t why_len)
{
	long long free_bytes;
	struct statvfs st;

	if (db->fd < 0 || fstatvfs(db->fd, &st))
		return 0;
	free_bytes = (long long)st.f_bavail * (long long)st.f_frsize;
	if (free_bytes >= bytes + kept)
		return 0;
	snprintf(why, why_len, "disk full: %lld KB free, %lld KB needed and %lld KB kept free",
		 free_bytes >> 10, (long long)bytes >> 10, (long long)kept >> 10);
	return -1;
}

void db__copy_text(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	snprintf(buf, len, "%s", text ? text : "");
}

char *db__dup_text(sqlite3_stmt *stmt, int col)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	return strdup(text ? text : "");
}

/* Closing any descriptor of a file drops every fcntl lock the process holds on
 * it, SQLite's included: a connection without its SHARED lock looks closed to
 * the others, and the last one checkpoints and deletes the -wal still in use.
 * So a descriptor of ferret's own is closed only once no connection of the
 * process has the file open; until then it waits here (as SQLite does with
 * its own). The store is used by one thread at a time. */
static struct db *open_dbs;
static int *parked_fds;
static size_t n_parked, parked_cap;

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool file_in_use(int fd)
{
	const struct db *other;

	for (other = open_dbs; other; other = other->next)
		if (other->fd >= 0 && same_file(other->fd, fd))
			return true;
	return false;
}

static void release_fd(int fd)
{
	size_t i = 0;

	if (file_in_use(fd) &&
	    !grow_array((void **)&parked_fds, &parked_cap, n_parked + 1, sizeof(*parked_fds))) {
		parked_fds[n_parked++] = fd;
		return;
	}
	while (i < n_parked) {
		if (same_file(parked_fds[i], fd)) {
			close(parked_fds[i]);
			parked_fds[i] = parked_fds[--n_parked];
		} else {
			i++;
		}
	}
	close(fd);
}

static void forget(struct db *db)
{
	struct db **link;

	for (link = &open_dbs; *link; link = &(*link)->next)
		if (*link == db) {
			*link = db->next;
			return;
		}
}

/* A file another ferret has just created is empty until its schema is in: the
 * creator holds an exclusive flock(2) meanwhile (SQLite's own locks are fcntl
 * locks, which flock does not touch). Waits for that; a file still empty after a
 * second is an empty file. */
static ssize_t read_head_after_creator(int fd, unsigned char *head, size_t len)
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

/* An existing file: a regular file starting as an SQLite file does, or empty when writing. */
static int check_existing(struct db *db, int fd)
{
	const char *path = db->path;
	static const char sqlite_magic[16] = "SQLite format 3";
	unsigned char head[SQLITE_HEADER_LEN];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st)) {
		ferr("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			ferr("%s: %s", path, strerror(EISDIR));
		else
			ferr("%s is not a ferret database (not a regular file)", path);
		return -1;
	}
	if (file_checks__owner(path, &st))
		return -1;
	n = read_head_after_creator(fd, head, sizeof(head));
	if (n < 0) {
		ferr("%s: %s", path, strerror(errno));
		return -1;
	}
	db->empty = n == 0;
	if (n == 0 && db->mode == STORE_READ) {
		ferr("%s is not a ferret database (empty file)", path);
		return -1;
	}
	if (n > 0 && ((size_t)n < sizeof(sqlite_magic) || memcmp(head, sqlite_magic, sizeof(sqlite_magic)))) {
		ferr("%s is not a ferret database", path);
		return -1;
	}
	return n > 0 ? file_checks__length(db->path, head, n, st.st_size) : 0;
}

/* The error of a failed open: a symlink at the path gets a line of its own. */
static int open_error(const char *path)
{
	struct stat st;

	if (errno == ELOOP && !lstat(path, &st) && S_ISLNK(st.st_mode))
		ferr("%s is a symbolic link: give the database file itself", path);
	else
		ferr("%s: %s", path, strerror(errno));
	return -1;
}

/* Opens the file ourselves first: mode 0600 on creation, errno-based messages,
 * and a foreign file is recognised from its first bytes before SQLite touches it.
 * A symlink is never followed (as root, one planted in a shared directory would
 * send ferret's writes, or a removal, elsewhere), and SQLite is told the same.
 * A file this call creates stays flock'ed (db->fd) until its schema is in. */
static int check_file(struct db *db)
{
	int fd;

	if (db->mode == STORE_WRITE) {
		fd = open(db->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
		if (fd >= 0) {
			db->created = db->empty = db->creating = true;
			flock(fd, LOCK_EX);
			db->fd = fd;
			return file_checks__journals(db->path); /* one left of an earlier file */
		}
		if (errno == EEXIST)
			fd = open(db->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	} else {
		fd = open(db->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	}
	if (fd < 0)
		return open_error(db->path);
	db->fd = fd; /* closed by db__free: see release_fd */
	return check_existing(db, fd) || file_checks__journals(db->path);
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

/* A database and the files SQLite keeps beside it. */
static const char *const db_file_suffixes[] = { "", "-wal", "-shm", "-journal" };
#define DB_FILES (sizeof(db_file_suffixes) / sizeof(db_file_suffixes[0]))

void db__remove_files(const char *path)
{
	char name[4096];
	size_t i;

	for (i = 0; i < DB_FILES; i++) {
		snprintf(name, sizeof(name), "%s%s", path, db_file_suffixes[i]);
		unlink(name);
	}
}

void db__give_files(const char *path, uid_t uid, gid_t gid)
{
	char name[4096];
	size_t i;

	for (i = 0; i < DB_FILES; i++) {
		snprintf(name, sizeof(name), "%s%s", path, db_file_suffixes[i]);
		if (lchown(name, uid, gid) && (i == 0 || errno != ENOENT))
			fwarn("cannot give %s to uid %u: %s", name, (unsigned)uid, strerror(errno));
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

/* SQLite's busy handler for a writer: sleeps with backoff (1 ms doubling to 100 ms)
 * until the lock is free, says once after DB_LOCK_SAY_S that it waits, and gives
 * up (SQLITE_BUSY) after DB_LOCK_WAIT_S. tries is 0 at each new wait. */
static atomic_bool give_up_waits;

void db__give_up_lock_waits(void)
{
	atomic_store(&give_up_waits, true);
}

static int wait_for_lock(void *arg, int tries)
{
	struct db *db = arg;
	int64_t now = mono_ns(), waited;

	if (atomic_load(&give_up_waits))
		return 0;
	if (tries == 0)
		db->busy_since_ns = now;
	waited = now - db->busy_since_ns;
	if (waited >= DB_LOCK_WAIT_S * 1000000000LL)
		return 0;
	if (waited >= DB_LOCK_SAY_S * 1000000000LL && !db->said_waiting) {
		fwarn("%s: another process holds the write lock: waiting for it (up to %d s; a second "
		      "Ctrl-C gives up, counting what is not stored)", db->path, DB_LOCK_WAIT_S);
		db->said_waiting = true;
	}
	usleep(tries < 7 ? 1000u << tries : 100000u);
	return 1;
}

static int open_connection(struct db *db)
{
	char *sqlite_path = plain_path(db->path);
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, rc;

	/* A reader that may write opens read-write (with query_only): as the last connection
	 * it then checkpoints and removes the -wal/-shm files, which a read-only one leaves. */
	flags |= db->mode == STORE_WRITE || may_write(db->path) ? SQLITE_OPEN_READWRITE
								: SQLITE_OPEN_READONLY;
	if (!sqlite_path) {
		ferr("out of memory");
		return -1;
	}
	rc = sqlite3_open_v2(sqlite_path, &db->sql, flags, NULL);
	free(sqlite_path);
	if (rc != SQLITE_OK) {
		ferr("%s: %s", db->path, db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		return -1;
	}
	if (db->mode == STORE_WRITE)
		sqlite3_busy_handler(db->sql, wait_for_lock, db);
	else
		sqlite3_busy_timeout(db->sql, 5000);
	/* The file's own code never runs: no triggers (ferret's schema has none), no
	 * functions with side effects in its views, no writes to the schema itself. */
	if (sqlite3_db_config(db->sql, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) != SQLITE_OK ||
	    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK ||
	    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK)
		return db__error(db, "cannot set up");
	return 0;
}

int db__open(const char *path, enum store_mode mode, struct db **out)
{
	struct db *db;

	*out = NULL;
	if (!path || !*path) {
		ferr("no database file given");
		return -1;
	}
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		free(db);
		ferr("out of memory");
		return -1;
	}
	db->mode = mode;
	db->fd = -1;
	db->next = open_dbs;
	open_dbs = db;
	if (check_file(db) || open_connection(db)) {
		db__free(db);
		return -1;
	}
	*out = db;
	return 0;
}

/* Pragmas only after the schema checks: never switch a foreign database to WAL. */
int db__ready(struct db *db)
{
	int err = db__exec(db, db->mode == STORE_WRITE ? write_pragmas_sql : read_pragmas_sql,
			   "cannot set up");

	if (!err && db->creating) {
		/* The schema is in: others may look. The descriptor stays open (release_fd). */
		flock(db->fd, LOCK_UN);
		db->creating = false;
	}
	return err;
}

void db__free(struct db *db)
{
	if (!db)
		return;
	if (db->sql && db->in_txn) /* e.g. a half-made schema: rolled back, not committed */
		db__rollback(db);
	if (db->sql && db->mode == STORE_WRITE) {
		/* Back to a rollback journal if no one else has the file open: the database is
		 * then one self-contained file, readable even where a -shm cannot be created. */
		sqlite3_busy_timeout(db->sql, 0);
		sqlite3_exec(db->sql, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	}
	sqlite3_close_v2(db->sql);
	if (db->creating) /* never leave a half-made database behind */
		db__remove_files(db->path);
	forget(db);
	if (db->fd >= 0)
		release_fd(db->fd);
	free(db->path);
	free(db);
}
