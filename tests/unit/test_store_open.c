/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of store__open (and analyze's own connection): creation, mode 0600, foreign files, versions, bad paths. No root. */
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "store/run_query.h"
#include "store/store.h"
#include "store_fixture.h"

static void test_file_mode_0600(void)
{
	struct store *s = NULL;
	struct stat st;
	mode_t old = umask(0);

	unlink(tmp_path("mode.db"));
	EXPECT_EQ(store__open(tmp_path("mode.db"), STORE_WRITE, &s), 0);
	umask(old);
	store__free(s);
	EXPECT_EQ(stat(tmp_path("mode.db"), &st), 0);
	EXPECT_EQ(st.st_mode & 0777, 0600);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void exec_on(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

static void expect_one_line(const char *err, const char *want, const char *how)
{
	if (!strstr(err, want) || count_lines(err) != 1)
		printf("    %s: got \"%s\", want \"%s\"\n", how, err, want);
	EXPECT(strstr(err, want) != NULL);
	EXPECT_EQ(count_lines(err), 1);
}

/* Opening path must fail in both modes, and for analyze's queries, with one line containing want. */
static void expect_rejected(const char *path, const char *want)
{
	enum store_mode modes[] = { STORE_READ, STORE_WRITE };
	const char *names[] = { "read", "write" };
	struct run_query *st = NULL;
	struct store *s = NULL;
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		capture_start();
		rc = store__open(path, modes[i], &s);
		expect_one_line(capture_end(), want, names[i]);
		EXPECT(rc < 0 && s == NULL);
	}
	capture_start();
	rc = run_query__open(path, &st); /* every connection goes through the same checks */
	expect_one_line(capture_end(), want, "analyze");
	EXPECT(rc < 0 && st == NULL);
}

static void test_foreign_files_rejected(void)
{
	char want[600];
	struct stat st;

	write_file(tmp_path("hello.txt"), "hello");
	snprintf(want, sizeof(want), "ferret: %s is not a ferret database", tmp_path("hello.txt"));
	expect_rejected(tmp_path("hello.txt"), want);
	EXPECT(stat(tmp_path("hello.txt"), &st) == 0 && st.st_size == 5);

	unlink(tmp_path("other.db"));
	exec_on(tmp_path("other.db"), "CREATE TABLE t(x); INSERT INTO t VALUES(1)");
	snprintf(want, sizeof(want), "ferret: %s is not a ferret database", tmp_path("other.db"));
	expect_rejected(tmp_path("other.db"), want);
	/* and it was not switched to WAL behind the owner's back */
	EXPECT(stat(tmp_path("other.db-wal"), &st) != 0);

	expect_rejected(tmpdir, "Is a directory");
}

/* SQLite's magic followed by garbage, and a SQLite file whose meta names another format. */
static void test_corrupt_and_other_formats(void)
{
	char bytes[4096], want[600];
	FILE *f;
	size_t i;

	memcpy(bytes, "SQLite format 3", 16);
	for (i = 16; i < sizeof(bytes); i++)
		bytes[i] = (char)(i * 7919 % 251);
	f = fopen(tmp_path("corrupt.db"), "w");
	if (f) {
		fwrite(bytes, 1, sizeof(bytes), f);
		fclose(f);
	}
	snprintf(want, sizeof(want), "ferret: %s is not a ferret database", tmp_path("corrupt.db"));
	expect_rejected(tmp_path("corrupt.db"), want);

	unlink(tmp_path("notes.db"));
	exec_on(tmp_path("notes.db"), "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
				       "INSERT INTO meta VALUES('format', 'notes')");
	snprintf(want, sizeof(want), "ferret: %s is not a ferret database", tmp_path("notes.db"));
	expect_rejected(tmp_path("notes.db"), want);
}

/* A file of an older or newer ferret is refused, naming both versions; so is a
 * version that only starts like this one's. */
static void test_schema_version_mismatch(void)
{
	char others[][16] = { "4", "6", "", "2abc", " 2", "2.0", "02" }; /* 5 is migrated; 6 was never released */
	struct store *s = NULL;
	char want[800], sql[200];
	size_t i;

	snprintf(others[2], sizeof(others[2]), "%d", STORE_SCHEMA_VERSION + 1);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		unlink(tmp_path("other.db"));
		EXPECT_EQ(store__open(tmp_path("other.db"), STORE_WRITE, &s), 0);
		store__free(s);
		snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%s' WHERE key = 'schema_version'",
			 others[i]);
		exec_on(tmp_path("other.db"), sql);
		snprintf(want, sizeof(want), "ferret: %s has schema version %s, this ferret reads %d",
			 tmp_path("other.db"), others[i], STORE_SCHEMA_VERSION);
		expect_rejected(tmp_path("other.db"), want);
	}
}

/* A file of schema 5 (made here from a new one) is read as it is, and updated to the current
 * version when opened to write. */
static void test_schema_5_migrated(void)
{
	struct store *s = NULL;
	struct db *db;

	unlink(tmp_path("v5.db"));
	EXPECT_EQ(store__open(tmp_path("v5.db"), STORE_WRITE, &s), 0);
	store__free(s);
	exec_on(tmp_path("v5.db"), STORE_FIXTURE_MAKE_V5_SQL);
	EXPECT_EQ(store__open(tmp_path("v5.db"), STORE_READ, &s), 0);
	if (s) {
		struct arg_reader *r = store__arg_reader(s);

		EXPECT(r != NULL);
		EXPECT_EQ(arg_reader__run_has_values(r, 1), 0); /* no arguments, no error */
		arg_reader__free(r);
		store__free(s);
	}
	EXPECT_EQ(db__open(tmp_path("v5.db"), STORE_WRITE, &db), 0);
	if (db) {
		EXPECT_EQ(schema__set_up(db), 0);
		EXPECT_EQ(db->schema_version, STORE_SCHEMA_VERSION);
		EXPECT_EQ(db__exec(db, "SELECT incomplete FROM run_functions; SELECT * FROM arg_view;"
				       "SELECT name FROM span_view", "query"), 0);
		db__free(db);
	}
}

static void test_bad_paths(void)
{
	struct store *s = NULL;
	struct stat st;
	char want[600];
	const char *err;
	int rc;

	snprintf(want, sizeof(want), "ferret: %s: No such file or directory", tmp_path("missing.db"));
	capture_start();
	rc = store__open(tmp_path("missing.db"), STORE_READ, &s);
	err = capture_end();
	EXPECT(rc < 0 && !s);
	EXPECT(strstr(err, want) != NULL);
	EXPECT(stat(tmp_path("missing.db"), &st) != 0); /* read mode never creates */

	capture_start();
	rc = store__open(tmp_path("no/such/dir.db"), STORE_WRITE, &s);
	err = capture_end();
	EXPECT(rc < 0 && !s);
	EXPECT(strstr(err, "No such file or directory") != NULL);

	write_file(tmp_path("empty.db"), "");
	capture_start();
	rc = store__open(tmp_path("empty.db"), STORE_READ, &s);
	err = capture_end();
	EXPECT(rc < 0 && !s);
	EXPECT(strstr(err, "is not a ferret database") != NULL);

	if (geteuid() != 0) { /* root ignores permissions */
		mkdir(tmp_path("ro"), 0500);
		capture_start();
		rc = store__open(tmp_path("ro/x.db"), STORE_WRITE, &s);
		err = capture_end();
		EXPECT(rc < 0 && !s);
		EXPECT(strstr(err, "Permission denied") != NULL);
	}
}

/* The one removal of a database ferret made: the file and every journal SQLite may leave. */
static void test_remove_files(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[600];
	struct stat st;
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", tmp_path("gone.db"), suffixes[i]);
		write_file(path, "x");
	}
	db__remove_files(tmp_path("gone.db"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", tmp_path("gone.db"), suffixes[i]);
		EXPECT(stat(path, &st) != 0);
	}
}

/* A symlink at the database path is refused, and nothing it points at (or it) is touched:
 * as root, a link planted in a shared directory would otherwise redirect ferret's writes. */
static void test_symlink_refused(void)
{
	char real[600], link[600], nowhere[600], dangling[600], want[700];
	struct store *s = NULL;
	struct stat st;

	snprintf(real, sizeof(real), "%s", tmp_path("real.db"));
	snprintf(link, sizeof(link), "%s", tmp_path("link.db"));
	snprintf(nowhere, sizeof(nowhere), "%s", tmp_path("nowhere.db"));
	snprintf(dangling, sizeof(dangling), "%s", tmp_path("dangling.db"));
	unlink(real);
	unlink(link);
	EXPECT_EQ(store__open(real, STORE_WRITE, &s), 0);
	EXPECT(s && store__created(s));
	store__free(s);
	EXPECT_EQ(store__open(real, STORE_WRITE, &s), 0);
	EXPECT(s && !store__created(s));
	store__free(s);
	EXPECT_EQ(symlink(real, link), 0);
	snprintf(want, sizeof(want), "ferret: %s is a symbolic link", link);
	expect_rejected(link, want);

	unlink(nowhere);
	unlink(dangling);
	EXPECT_EQ(symlink(nowhere, dangling), 0);
	snprintf(want, sizeof(want), "ferret: %s is a symbolic link", dangling);
	expect_rejected(dangling, want);
	EXPECT_EQ(lstat(dangling, &st), 0); /* not ours: never removed */
	EXPECT(stat(nowhere, &st) != 0);    /* and nothing created through it */
}

/* As root, a database of another user (not the sudo user) is refused: its schema and
 * contents are that user's to choose. */
static void test_foreign_owner_refused_as_root(void)
{
	const char *sudo_uid = getenv("SUDO_UID");
	char path[600], want[700];
	struct store *s = NULL;

	if (geteuid() != 0)
		return; /* only root opens other users' files */
	snprintf(path, sizeof(path), "%s", tmp_path("theirs.db"));
	unlink(path);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	store__free(s);
	EXPECT_EQ(chown(path, 54321, 54321), 0);
	unsetenv("SUDO_UID");
	snprintf(want, sizeof(want), "ferret: %s belongs to uid 54321, not to root or the sudo user", path);
	expect_rejected(path, want);
	setenv("SUDO_UID", "54321", 1); /* sudo ferret ... on the user's own file */
	EXPECT_EQ(store__open(path, STORE_READ, &s), 0);
	store__free(s);
	if (sudo_uid)
		setenv("SUDO_UID", sudo_uid, 1);
	else
		unsetenv("SUDO_UID");
}

/* SQLite reads a database's -wal and -journal by name and replays them: as root, one
 * that is a symlink or another user's is refused like the database itself. */
static void test_foreign_journals_refused(void)
{
	char path[600], wal[620], journal[620], want[700];
	struct store *s = NULL;

	snprintf(path, sizeof(path), "%s", tmp_path("journals.db"));
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(journal, sizeof(journal), "%s-journal", path);
	unlink(path);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	store__free(s);
	unlink(wal);
	EXPECT_EQ(symlink(tmp_path("elsewhere"), wal), 0);
	snprintf(want, sizeof(want), "ferret: %s is a symbolic link", wal);
	expect_rejected(path, want);
	unlink(wal);
	if (geteuid() != 0)
		return;
	write_file(journal, "");
	EXPECT_EQ(chown(journal, 54321, 54321), 0);
	unsetenv("SUDO_UID");
	snprintf(want, sizeof(want), "ferret: %s belongs to uid 54321, not to root or the sudo user", journal);
	expect_rejected(path, want);
	unlink(journal);
}

/* A database's triggers never run in ferret: whoever wrote the file chose them. */
static void test_triggers_never_run(void)
{
	struct run_info info = { .run_id = "r", .command = "x", .mode = "pid", .pid = 1 };
	char path[600];
	struct store *s = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int fired = -1;

	snprintf(path, sizeof(path), "%s", tmp_path("trigger.db"));
	unlink(path);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	store__free(s);
	exec_on(path, "CREATE TABLE fired(what TEXT);"
		      "CREATE TRIGGER on_run AFTER INSERT ON runs BEGIN INSERT INTO fired VALUES('run'); END;");
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	EXPECT(s && store__begin_run(s, &info) == 0);
	store__free(s);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM fired", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		fired = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	EXPECT_EQ(fired, 0);
}

/* Whether another process sees a read lock on SQLite's SHARED byte range of path:
 * a WAL connection holds one while open, which tells every other connection that
 * it is not the last (the last one checkpoints and deletes the -wal file). */
static bool shared_lock_seen(const char *path)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
				    .l_start = 0x40000000 + 2, .l_len = 510 };
		int fd = open(path, O_RDWR);

		_exit(fd >= 0 && !fcntl(fd, F_GETLK, &fl) && fl.l_type == F_RDLCK ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status);
}

/* A writer keeps SQLite's lock on a file it created: closing any descriptor of the
 * file drops a process's fcntl locks, so the creation lock's fd must outlive the
 * connection. Without the lock, another tracer closing the file took itself for the
 * last one and deleted the -wal this writer was still committing into. */
static void test_writer_keeps_its_lock(void)
{
	struct run_info info = { .run_id = "r", .command = "x", .mode = "pid", .pid = 1 };
	char path[600];
	struct store *s = NULL;

	snprintf(path, sizeof(path), "%s", tmp_path("locked.db"));
	unlink(path);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	EXPECT(s && store__begin_run(s, &info) == 0);
	EXPECT(shared_lock_seen(path)); /* the creator */
	store__free(s);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	info.run_id = "r2";
	EXPECT(s && store__begin_run(s, &info) == 0);
	EXPECT(shared_lock_seen(path)); /* and any other writer */
	store__free(s);
}

/* analyze holds two connections to one file (the store, its queries): opening and
 * closing the second must not drop the first one's lock. */
static void test_second_connection_keeps_first_lock(void)
{
	struct run_info info = { .run_id = "r", .command = "x", .mode = "pid", .pid = 1 };
	struct run_query *st = NULL;
	char path[600];
	struct store *s = NULL;

	snprintf(path, sizeof(path), "%s", tmp_path("two_conns.db"));
	unlink(path);
	EXPECT_EQ(store__open(path, STORE_WRITE, &s), 0);
	EXPECT(s && store__begin_run(s, &info) == 0);
	EXPECT_EQ(run_query__open(path, &st), 0);
	EXPECT(shared_lock_seen(path));
	run_query__free(st);
	EXPECT(shared_lock_seen(path));
	store__free(s);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_file_mode_0600);
	RUN(test_foreign_files_rejected);
	RUN(test_corrupt_and_other_formats);
	RUN(test_schema_version_mismatch);
	RUN(test_schema_5_migrated);
	RUN(test_bad_paths);
	RUN(test_remove_files);
	RUN(test_symlink_refused);
	RUN(test_foreign_owner_refused_as_root);
	RUN(test_foreign_journals_refused);
	RUN(test_triggers_never_run);
	RUN(test_writer_keeps_its_lock);
	RUN(test_second_connection_keeps_first_lock);
	fixture_cleanup();
	CHECK_EXIT();
}
