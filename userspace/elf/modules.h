/* Which ELF files (executable and libraries) a process has, or will have once it runs. */
#ifndef FERRET_MODULES_H
#define FERRET_MODULES_H

#include <stdbool.h>
#include <stddef.h>

struct module_list {
	char **paths; /* paths[0] is the main executable; no duplicates */
	size_t count;
	size_t cap;   /* of paths: grown by module_list__add */
	int pid;      /* set by modules__from_pid (for messages); 0 otherwise */
	char *main_name; /* paths[0] as the user named it (a symlink's path), or NULL; owned */
};

/*
 * /proc/PID/exe followed by every file-backed executable mapping of /proc/PID/maps.
 * A process in another mount namespace gets paths under /proc/PID/root.
 * No such pid -> "ferret: no process with pid N", negative errno.
 */
int modules__from_pid(int pid, struct module_list *out);

/*
 * Before the program runs: the executable, its DT_NEEDED libraries resolved
 * recursively in ld.so's order (DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH with
 * $ORIGIN, the dirs of /etc/ld.so.conf, the default dirs), then its ELF
 * interpreter. Every path is a realpath. A library that cannot be found is
 * warned about and skipped (the loader will refuse to start the program anyway).
 */
int modules__from_exe(const char *exe, struct module_list *out);

/* Appends a copy of `path` unless the list has it already. 0 or -ENOMEM. */
int module_list__add(struct module_list *l, const char *path);
void module_list__free(struct module_list *l);

/* realpath(path) in buf (PATH_MAX bytes), or path itself when it cannot be resolved. */
const char *module__real_path(const char *path, char *buf);
/* The file name of a module's path: "libc.so.6" for "/usr/lib/x86_64-linux-gnu/libc.so.6". */
const char *module__base_name(const char *path);

/*
 * Does `name`, as a user writes it after -f ("libc", "libsqlite3", "libc.so.6",
 * or a path), denote the module at `path`? "libc" matches ".../libc.so.6" and
 * ".../libc-2.36.so" but not "libcrypt.so.1"; a name containing '/' is compared
 * by realpath.
 */
bool module__matches(const char *name, const char *path);

/*
 * The executable `cmd` names, as execvp would find it (PATH search when there is
 * no '/'). Returns a malloc'd realpath, or NULL after printing one error line.
 */
char *modules__resolve_exe(const char *cmd);
/* The same file as the user named it: the path given or found in PATH, made absolute,
 * symlinks kept (a link's name is what users know it by). malloc'd, or NULL after one
 * error line. */
char *modules__find_exe(const char *cmd);

#endif
