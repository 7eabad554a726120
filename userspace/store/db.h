/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * db: the connection to ferret's SQLite file, the bottom of the store. Opening
 * with every file check (mode 0600 on creation, a foreign or empty file refused
 * before SQLite reads it), the one write transaction, prepared statements and
 * the one-line error report. Every layer above takes a struct db.
 * A connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
 */
#ifndef FERRET_DB_H
#define FERRET_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* sqlite3.h's types, so that this header can be included without it. */
struct sqlite3;
struct sqlite3_stmt;

enum store_mode {
	STORE_READ,  /* existing DB only: missing file is an error */
	STORE_WRITE, /* create (0600) if missing, else open and check it is ferret's */
};

struct db {
	struct sqlite3 *sql;
	char *path;
	enum store_mode mode;
	bool in_txn;	 /* a write transaction is open */
	bool created;	 /* this open created the file */
	bool empty;	 /* created, or an empty file opened to write: the schema goes in */
	bool creating;	 /* created, schema not in yet: others wait, db__free removes it */
	int fd;		 /* ferret's own descriptor of the file (flock'ed while creating); -1: none */
	char error[160]; /* SQLite's message of the last error db__error reported */
	int64_t busy_since_ns; /* when the current wait for the write lock began */
	bool said_waiting;     /* the wait for another process's lock was reported */
	struct db *next; /* the process's open connections (db.c) */
	int schema_version; /* set by schema__set_up: 5 for an older file read as it is */
};

/* Checks and opens path; a created file stays locked (and is removed by db__free)
 * until db__ready. NULL path or "" is an error. */
int db__open(const char *path, enum store_mode mode, struct db **out);
/* The schema is in or checked: sets the mode's pragmas, lets other openers look. */
int db__ready(struct db *db);
void db__free(struct db *db); /* NULL is a no-op; rolls back an open transaction */
/* Removes a database ferret created and its -wal, -shm and -journal files. */
void db__remove_files(const char *path);
/* Hands the database and the files beside it to uid:gid (lchown: never through a symlink);
 * a failure is a warning. */
void db__give_files(const char *path, uid_t uid, gid_t gid);

/* Prints "ferret: FILE: what: sqlite's message", keeps the message in db->error, returns -1. */
int db__error(struct db *db, const char *what);
int db__prepare(struct db *db, const char *sql, struct sqlite3_stmt **stmt);
int db__exec(struct db *db, const char *sql, const char *what);
/* Steps a one-shot statement (an INSERT, an UPDATE) to its end and finalizes it. */
int db__run(struct db *db, struct sqlite3_stmt *stmt, const char *what);
/* One write transaction stays open between commits (BEGIN IMMEDIATE on first need).
 * A writer waits up to DB_LOCK_WAIT_S for another process's write lock (saying so
 * after DB_LOCK_SAY_S): the tracer's ring buffer holds the events meanwhile. */
#define DB_LOCK_WAIT_S 60
#define DB_LOCK_SAY_S 5
/* Every writer in the process stops waiting for a lock at once (async-signal-safe). */
void db__give_up_lock_waits(void);
int db__begin(struct db *db);
int db__commit(struct db *db);
void db__rollback(struct db *db);
/* 0 when the file's disk has bytes free beyond the kept ones (or cannot tell);
 * else -1 and why not in why ("disk full: ..."). */
int db__check_room(const struct db *db, int64_t bytes, int64_t kept, char *why, size_t why_len);
/* A text column (NULL reads as ""), copied truncated to len, or strdup'ed. */
void db__copy_text(struct sqlite3_stmt *stmt, int col, char *buf, size_t len);
char *db__dup_text(struct sqlite3_stmt *stmt, int col);

#endif /* FERRET_DB_H */
