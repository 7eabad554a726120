/*
 * Modules of a running process (/proc/PID/maps), module names as users write
 * them, and executable lookup like execvp. The loader emulation used before a
 * program runs is in modules_ld.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "modules.h"

#define DELETED_SUFFIX " (deleted)"

int module_list__add(struct module_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->paths[i], path) == 0)
			return 0;
	if (grow_array((void **)&l->paths, &l->cap, l->count + 1, sizeof(*l->paths)))
		return -ENOMEM;
	l->paths[l->count] = strdup(path);
	if (!l->paths[l->count])
		return -ENOMEM;
	l->count++;
	return 0;
}

void module_list__free(struct module_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->count; i++)
		free(l->paths[i]);
	free(l->paths);
	free(l->main_name);
	l->main_name = NULL;
	l->paths = NULL;
	l->count = l->cap = 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A process in another mount namespace (a container) sees other files at the
 * same paths: reach them through /proc/PID/root, which the kernel resolves in
 * the process's namespace. realpath() would walk out of it, so only paths in
 * our own root are canonicalized. */
static int add_process_path(struct module_list *l, const char *root_prefix, const char *path)
{
	char buf[PATH_MAX * 2], real[PATH_MAX];

	if (*root_prefix) {
		snprintf(buf, sizeof(buf), "%s%s", root_prefix, path);
		return module_list__add(l, buf);
	}
	return module_list__add(l, module__real_path(path, real));
}

static bool same_root_as_ours(int pid)
{
	char proc_root[64];
	struct stat a, b;

	snprintf(proc_root, sizeof(proc_root), "/proc/%d/root", pid);
	/* Unreadable (not our process, not root): assume the common case. */
	if (stat(proc_root, &a) != 0 || stat("/", &b) != 0)
		return true;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int add_process_exe(int pid, const char *root_prefix, struct module_list *l)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		int err = -errno;

		if (errno == ENOENT)
			ferr("pid %d has no executable (a kernel thread, or exiting)", pid);
		else
			ferr("cannot read %s: %s", link, strerror(errno));
		return err;
	}
	target[n] = '\0';
	/* Replaced on disk since it started: the link still reaches the running inode. */
	if (ends_with(target, DELETED_SUFFIX))
		return module_list__add(l, link);
	return add_process_path(l, root_prefix, target);
}

/* Every file-backed executable mapping, in address order. */
static int add_process_mappings(int pid, const char *root_prefix, struct module_list *l)
{
	char maps[64], perms[8], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int pos, err = 0;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	f = fopen(maps, "re");
	if (!f) {
		err = -errno;
		ferr("cannot read %s: %s", maps, strerror(errno));
		return err;
	}
	while (!err && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		pos = 0;
		/* start-end perms offset dev inode   path */
		if (sscanf(line, "%*s %7s %*s %*s %*s %n", perms, &pos) < 1 || pos == 0)
			continue;
		if (strlen(perms) < 3 || perms[2] != 'x' || line[pos] != '/')
			continue;
		if (ends_with(line + pos, DELETED_SUFFIX)) {
			fdebug("pid %d: %s is deleted, skipped", pid, line + pos);
			continue;
		}
		err = add_process_path(l, root_prefix, line + pos);
	}
	free(line);
	fclose(f);
	return err;
}

int modules__from_pid(int pid, struct module_list *out)
{
	char proc[64], root_prefix[64] = "";
	struct module_list l = { .pid = pid };
	int err;

	*out = (struct module_list){ 0 };
	snprintf(proc, sizeof(proc), "/proc/%d", pid);
	if (pid <= 0 || access(proc, F_OK) != 0) {
		ferr("no process with pid %d", pid);
		return -ESRCH;
	}
	if (!same_root_as_ours(pid))
		snprintf(root_prefix, sizeof(root_prefix), "/proc/%d/root", pid);
	err = add_process_exe(pid, root_prefix, &l);
	if (!err)
		err = add_process_mappings(pid, root_prefix, &l);
	if (err) {
		if (err == -ENOMEM)
			ferr("out of memory listing the modules of pid %d", pid);
		module_list__free(&l);
		return err;
	}
	*out = l;
	return 0;
}

const char *module__real_path(const char *path, char *buf)
{
	return realpath(path, buf) ? buf : path;
}

const char *module__base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool module__matches(const char *name, const char *path)
{
	const char *base = module__base_name(path), *rest;
	size_t n = strlen(name);

	if (strchr(name, '/')) {
		char a[PATH_MAX], b[PATH_MAX];

		if (realpath(name, a) && realpath(path, b))
			return strcmp(a, b) == 0;
		return strcmp(name, path) == 0;
	}
	if (n == 0 || strncmp(base, name, n) != 0)
		return false;
	rest = base + n;
	/* "libc" -> "libc.so.6"; "libc.so" -> "libc.so.6"; "libc" -> "libc-2.36.so" */
	if (*rest == '\0')
		return true;
	if (strncmp(rest, ".so", 3) == 0 && (rest[3] == '\0' || rest[3] == '.'))
		return true;
	return (rest[0] == '.' || rest[0] == '-') && isdigit((unsigned char)rest[1]);
}

/* 0, or errno as execve would report it. */
static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0)
		return EACCES;
	return 0;
}

/* The file execvp would run for cmd, in found (PATH_MAX bytes), symlinks kept.
 * False after printing one error line. */
static bool find_exe(const char *cmd, char *found)
{
	const char *path = getenv("PATH"), *dir, *end;
	int err;

	if (!cmd || !*cmd) {
		ferr("no command given");
		return false;
	}
	if (strchr(cmd, '/')) {
		err = check_executable(cmd);
		if (err)
			ferr("%s: %s", cmd, strerror(err));
		return !err && snprintf(found, PATH_MAX, "%s", cmd) < PATH_MAX;
	}
	if (!path)
		path = "/bin:/usr/bin"; /* execvp's default */
	for (dir = path;; dir = end + 1) {
		size_t n;

		end = strchr(dir, ':');
		n = end ? (size_t)(end - dir) : strlen(dir);
		/* An empty PATH entry means the current directory. */
		if (snprintf(found, PATH_MAX, "%.*s/%s", (int)(n ? n : 1), n ? dir : ".", cmd) < PATH_MAX &&
		    check_executable(found) == 0)
			return true;
		if (!end)
			break;
	}
	ferr("%s: command not found", cmd);
	return false;
}

char *modules__resolve_exe(const char *cmd)
{
	char found[PATH_MAX], *real;

	if (!find_exe(cmd, found))
		return NULL;
	real = realpath(found, NULL);
	if (!real)
		ferr("%s: %s", cmd, strerror(errno));
	return real;
}

char *modules__find_exe(const char *cmd)
{
	char found[PATH_MAX], cwd[PATH_MAX], *out;
	const char *rel;

	if (!find_exe(cmd, found))
		return NULL;
	if (found[0] == '/')
		return strdup(found);
	rel = strncmp(found, "./", 2) == 0 ? found + 2 : found;
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&out, "%s/%s", cwd, rel) < 0)
		return strdup(found);
	return out;
}
