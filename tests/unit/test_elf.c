/*
 * elf_syms and modules against independent truth: readelf's symbol tables and
 * program headers, ldd (the real loader), and the bytes of functions mapped in
 * this very process (what a uprobe at that file offset would patch).
 * Needs the programs of tests/progs/special.mk ($PROGS, default build/progs).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"
#include "elf/modules.h"

#define MAX_TRUTH 16384
#define MAX_LIBS 64

static struct truth_sym truth[MAX_TRUTH];

static bool same_name(const char *truth_name, const char *name)
{
	size_t n = strcspn(truth_name, "@"); /* readelf shows .dynsym versions as name@@VER */

	return strcspn(name, "@") == n && strncmp(truth_name, name, n) == 0;
}

/* elf_syms reports each address readelf has a defined FUNC at exactly once,
 * under one of its names, with readelf's program-header offset; the functions
 * .eh_frame adds (tests/unit/test_elf_eh_frame.c) are where readelf has none, as sub_ADDR. */
static struct elf_syms *check_against_readelf(const char *path)
{
	struct elf_syms *s = NULL;
	int n = readelf_funcs(path, truth, MAX_TRUTH), i, j;
	size_t k, distinct = 0, ifunc_only = 0, unnamed = 0;

	EXPECT(n > 0);
	EXPECT_EQ(elf_syms__open(path, &s), 0);
	if (!s || n <= 0)
		return s;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && truth[j].addr != truth[i].addr; j++)
			;
		distinct += j == i;
	}
	for (k = 0; k < elf_syms__count(s); k++) {
		const struct elf_func *f = elf_syms__get(s, k);
		uint64_t offset = 0;
		bool named = false, at_symbol = false;
		char sub[32];

		snprintf(sub, sizeof(sub), "sub_%llx", (unsigned long long)f->addr);
		unnamed += f->source == FUNC_SRC_EH_FRAME;
		if (f->source == FUNC_SRC_EH_FRAME) { /* named sub_ADDR only where no symbol is */
			for (named = !strcmp(f->name, sub), i = 0; i < n && named; i++)
				named = truth[i].addr != f->addr;
		} else {
			for (i = 0; i < n && !named; i++) {
				at_symbol |= truth[i].addr == f->addr;
				named = truth[i].addr == f->addr && same_name(truth[i].name, f->name);
			}
		}
		/* an IFUNC's implementation (test_ifunc.c) and a name from the debug file
		 * (test_elf_debug_file.c) may have no symbol of the file's own */
		named |= f->source == FUNC_SRC_IFUNC || f->source == FUNC_SRC_DEBUG_FILE;
		ifunc_only += (f->source == FUNC_SRC_IFUNC || f->source == FUNC_SRC_DEBUG_FILE) &&
			      !at_symbol;
		if (!named)
			printf("    %s: %s at 0x%llx is not a readelf name there\n", path, f->name,
			       (unsigned long long)f->addr);
		EXPECT(named);
		EXPECT(readelf_offset(path, f->addr, &offset));
		EXPECT_EQ(f->offset, offset);
		if (k > 0)
			EXPECT(f->addr > elf_syms__get(s, k - 1)->addr);
	}
	EXPECT_EQ(elf_syms__count(s) - ifunc_only - unnamed, distinct);
	return s;
}

static void test_pie_matches_readelf(void)
{
	struct elf_syms *s = check_against_readelf(prog("elf_pie"));
	const char *names[] = { "main", "demo_run", "demo_step", "demo_leaf", "demo_hidden" };
	uint64_t offset = 0;
	size_t i;

	EXPECT(s != NULL);
	EXPECT(!elf_syms__is_stripped(s));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		EXPECT(elf_syms__find(s, names[i]) != NULL);
	/* Imports (printf, atoi: undefined in .dynsym) are not functions of this file. */
	EXPECT(elf_syms__find(s, "printf") == NULL);
	EXPECT(elf_syms__find(s, "atoi") == NULL);
	if (elf_syms__find(s, "demo_run")) {
		EXPECT(readelf_text_offset(prog("elf_pie"), elf_syms__find(s, "demo_run")->addr,
					   &offset));
		EXPECT_EQ(elf_syms__find(s, "demo_run")->offset, offset);
	}
	elf_syms__free(s);
}

static void test_nopie_offsets_differ_from_addresses(void)
{
	struct elf_syms *s = check_against_readelf(prog("elf_nopie"));
	const struct elf_func *f = elf_syms__find(s, "demo_run");
	uint64_t offset = 0;

	EXPECT(f != NULL);
	if (!f)
		goto out;
	/* ET_EXEC is linked at 0x400000: the offset is far below the address. */
	EXPECT(f->addr >= 0x400000);
	EXPECT(f->offset < f->addr);
	EXPECT(readelf_text_offset(prog("elf_nopie"), f->addr, &offset));
	EXPECT_EQ(f->offset, offset);
out:
	elf_syms__free(s);
}

static void test_stripped_keeps_dynsym_functions(void)
{
	struct elf_syms *s = check_against_readelf(prog("elf_stripped")), *pie = NULL;
	const char *exported[] = { "main", "demo_run", "demo_step", "demo_leaf" };
	size_t i;

	EXPECT_EQ(elf_syms__open(prog("elf_pie"), &pie), 0);
	EXPECT(elf_syms__is_stripped(s));
	for (i = 0; s && pie && i < sizeof(exported) / sizeof(exported[0]); i++) {
		const struct elf_func *f = elf_syms__find(s, exported[i]);
		const struct elf_func *g = elf_syms__find(pie, exported[i]);

		EXPECT(f != NULL && g != NULL);
		if (f && g)
			EXPECT_EQ(f->offset, g->offset);
	}
	/* static: never in .dynsym */
	EXPECT(elf_syms__find(s, "demo_hidden") == NULL);
	elf_syms__free(s);
	elf_syms__free(pie);
}

static void test_aliases_listed_once(void)
{
	struct elf_syms *s = check_against_readelf(prog("elf_alias"));

	const struct elf_func *compute = elf_syms__find(s, "a_longer_alias_of_compute");
	const struct elf_func *visible = elf_syms__find(s, "hid");

	/* found by any name, listed under one: the shortest of two globals */
	EXPECT(compute && strcmp(compute->name, "compute") == 0);
	EXPECT(compute && compute->naliases == 1 &&
	       strcmp(compute->aliases[0], "a_longer_alias_of_compute") == 0);
	/* global beats a shorter local */
	EXPECT(visible && strcmp(visible->name, "visible_fn") == 0);
	EXPECT(visible && visible->naliases == 1 && strcmp(visible->aliases[0], "hid") == 0);
	elf_syms__free(s);
}

static bool file_bytes_match_memory(const char *path, uint64_t offset, const void *mem)
{
	unsigned char buf[16];
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, buf, sizeof(buf), (off_t)offset) == sizeof(buf) &&
		  memcmp(buf, mem, sizeof(buf)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

static void test_shared_library(void)
{
	const char *path = prog("libferretdemo.so");
	struct elf_syms *s = check_against_readelf(path);
	const char *names[] = { "lib_add", "lib_mul", "lib_scale" };
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	EXPECT(lib != NULL);
	EXPECT(elf_syms__find(s, "__cxa_finalize") == NULL); /* a weak import */
	for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
		const struct elf_func *f = elf_syms__find(s, names[i]);
		void *mem = lib ? dlsym(lib, names[i]) : NULL;

		EXPECT(f != NULL && mem != NULL);
		/* The uprobe offset reaches the bytes the loader mapped at the function. */
		if (f && mem)
			EXPECT(file_bytes_match_memory(path, f->offset, mem));
	}
	if (lib)
		dlclose(lib);
	elf_syms__free(s);
}

__attribute__((noinline, noclone)) int test_elf_probe_target(int x);
__attribute__((noinline, noclone)) int test_elf_probe_target(int x)
{
	return x * 7 + 3;
}

static const char *find_module(const struct module_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (module__matches(name, l->paths[i]))
			return l->paths[i];
	return NULL;
}

/* This test's own (PIE) executable and libc: file offset -> the mapped code. */
static void test_offsets_reach_code_in_memory(void)
{
	struct module_list l = { 0 };
	struct elf_syms *self = NULL, *libc = NULL;
	const struct elf_func *f;
	const char *libc_path;
	void *handle;

	EXPECT_EQ(modules__from_pid(getpid(), &l), 0);
	libc_path = find_module(&l, "libc");
	EXPECT(libc_path != NULL);
	if (l.count == 0 || !libc_path)
		goto out;
	EXPECT_EQ(elf_syms__open(l.paths[0], &self), 0);
	f = elf_syms__find(self, "test_elf_probe_target");
	EXPECT(f != NULL);
	if (f)
		EXPECT(file_bytes_match_memory(l.paths[0], f->offset, (void *)test_elf_probe_target));
	EXPECT_EQ(elf_syms__open(libc_path, &libc), 0);
	f = elf_syms__find(libc, "strtol");
	/* libc's own strtol, not a sanitizer's interceptor of the same name */
	handle = dlopen(libc_path, RTLD_NOW | RTLD_NOLOAD);
	EXPECT(f != NULL && handle != NULL);
	if (f && handle)
		EXPECT(file_bytes_match_memory(libc_path, f->offset, dlsym(handle, "strtol")));
	if (handle)
		dlclose(handle);
out:
	elf_syms__free(self);
	elf_syms__free(libc);
	module_list__free(&l);
}

/* libc has no .symtab here and thousands of aliased .dynsym entries. */
static void test_libc_matches_readelf(void)
{
	struct module_list l = { 0 };
	struct elf_syms *s;

	EXPECT_EQ(modules__from_pid(getpid(), &l), 0);
	EXPECT(find_module(&l, "libc") != NULL);
	if (find_module(&l, "libc")) {
		s = check_against_readelf(find_module(&l, "libc"));
		EXPECT(elf_syms__count(s) > 1000);
		EXPECT(elf_syms__find(s, "malloc") != NULL);
		/* getpid is a WEAK alias of a GLOBAL __getpid: the short public name wins */
		EXPECT(elf_syms__find(s, "getpid") &&
		       strcmp(elf_syms__find(s, "getpid")->name, "getpid") == 0);
		EXPECT(elf_syms__find(s, "__getpid") == elf_syms__find(s, "getpid"));
		elf_syms__free(s);
	}
	module_list__free(&l);
}

static void test_bad_files(void)
{
	const char *text = make_text_file();
	struct elf_syms *s = (struct elf_syms *)&s;
	const char *err;

	capture_begin();
	EXPECT(elf_syms__open(text, &s) < 0);
	err = capture_end();
	EXPECT(s == NULL);
	EXPECT(strstr(err, "not an ELF file") != NULL);
	EXPECT(strstr(err, text) != NULL);
	capture_begin();
	EXPECT(elf_syms__open("/nonexistent/ferret-test", &s) < 0);
	EXPECT(elf_syms__open("/tmp", &s) < 0);
	EXPECT(modules__from_exe(text, &(struct module_list){ 0 }) < 0);
	err = capture_end();
	EXPECT(strstr(err, "ferret: /nonexistent/ferret-test: No such file or directory\n") != NULL);
	EXPECT(strstr(err, "ferret: /tmp: not an ELF file\n") != NULL);
	unlink(text);
	elf_syms__free(NULL);
	module_list__free(NULL);
}

/* A script (a pyenv shim) is named as one, with what runs it. */
static void test_script_names_interpreter(void)
{
	char path[] = "/tmp/ferret-test-script-XXXXXX", want[256];
	int fd = mkstemp(path);
	struct elf_syms *s = NULL;
	const char *err;

	EXPECT(fd >= 0 && write(fd, "#! /usr/bin/env bash\nexec true\n", 31) == 31);
	close(fd);
	capture_begin();
	EXPECT(elf_syms__open(path, &s) < 0);
	EXPECT(modules__from_exe(path, &(struct module_list){ 0 }) < 0);
	err = capture_end();
	snprintf(want, sizeof(want), "ferret: %s is a script run by /usr/bin/env bash, not an ELF "
		 "file: trace the interpreter or the program it runs\n", path);
	EXPECT(strstr(err, want) == err);
	EXPECT(strcmp(err + strlen(want), want) == 0); /* the same from modules__from_exe */
	unlink(path);
}

/* ours (minus nothing) == ldd's list, as sets. */
static void expect_same_as_ldd(const char *exe, const struct module_list *l)
{
	static char ldd[MAX_LIBS][PATH_MAX];
	int n = ldd_paths(exe, ldd, MAX_LIBS), i;
	size_t k;

	EXPECT(n > 0);
	EXPECT_EQ(l->count, (size_t)n + 1); /* + the executable itself */
	for (i = 0; i < n; i++) {
		if (!list_has(l->paths, l->count, ldd[i]))
			printf("    %s: ldd finds %s, we do not\n", exe, ldd[i]);
		EXPECT(list_has(l->paths, l->count, ldd[i]));
	}
	for (k = 1; k < l->count; k++) {
		for (i = 0; i < n && strcmp(ldd[i], l->paths[k]) != 0; i++)
			;
		if (i == n)
			printf("    %s: we find %s, ldd does not\n", exe, l->paths[k]);
	}
}

static void test_modules_from_exe_origin_rpath(void)
{
	struct module_list l = { 0 };
	char exe[PATH_MAX] = "", lib[PATH_MAX] = "";

	EXPECT(realpath(prog("elf_uselib"), exe) && realpath(prog("libferretdemo.so"), lib));
	EXPECT_EQ(modules__from_exe(prog("elf_uselib"), &l), 0);
	EXPECT(l.count >= 4);
	if (l.count == 0)
		return;
	EXPECT_STR(l.paths[0], exe);
	EXPECT(list_has(l.paths, l.count, lib));
	EXPECT(find_module(&l, "libc") != NULL);
	EXPECT(find_module(&l, "ld-linux-x86-64") != NULL); /* PT_INTERP */
	expect_same_as_ldd(exe, &l);
	module_list__free(&l);
}

/* LD_LIBRARY_PATH comes before DT_RUNPATH in ld.so's order. */
static void test_modules_from_exe_ld_library_path(void)
{
	char dir[] = "/tmp/ferret-test-ldpath-XXXXXX", copy[PATH_MAX], cmd[3 * PATH_MAX];
	const char *old = getenv("LD_LIBRARY_PATH");
	char *saved = old ? strdup(old) : NULL;
	struct module_list l = { 0 };

	EXPECT(mkdtemp(dir) != NULL);
	snprintf(copy, sizeof(copy), "%s/libferretdemo.so", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", prog("libferretdemo.so"), copy);
	EXPECT_EQ(system(cmd), 0);
	setenv("LD_LIBRARY_PATH", dir, 1);
	EXPECT_EQ(modules__from_exe(prog("elf_uselib"), &l), 0);
	EXPECT(list_has(l.paths, l.count, copy));
	expect_same_as_ldd(prog("elf_uselib"), &l);
	if (saved)
		setenv("LD_LIBRARY_PATH", saved, 1);
	else
		unsetenv("LD_LIBRARY_PATH");
	free(saved);
	unlink(copy);
	rmdir(dir);
	module_list__free(&l);
}

/* This test links libbpf, libelf, libsqlite3...: a real recursive closure. */
static void test_modules_from_exe_matches_ldd_on_self(void)
{
	struct module_list l = { 0 };
	char exe[PATH_MAX] = "";

	EXPECT(realpath("/proc/self/exe", exe) != NULL);
	EXPECT_EQ(modules__from_exe(exe, &l), 0);
	expect_same_as_ldd(exe, &l);
	module_list__free(&l);
}

static void test_modules_from_pid_self(void)
{
	static char ldd[MAX_LIBS][PATH_MAX];
	struct module_list l = { 0 };
	char exe[PATH_MAX] = "";
	const char *err;
	size_t i, j;
	int n, k;

	EXPECT(realpath("/proc/self/exe", exe) != NULL);
	EXPECT_EQ(modules__from_pid(getpid(), &l), 0);
	EXPECT(l.count >= 3);
	EXPECT_EQ(l.pid, getpid());
	if (l.count > 0)
		EXPECT_STR(l.paths[0], exe);
	EXPECT(find_module(&l, "libc") != NULL);
	n = ldd_paths(exe, ldd, MAX_LIBS);
	for (k = 0; k < n; k++)
		EXPECT(list_has(l.paths, l.count, ldd[k]));
	for (i = 0; i < l.count; i++)
		for (j = i + 1; j < l.count; j++)
			EXPECT(strcmp(l.paths[i], l.paths[j]) != 0);
	module_list__free(&l);

	capture_begin();
	EXPECT(modules__from_pid(999999999, &l) < 0);
	EXPECT(modules__from_pid(-1, &l) < 0);
	err = capture_end();
	EXPECT(strstr(err, "ferret: no process with pid 999999999\n") != NULL);
	EXPECT_EQ(l.count, 0);
}

static void test_module_matches(void)
{
	char lib[PATH_MAX] = "", rel[PATH_MAX];

	EXPECT(module__matches("libc", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	EXPECT(module__matches("libc", "/lib/libc-2.36.so"));
	EXPECT(module__matches("libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	EXPECT(module__matches("libc.so", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	EXPECT(!module__matches("libc", "/usr/lib/x86_64-linux-gnu/libcrypt.so.1"));
	EXPECT(!module__matches("libc", "/usr/lib/x86_64-linux-gnu/libcjson.so.1"));
	EXPECT(!module__matches("libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.61"));
	EXPECT(module__matches("libsqlite3", "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6"));
	EXPECT(module__matches("libferretdemo", "/x/libferretdemo.so"));
	EXPECT(module__matches("myapp", "/usr/bin/myapp"));
	EXPECT(!module__matches("myapp", "/usr/bin/myapp2"));
	EXPECT(!module__matches("", "/usr/bin/myapp"));
	/* a path: compared by realpath, so a relative path or a symlink matches too */
	EXPECT(realpath(prog("libferretdemo.so"), lib) != NULL);
	snprintf(rel, sizeof(rel), "%s/../progs/./libferretdemo.so", prog(""));
	EXPECT(module__matches(rel, lib));
	EXPECT(module__matches(prog("libferretdemo.so"), lib));
	EXPECT(!module__matches(prog("elf_pie"), lib));
}

static void test_resolve_exe(void)
{
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL, *got, dir[PATH_MAX] = "", want[PATH_MAX] = "";
	const char *err;

	got = modules__resolve_exe(prog("elf_pie"));
	EXPECT(realpath(prog("elf_pie"), want) != NULL);
	EXPECT_STR(got, want);
	free(got);
	EXPECT(realpath(prog(""), dir) != NULL);
	setenv("PATH", dir, 1);
	got = modules__resolve_exe("elf_pie"); /* no '/': searched in PATH like execvp */
	EXPECT_STR(got, want);
	free(got);
	capture_begin();
	EXPECT(modules__resolve_exe("ferret-no-such-command") == NULL);
	EXPECT(modules__resolve_exe("./ferret-no-such-file") == NULL);
	EXPECT(modules__resolve_exe("/tmp") == NULL);
	EXPECT(modules__resolve_exe("") == NULL);
	err = capture_end();
	EXPECT(strstr(err, "ferret: ./ferret-no-such-file: No such file or directory\n") != NULL);
	EXPECT(strstr(err, "ferret: ferret-no-such-command: command not found\n") != NULL);
	EXPECT(strstr(err, "ferret: /tmp: Is a directory\n") != NULL);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
}

int main(void)
{
	RUN(test_pie_matches_readelf);
	RUN(test_nopie_offsets_differ_from_addresses);
	RUN(test_stripped_keeps_dynsym_functions);
	RUN(test_aliases_listed_once);
	RUN(test_shared_library);
	RUN(test_offsets_reach_code_in_memory);
	RUN(test_libc_matches_readelf);
	RUN(test_bad_files);
	RUN(test_script_names_interpreter);
	RUN(test_modules_from_exe_origin_rpath);
	RUN(test_modules_from_exe_ld_library_path);
	RUN(test_modules_from_exe_matches_ldd_on_self);
	RUN(test_modules_from_pid_self);
	RUN(test_module_matches);
	RUN(test_resolve_exe);
	CHECK_EXIT();
}
