/* SPDX-License-Identifier: BSD-2-Clause */
/* file_checks: what a database file must be before SQLite opens it (see file_checks.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "file_checks.h"

/* As root, only root's files and the sudo user's are opened: another user's
 * database is theirs to craft (its schema, its contents), and root would write
 * into it. */
int file_checks__owner(const char *path, const struct stat *st)
{
	long sudo_uid;

	if (geteuid() != 0 || st->st_uid == 0)
		return 0;
	if (!parse_long(getenv("SUDO_UID"), &sudo_uid) && (uid_t)sudo_uid == st->st_uid)
		return 0;
	ferr("%s belongs to uid %u, not to root or the sudo user: not opened as root", path,
	     (unsigned)st->st_uid);
	return -1;
}

/* The files SQLite replays into a database: its write-ahead log and rollback journal. */
static const char *const journal_suffixes[] = { "-wal", "-journal" };
#define JOURNALS (sizeof(journal_suffixes) / sizeof(journal_suffixes[0]))

static const char *journal_name(const char *path, size_t i, char *name, size_t len)
{
	snprintf(name, len, "%s%s", path, journal_suffixes[i]);
	return name;
}

/* SQLite opens a database's -wal and -journal by name (following symlinks) and
 * replays what they hold into it: they are checked like the file itself. */
int file_checks__journals(const char *path)
{
	char name[4096];
	struct stat st;
	size_t i;

	for (i = 0; i < JOURNALS; i++) {
		if (lstat(journal_name(path, i, name, sizeof(name)), &st))
			continue; /* none (or unreadable: SQLite will say) */
		if (S_ISLNK(st.st_mode)) {
			ferr("%s is a symbolic link: not opened", name);
			return -1;
		}
		if (file_checks__owner(name, &st))
			return -1;
	}
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether a -wal or -journal with something in it may hold pages of the file. */
static bool has_journal(const char *path)
{
	char name[4096];
	struct stat st;
	size_t i;

	for (i = 0; i < JOURNALS; i++)
		if (!stat(journal_name(path, i, name, sizeof(name)), &st) && st.st_size > 0)
			return true;
	return false;
}

/* The SQLite header records the file's page count at its last commit (valid when
 * its change counter is its version-valid-for, SQLite's own rule): a file that is
 * shorter lost its end. A journal may still hold those pages: then SQLite decides. */
int file_checks__length(const char *path, const unsigned char *head, ssize_t n, off_t size)
{
	uint32_t page_size = (uint32_t)head[16] << 8 | head[17], pages;

	if (n < SQLITE_HEADER_LEN) {
		ferr("%s is damaged or truncated: %zd bytes, shorter than its SQLite header", path, n);
		return -1;
	}
	pages = be32(head + 28);
	if (page_size == 1)
		page_size = 65536;
	if (!pages || be32(head + 24) != be32(head + 92) || has_journal(path) ||
	    (off_t)pages * page_size <= size)
		return 0;
	ferr("%s is damaged or truncated: %lld bytes of the %lld its header records "
	     "(run PRAGMA integrity_check)", path, (long long)size, (long long)pages * page_size);
	return -1;
}
