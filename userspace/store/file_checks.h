/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * file_checks: below db, what a database file (and what SQLite would replay into it) must be
 * before SQLite opens it: as root, owned by root or the sudo user; its -wal and -journal no
 * symlinks either; not shorter than its SQLite header says. Each prints its one-line error.
 */
#ifndef FERRET_FILE_CHECKS_H
#define FERRET_FILE_CHECKS_H

#include <sys/stat.h>
#include <sys/types.h>

/* The SQLite file header: magic, page size (16-17), change counter (24-27), page
 * count (28-31), version-valid-for (92-95). */
#define SQLITE_HEADER_LEN 100

int file_checks__owner(const char *path, const struct stat *st);	  /* 0 or -1 */
int file_checks__journals(const char *path);				  /* 0 or -1 */
/* head: the file's first n bytes; size: its length. 0 or -1 (damaged or truncated). */
int file_checks__length(const char *path, const unsigned char *head, ssize_t n, off_t size);

#endif
