/*
 * Names from separate debug files: the stripped dbg_demo / dbg_nobid of tests/progs
 * (debug files in $PROGS/.debug/) found by .gnu_debuglink, by build-id under
 * FERRET_DEBUG_DIRS, and refused when they are not the binary's, are symbolic links
 * outside the system's folders or are damaged; libc with libc6-dbg. readelf is the
 * independent truth for build-ids and symbol addresses.
 */
#include <sys/stat.h>

#include "check.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"

static char tmp[64];

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

/* The build-id readelf -n prints, or "" */
static const char *readelf_build_id(const char *path)
{
	static char id[128];
	char cmd[PATH_MAX + 64];
	FILE *p;

	id[0] = '\0';
	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null | sed -n 's/.*Build ID: //p'", path);
	p = popen(cmd, "r");
	if (p && fgets(id, sizeof(id), p))
		id[strcspn(id, "\n")] = '\0';
	if (p)
		pclose(p);
	return id;
}

/* The value readelf -s gives NAME in PATH, or 0 */
static uint64_t readelf_value(const char *path, const char *name)
{
	static struct truth_sym syms[16384];
	int i, n = readelf_funcs(path, syms, 16384);

	for (i = 0; i < n; i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].addr;
	return 0;
}

static int count_warnings(const char *text)
{
	int n = 0;

	for (; (text = strstr(text, "ferret: warning: ")); text++)
		n++;
	return n;
}

/* Opens path with stderr captured into *err. */
static struct elf_syms *open_quiet(const char *path, const char **err)
{
	struct elf_syms *s = NULL;
	int rc;

	capture_begin();
	rc = elf_syms__open(path, &s);
	*err = capture_end();
	return rc ? NULL : s;
}

/* hidden_leaf and hidden_middle are named by the debug file, at the offsets the binary's
 * segments give the debug file's symbol values. */
static void expect_debug_names(const struct elf_syms *s, const char *binary, const char *debug)
{
	static const char *const names[] = { "hidden_leaf", "hidden_middle", "main" };
	size_t i;

	EXPECT(s != NULL);
	for (i = 0; s && i < 3; i++) {
		const struct elf_func *f = elf_syms__find(s, names[i]);
		uint64_t value = readelf_value(debug, names[i]), offset;

		EXPECT(f != NULL);
		if (!f)
			continue;
		EXPECT_EQ(f->source, FUNC_SRC_DEBUG_FILE);
		EXPECT_EQ(f->addr, value);
		EXPECT(readelf_offset(binary, value, &offset));
		EXPECT_EQ(f->offset, offset);
	}
	EXPECT_STR(elf_syms__debug_file(s), debug);
}

static void test_debuglink_in_dot_debug(void)
{
	char debug[PATH_MAX], real[PATH_MAX];
	const char *err;
	struct elf_syms *s;

	snprintf(debug, sizeof(debug), "%s", prog(".debug/dbg_demo.debug"));
	EXPECT(realpath(debug, real) != NULL);
	s = open_quiet(prog("dbg_demo"), &err);
	expect_debug_names(s, prog("dbg_demo"), real);
	EXPECT_STR(elf_syms__build_id(s), readelf_build_id(prog("dbg_demo")));
	EXPECT(strlen(readelf_build_id(prog("dbg_demo"))) == 40);
	EXPECT_STR(err, "");
	elf_syms__free(s);
}

/* No build-id: the debuglink's CRC32 of the whole file is what ties them. */
static void test_debuglink_crc_without_build_id(void)
{
	char real[PATH_MAX];
	const char *err;
	struct elf_syms *s = open_quiet(prog("dbg_nobid"), &err);

	EXPECT(realpath(prog(".debug/dbg_nobid.debug"), real) != NULL);
	expect_debug_names(s, prog("dbg_nobid"), real);
	EXPECT(elf_syms__build_id(s) == NULL);
	EXPECT_STR(err, "");
	elf_syms__free(s);
}

/* tmp/bin/NAME, a copy of the program away from its .debug/ folder */
static const char *copy_program(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/bin/%s", tmp, name);
	sh("mkdir -p \"$(dirname '%1$s')\" && cp '%2$s' \"$(dirname '%1$s')\"", path, prog(name));
	return path;
}

static void test_build_id_under_ferret_debug_dirs(void)
{
	const char *id = readelf_build_id(prog("dbg_demo")), *err, *bin = copy_program("dbg_demo");
	char debug[PATH_MAX], dirs[PATH_MAX];
	struct elf_syms *s;

	snprintf(debug, sizeof(debug), "%s/store/.build-id/%.2s/%s.debug", tmp, id, id + 2);
	sh("mkdir -p \"$(dirname '%1$s')\" && cp '%2$s' '%1$s'", debug, prog(".debug/dbg_demo.debug"));
	snprintf(dirs, sizeof(dirs), "%s/none:%s/store", tmp, tmp);
	setenv("FERRET_DEBUG_DIRS", dirs, 1);
	s = open_quiet(bin, &err);
	expect_debug_names(s, bin, debug);
	EXPECT_STR(err, "");
	elf_syms__free(s);
	/* without the variable the copy has no names */
	unsetenv("FERRET_DEBUG_DIRS");
	s = open_quiet(bin, &err);
	EXPECT(s && elf_syms__find(s, "hidden_leaf") == NULL && !elf_syms__debug_file(s));
	elf_syms__free(s);
	sh("rm -rf '%s/store' '%s/bin'", tmp, tmp);
}

/* A candidate at .debug/NAME.debug beside a copy of the program, made by `fmt`. */
static struct elf_syms *open_with_candidate(const char *name, const char *fmt, const char *arg,
					    const char **err)
{
	const char *bin = copy_program(name);
	char debug[PATH_MAX];

	snprintf(debug, sizeof(debug), "%s/bin/.debug/%s.debug", tmp, name);
	sh("mkdir -p \"$(dirname '%s')\"", debug, "");
	sh(fmt, debug, arg);
	return open_quiet(bin, err);
}

static void expect_refused(struct elf_syms *s, const char *err, const char *why)
{
	EXPECT(s != NULL);
	EXPECT(s && elf_syms__find(s, "hidden_leaf") == NULL);
	EXPECT(s && elf_syms__debug_file(s) == NULL);
	EXPECT_EQ(count_warnings(err), 1);
	if (!strstr(err, why) || !strstr(err, "its names are not used"))
		printf("    stderr: %s", err);
	EXPECT(strstr(err, why) != NULL);
	EXPECT(strstr(err, "its names are not used") != NULL);
	elf_syms__free(s);
	sh("rm -rf '%s/bin'", tmp, "");
}

/* Another program's debug file under the right name: its names would be wrong. */
static void test_other_programs_debug_file_refused(void)
{
	const char *err;
	struct elf_syms *s;

	s = open_with_candidate("dbg_demo", "objcopy --only-keep-debug '%2$s' '%1$s'",
				prog("calls"), &err);
	expect_refused(s, err, "does not match (build-id ");
	EXPECT(strstr(err, readelf_build_id(prog("calls"))) != NULL);
	/* by CRC: dbg_demo's debug file as dbg_nobid's */
	s = open_with_candidate("dbg_nobid", "cp '%2$s' '%1$s'", prog(".debug/dbg_demo.debug"), &err);
	expect_refused(s, err, "does not match (CRC32 ");
}

static void test_damaged_debug_file(void)
{
	const char *err;
	struct elf_syms *s;

	s = open_with_candidate("dbg_demo", "head -c 3000 '%2$s' > '%1$s'",
				prog(".debug/dbg_demo.debug"), &err);
	expect_refused(s, err, "is damaged");
	s = open_with_candidate("dbg_demo", "head -c 100 '%2$s' > '%1$s'",
				prog(".debug/dbg_demo.debug"), &err);
	expect_refused(s, err, "is damaged");
	s = open_with_candidate("dbg_demo", "echo 'not an ELF file' > '%1$s'", "", &err);
	expect_refused(s, err, "is damaged");
}

/* Outside the system's folders (/tmp is anyone's) a debug file is a regular file, not a link. */
static void test_not_a_plain_file_refused(void)
{
	char real[PATH_MAX];
	const char *err;
	struct elf_syms *s;

	EXPECT(realpath(prog(".debug/dbg_demo.debug"), real) != NULL);
	s = open_with_candidate("dbg_demo", "ln -s '%2$s' '%1$s'", real, &err);
	expect_refused(s, err, "is a symbolic link outside the system's folders");
	s = open_with_candidate("dbg_demo", "mkdir '%1$s'", "", &err);
	expect_refused(s, err, "is not a regular file");
	/* a FIFO: opening it must not wait for a writer */
	s = open_with_candidate("dbg_demo", "mkfifo '%1$s'", "", &err);
	expect_refused(s, err, "is not a regular file");
}

/* libc6-dbg: IFUNC implementations and static functions, from /usr/lib/debug/.build-id. */
static void test_libc_debug_file(void)
{
	const char *libc = "/usr/lib/x86_64-linux-gnu/libc.so.6", *id = readelf_build_id(libc);
	char debug[PATH_MAX];
	const struct elf_func *f;
	size_t counts[FUNC_SOURCE_COUNT];
	struct elf_syms *s;

	snprintf(debug, sizeof(debug), "/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
	if (access(debug, R_OK) != 0) {
		printf("SKIP: %s not there (libc6-dbg is not installed)\n", debug);
		return;
	}
	EXPECT(elf_syms__open(libc, &s) == 0);
	EXPECT(elf_syms__count(s) > 3000);
	EXPECT_STR(elf_syms__debug_file(s), debug);
	EXPECT_STR(elf_syms__build_id(s), id);
	/* named by the debug file, or by strlen when this CPU's strlen is it (ifunc.c) */
	f = elf_syms__find(s, "__strlen_avx2");
	EXPECT(f && (f->source == FUNC_SRC_DEBUG_FILE || f->source == FUNC_SRC_IFUNC));
	EXPECT(f && f->addr == readelf_value(debug, "__strlen_avx2"));
	f = elf_syms__find(s, "ydhms_diff"); /* static in mktime.c */
	EXPECT(f && f->source == FUNC_SRC_DEBUG_FILE && !strcmp(f->name, "ydhms_diff"));
	EXPECT(f && f->addr == readelf_value(debug, "ydhms_diff"));
	elf_syms__count_sources(s, counts);
	EXPECT(counts[FUNC_SRC_DEBUG_FILE] > 1000);
	EXPECT(counts[FUNC_SRC_DYNSYM] > 1000);
	EXPECT_STR(func_source__name(FUNC_SRC_DEBUG_FILE), "debug file");
	elf_syms__free(s);
}

/* A binary with its own .symtab: its build-id, no debug file. */
static void test_unstripped_has_build_id_only(void)
{
	struct elf_syms *s;

	EXPECT(elf_syms__open(prog("calls"), &s) == 0);
	EXPECT_STR(elf_syms__build_id(s), readelf_build_id(prog("calls")));
	EXPECT(elf_syms__debug_file(s) == NULL);
	elf_syms__free(s);
}

int main(void)
{
	unsetenv("DEBUGINFOD_URLS"); /* no network from a unit test */
	unsetenv("FERRET_DEBUG_DIRS");
	snprintf(tmp, sizeof(tmp), "/tmp/ferret-test-debug-XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("FAIL: mkdtemp\n");
		return 1;
	}
	RUN(test_debuglink_in_dot_debug);
	RUN(test_debuglink_crc_without_build_id);
	RUN(test_build_id_under_ferret_debug_dirs);
	RUN(test_other_programs_debug_file_refused);
	RUN(test_damaged_debug_file);
	RUN(test_not_a_plain_file_refused);
	RUN(test_libc_debug_file);
	RUN(test_unstripped_has_build_id_only);
	sh("rm -rf '%s'", tmp, "");
	CHECK_EXIT();
}
