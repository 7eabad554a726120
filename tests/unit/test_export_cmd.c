/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of `ferret export`, the command (cmd_export.c): default file names, modes,
 * and nothing left behind when it fails. The run is export_fixture.h's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cmd/commands.h"
#include "export_fixture.h"

static int run_cmd(const char *const *args)
{
	char *argv[16];
	int argc = 0;

	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return cmd_export(argc, argv);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *out;

	if (!f)
		return NULL;
	out = open_memstream(&text, &len);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
	fclose(out);
	return text;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_cmd_default_names(void)
{
	char dir[300], path[400], slash[310];
	char *expected, *got;
	struct stat st;
	mode_t mask = umask(022);
	int err;

	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	mkdir(dir, 0755);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", dir, NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.speedscope.json", dir);
	expected = export_string(&exporter_speedscope, NULL, &err);
	got = read_file(path);
	EXPECT_STR(got, expected);
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	free(got);
	free(expected);
	/* A trailing slash names a directory too; each format has its suffix. */
	snprintf(slash, sizeof(slash), "%s/", dir);
	EXPECT_EQ(run_cmd((const char *[]){ "export", "--db", db_path, "--format", "folded", "-o",
					    slash, "--run-id", "test-run", NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.folded", dir);
	EXPECT(access(path, R_OK) == 0);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "chrome", "--pid", "200",
					    "--min-duration", "50ns", "-o", dir, NULL }), 0);
	snprintf(path, sizeof(path), "%s/test-run.json", dir);
	got = read_file(path);
	EXPECT(got && strstr(got, "\"main\"") && !strstr(got, "\"w\""));
	free(got);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "otlp", "-o", dir, NULL }), 0);
	EXPECT_EQ(count_entries(dir), 4); /* the four files, no temporary left */
	umask(mask);
}

static void test_cmd_failures_leave_nothing(void)
{
	char dir[300], path[400];
	char *got;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/fail", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/keep.json", dir);
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	/* A failing export (no span matches) keeps the old file and leaves no temporary. */
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--function", "nope*", "-o", path,
					    NULL }), 1);
	got = read_file(path);
	EXPECT_STR(got, "old");
	free(got);
	EXPECT_EQ(count_entries(dir), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--format", "json", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--thread", "x1", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--min-duration", "5 parsecs", NULL }), 2);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "--run-id", "nightly-9", "-o", dir,
					    NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", "/nonexistent/ferret.db", NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", "/nonexistent/dir/x.json", NULL }), 1);
	EXPECT_EQ(run_cmd((const char *[]){ "export", db_path, "-o", "", NULL }), 2);
	EXPECT_EQ(count_entries(dir), 1);
}

int main(void)
{
	if (export_fixture__setup("test-export-cmd"))
		return 1;
	RUN(test_cmd_default_names);
	RUN(test_cmd_failures_leave_nothing);
	remove_tree(tmpdir);
	CHECK_EXIT();
}
