/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * output_file: where `export` and `view` write. A file is written to a temporary name in
 * its directory and renamed over the requested name only once complete: an error or
 * Ctrl-C never leaves a truncated file behind under that name.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "export/export.h"
#include "output_file.h"
#include "store/file_checks.h"

#define OUTPUT_BUFFER (1 << 20)

/* A directory (existing, or named with a trailing '/') gets <run_id><suffix> inside it. */
static char *resolve_path(const char *requested, const char *run_id, const char *suffix)
{
	size_t len = strlen(requested), dir_len;
	bool slash = requested[len - 1] == '/';
	struct stat st;
	char *path, *p;

	if (!slash && (stat(requested, &st) || !S_ISDIR(st.st_mode)))
		return strdup(requested);
	if (asprintf(&path, "%s%s%s%s", requested, slash ? "" : "/", run_id, suffix) < 0)
		return NULL;
	/* A run id is free text: keep it one file name inside the directory. */
	dir_len = len + !slash;
	for (p = path + dir_len; *p; p++)
		if (*p == '/')
			*p = '_';
	return path;
}

static int open_in_place(struct output *o)
{
	int fd = open(o->path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || !(o->file = fdopen(fd, "w"))) {
		ferr("cannot write %s: %m", o->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

static int open_temporary(struct output *o)
{
	char *slash = strrchr(o->path, '/');
	mode_t mask;
	int fd;

	if (asprintf(&o->tmp_path, "%.*s.%s.XXXXXX", slash ? (int)(slash - o->path + 1) : 0,
		     o->path, slash ? slash + 1 : o->path) < 0) {
		o->tmp_path = NULL;
		ferr("out of memory");
		return -1;
	}
	fd = mkstemp(o->tmp_path);
	if (fd < 0) {
		ferr("cannot write %s: %m", o->path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	/* mkstemp makes 0600; an export is an ordinary file: 0666 minus the umask. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		fdebug("chmod %s: %m", o->tmp_path);
	o->file = fdopen(fd, "w");
	if (!o->file) {
		ferr("cannot write %s: %m", o->path);
		close(fd);
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	return 0;
}

int output__open(struct output *o, const char *requested, const char *run_id, const char *suffix)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (!requested || !strcmp(requested, "-")) {
		o->file = stdout;
	} else {
		o->path = resolve_path(requested, run_id, suffix);
		if (!o->path) {
			ferr("out of memory");
			return -1;
		}
		/* As root, never through a symlink or over another user's file. */
		if (!lstat(o->path, &st) && ((S_ISLNK(st.st_mode) && !geteuid()) ||
					      file_checks__owner(o->path, &st))) {
			if (S_ISLNK(st.st_mode))
				ferr("%s is a symbolic link: not written as root (use '-' for stdout)", o->path);
			return -1;
		}
		/* A device or a pipe (-o /dev/null) is written in place, never replaced. */
		if (!stat(o->path, &st) && !S_ISREG(st.st_mode)) {
			if (open_in_place(o))
				return -1;
		} else if (open_temporary(o)) {
			return -1;
		}
	}
	setvbuf(o->file, NULL, _IOFBF, OUTPUT_BUFFER);
	return 0;
}

int output__close(struct output *o, bool ok)
{
	int err = ok ? 0 : -1;

	if (o->file && o->file != stdout) {
		if (fclose(o->file) && !err) {
			ferr("cannot write %s: %m", o->path);
			err = -1;
		}
	} else if (o->file && fflush(o->file) && !err) {
		ferr("cannot write stdout: %m");
		err = -1;
	}
	if (o->tmp_path) {
		if (!err && rename(o->tmp_path, o->path)) {
			ferr("cannot rename %s to %s: %m", o->tmp_path, o->path);
			err = -1;
		}
		if (err)
			unlink(o->tmp_path);
	}
	free(o->tmp_path);
	o->tmp_path = NULL;
	o->file = NULL;
	return err;
}

void output__free(struct output *o)
{
	free(o->path);
	o->path = NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	export_interrupted = 1;
}

void output__catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

