#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "follow.h"
#include "trace_target.h"

int target_spec__check(const struct target_spec *spec)
{
	int kinds = (spec->pid > 0) + spec->all + (spec->argv != NULL);
	size_t i;

	if (kinds != 1) {
		ferr(kinds ? "give only one of -p PID, --all, or -- PROGRAM"
			   : "nothing to trace: give -p PID, --all -f BINARY:GLOB, or -- PROGRAM [ARGS...]");
		return -1;
	}
	if (!spec->all)
		return 0;
	if (!spec->ninc) {
		ferr("--all needs -f BINARY:GLOB (which binary to trace in every process)");
		return -1;
	}
	for (i = 0; i < spec->ninc; i++) {
		if (spec->includes[i][0] != '/' || !strchr(spec->includes[i], ':')) {
			ferr("--all needs patterns with a binary's path: -f /path/to/binary:GLOB, not '%s'",
			     spec->includes[i]);
			return -1;
		}
	}
	return 0;
}

int trace_target__process_of(int tid)
{
	char path[64], line[256];
	int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

char trace_target__thread_state(int tid)
{
	char path[64], buf[512], *close_paren, state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (close_paren = strrchr(buf, ')')) && close_paren[1] == ' ')
		state = close_paren[2];
	fclose(f);
	return state;
}

int trace_target__each_thread(int pid, int (*fn)(int tid, void *arg), void *arg)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int err = 0;
	long tid;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!err && (d = readdir(dir)))
		if (!parse_long(d->d_name, &tid))
			err = fn((int)tid, arg);
	closedir(dir);
	return err;
}

/* -p names a process. A thread's id reaches /proc/TID too, but probes filtered
 * on it would attach to no process (the kernel says "No such process"): say which
 * pid to give rather than trace more than one thread was asked for. */
static int check_is_process(int pid)
{
	int tgid = trace_target__process_of(pid);

	if (tgid > 0 && tgid != pid) {
		ferr("%d is a thread of process %d: give -p %d", pid, tgid, tgid);
		return -EINVAL;
	}
	return 0;
}

/* The process's command line with NULs turned into spaces. */
static void read_cmdline(int pid, char *buf, size_t len)
{
	char path[64];
	size_t n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	if (!n)
		snprintf(buf, len, "pid %d", pid);
}

static void join_args(char **argv, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; argv[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
}

/* --all: the binaries named by the -f patterns, in order, the first standing as "main". */
static int modules_from_patterns(const struct target_spec *spec, struct module_list *mods)
{
	size_t i;

	for (i = 0; i < spec->ninc; i++) {
		char *path = strndup(spec->includes[i], strcspn(spec->includes[i], ":"));
		char *real = path ? realpath(path, NULL) : NULL;
		int err;

		if (!real) {
			ferr("%s: %s", path ? path : spec->includes[i], strerror(errno));
			free(path);
			return -ENOENT;
		}
		err = module_list__add(mods, real);
		free(real);
		free(path);
		if (err)
			return err;
	}
	return 0;
}

/* --all: "every process running /usr/bin/x" (or "/a or /b"), what is traced. */
static void describe_all(const struct module_list *mods, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "every process running "), i;

	for (i = 0; i < mods->count && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " or " : "", mods->paths[i]);
}

int trace_target__resolve(const struct target_spec *spec, struct trace_target *t)
{
	int err;

	*t = (struct trace_target){ .resolved = true, .pidfd = -1, .child.gate_fd = -1 };
	if (spec->pid) {
		t->pid = spec->pid;
		err = check_is_process(spec->pid);
		if (!err)
			err = modules__from_pid(spec->pid, &t->modules);
		if (err)
			return err;
		read_cmdline(spec->pid, t->description, sizeof(t->description));
		t->pidfd = (int)syscall(SYS_pidfd_open, spec->pid, 0);
		return 0;
	}
	if (spec->all) {
		err = modules_from_patterns(spec, &t->modules);
		if (!err)
			describe_all(&t->modules, t->description, sizeof(t->description));
		return err;
	}
	t->exe = modules__resolve_exe(spec->argv[0]);
	if (!t->exe)
		return -ENOENT;
	join_args(spec->argv, t->description, sizeof(t->description));
	t->child.pid = -1;
	t->launched = true;
	t->follow = !spec->no_ptrace;
	t->argv = spec->argv; /* the caller's argv, alive until the launch */
	err = modules__from_exe(t->exe, &t->modules);
	if (err)
		return err;
	/* Probes go to the real file; the name the user gave is what is shown and matched. */
	t->modules.main_name = modules__find_exe(spec->argv[0]);
	return t->modules.main_name ? 0 : -ENOENT;
}

int trace_target__launch(struct trace_target *t)
{
	int err;

	if (!t->launched)
		return 0;
	err = launch__prepare(t->exe, t->argv, t->stdio, &t->child);
	if (err)
		return err;
	t->pid = t->child.pid;
	if (!t->follow)
		return 0;
	err = follower__start(t->pid, &t->child.follower);
	if (err)
		fwarn("cannot follow the command with ptrace (%s): every process that maps a traced "
		      "file gets the breakpoints (only the command's are recorded, the others slow down)",
		      strerror(-err));
	return 0;
}

void trace_target__start(struct trace_target *t)
{
	if (t->launched)
		launch__release(&t->child);
}

void trace_target__abort(struct trace_target *t)
{
	if (t->launched && t->child.pid > 0 && !t->child.exited)
		launch__abort(&t->child);
	launch__unfollow(&t->child);
}

/* -p keeps /proc/PID/exe, the real file: the process's argv[0] is whatever its
 * exec caller passed (a bare name found in a PATH we do not know, a path relative
 * to another cwd, or rewritten text like "nginx: master process"), so it cannot
 * say reliably which link the file was started by. */
const char *trace_target__shown_path(const struct trace_target *t, const char *path)
{
	const char *shown = t->modules.main_name;

	return t->launched && shown && strcmp(path, t->exe) == 0 ? shown : path;
}

void trace_target__free(struct trace_target *t)
{
	if (!t->resolved)
		return;
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->launched && t->child.gate_fd >= 0)
		close(t->child.gate_fd);
	launch__unfollow(&t->child);
	module_list__free(&t->modules);
	free(t->exe);

	t->resolved = false;
}
