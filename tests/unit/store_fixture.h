/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the store's unit tests: a temp dir, and stderr captured to check error lines. */
#ifndef FERRET_STORE_FIXTURE_H
#define FERRET_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static char captured[4096];
static FILE *capture_file;
static int saved_stderr = -1;

static inline int fixture_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ferret-test-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* KEEP_TMP=1 keeps the databases for a look with sqlite3. */
static inline void fixture_cleanup(void)
{
	char cmd[300];

	if (getenv("KEEP_TMP")) {
		printf("    kept %s\n", tmpdir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("    could not remove %s\n", tmpdir);
}

static inline const char *tmp_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* Errors go to stderr: tests catch them to check the one-line messages. */
static inline void capture_start(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	saved_stderr = dup(2);
	dup2(fileno(capture_file), 2);
}

static inline const char *capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(capture_file);
	n = fread(captured, 1, sizeof(captured) - 1, capture_file);
	captured[n] = '\0';
	fclose(capture_file);
	return captured;
}

static inline int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

#endif /* FERRET_STORE_FIXTURE_H */
