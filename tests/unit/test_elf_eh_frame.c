/*
 * Functions without a symbol, from .eh_frame: stripped_static_s (tests/progs/progs.mk)
 * against the symbols of its unstripped build, stripped_static. Every static function
 * appears as sub_ADDR, no .cold fragment and no startup code does; names win where
 * symbols exist; a damaged .eh_frame costs one warning, never the file.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"
#include "elf/modules.h"
#include "elf/selection.h"

#define MAX_TRUTH 256

static const char *const own[] = { "main", "sp_leaf", "sp_add", "sp_mul", "sp_check", "sp_complain" };
#define NOWN (sizeof(own) / sizeof(own[0]))

static struct truth_sym truth[MAX_TRUTH];
static int ntruth;

/* The symbols of an unstripped build, the truth for its stripped copy. */
static void read_truth(const char *unstripped)
{
	ntruth = readelf_funcs(prog(unstripped), truth, MAX_TRUTH);
}

/* The unstripped build's address of a symbol, or 0. */
static uint64_t truth_addr(const char *name)
{
	int i;

	for (i = 0; i < ntruth; i++)
		if (strcmp(truth[i].name, name) == 0)
			return truth[i].addr;
	return 0;
}

static const struct elf_func *func_at(const struct elf_syms *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < elf_syms__count(s); i++)
		if (elf_syms__get(s, i)->addr == addr)
			return elf_syms__get(s, i);
	return NULL;
}

/* The stripped copy at `path` has exactly the program's own functions, as sub_ADDR. */
static void check_own_functions(const char *path)
{
	struct elf_syms *s = NULL;
	char want[64];
	uint64_t offset;
	size_t i;

	EXPECT_EQ(elf_syms__open(path, &s), 0);
	EXPECT(elf_syms__is_stripped(s));
	EXPECT_EQ(elf_syms__count(s), NOWN); /* exactly the program's own functions */
	for (i = 0; i < NOWN; i++) {
		uint64_t addr = truth_addr(own[i]);
		const struct elf_func *f = func_at(s, addr);

		EXPECT(addr != 0);
		EXPECT(f != NULL);
		if (!f) {
			printf("    %s at 0x%llx not found\n", own[i], (unsigned long long)addr);
			continue;
		}
		snprintf(want, sizeof(want), "sub_%llx", (unsigned long long)addr);
		EXPECT_STR(f->name, want);
		EXPECT_EQ(f->source, FUNC_SRC_EH_FRAME);
		EXPECT(f->size > 0);
		EXPECT(readelf_offset(path, addr, &offset));
		EXPECT_EQ(f->offset, offset);
		EXPECT(elf_syms__find(s, want) == f);
	}
	/* the test means something: GCC split sp_check, and _start has an FDE */
	EXPECT(truth_addr("sp_check.cold") != 0);
	EXPECT(func_at(s, truth_addr("sp_check.cold")) == NULL);
	EXPECT(func_at(s, truth_addr("_start")) == NULL);
	elf_syms__free(s);
}

static void test_stripped_functions_found(void)
{
	read_truth("stripped_static");
	check_own_functions(prog("stripped_static_s"));
}

/* An .eh_frame FDE at addr, as readelf shows it. */
static bool has_fde(const char *path, uint64_t addr)
{
	char cmd[PATH_MAX + 128], line[512], want[48];
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf --debug-dump=frames '%s' 2>/dev/null", path);
	snprintf(want, sizeof(want), " pc=%016llx..", (unsigned long long)addr);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p))
		found |= strstr(line, want) != NULL;
	if (p)
		pclose(p);
	return found;
}

/* crtbegin.o with unwind tables (stripped_startup): its functions are startup code. */
static void test_startup_code_left_out(void)
{
	const char *crt[] = { "deregister_tm_clones", "register_tm_clones", "__do_global_dtors_aux",
			      "frame_dummy" };
	struct elf_syms *s = NULL;
	size_t i;

	read_truth("stripped_startup");
	check_own_functions(prog("stripped_startup_s"));
	EXPECT_EQ(elf_syms__open(prog("stripped_startup_s"), &s), 0);
	for (i = 0; i < sizeof(crt) / sizeof(crt[0]); i++) {
		EXPECT(has_fde(prog("stripped_startup"), truth_addr(crt[i])));
		EXPECT(func_at(s, truth_addr(crt[i])) == NULL);
	}
	elf_syms__free(s);
	read_truth("stripped_static");
}

/* With symbols, the same FDEs add nothing: every start has its name. */
static void test_names_win(void)
{
	struct elf_syms *s = NULL, *cold = NULL;
	size_t counts[FUNC_SOURCE_COUNT];
	struct truth_sym cold_truth[64];
	int i, n;

	EXPECT_EQ(elf_syms__open(prog("stripped_static"), &s), 0);
	elf_syms__count_sources(s, counts);
	EXPECT_EQ(counts[FUNC_SRC_EH_FRAME], 0);
	EXPECT(elf_syms__find(s, "sp_leaf") && elf_syms__find(s, "sp_leaf")->source == FUNC_SRC_SYMTAB);
	EXPECT(func_at(s, truth_addr("sp_check.cold")) == NULL);
	/* elf_cold: check.cold is jumped to before check moves rsp (CFA = rsp+8 there);
	 * its symbol says what it is */
	n = readelf_funcs(prog("elf_cold"), cold_truth, 64);
	EXPECT_EQ(elf_syms__open(prog("elf_cold"), &cold), 0);
	for (i = 0; i < n; i++)
		if (strstr(cold_truth[i].name, ".cold"))
			EXPECT(func_at(cold, cold_truth[i].addr) == NULL);
	elf_syms__count_sources(cold, counts);
	EXPECT_EQ(counts[FUNC_SRC_EH_FRAME], 0);
	elf_syms__free(s);
	elf_syms__free(cold);
}

static void test_selection(void)
{
	struct module_list mods = { 0 };
	struct selection *sel = NULL;
	char leaf[96], *by_name[] = { leaf }, *subs[] = { "sub_*" }, *typo[] = { "sp_leaf" };
	char want[64];
	const char *err;
	size_t i;

	EXPECT_EQ(modules__from_exe(prog("stripped_static_s"), &mods), 0);
	EXPECT_EQ(selection__build(&mods, NULL, 0, NULL, 0, &sel), 0); /* every function of main */
	EXPECT_EQ(sel ? sel->nfuncs : 0, NOWN);
	for (i = 0; i < NOWN; i++) {
		snprintf(want, sizeof(want), "sub_%llx", (unsigned long long)truth_addr(own[i]));
		EXPECT(selection_has_func(sel, want));
	}
	selection__free(sel);
	sel = NULL;
	EXPECT_EQ(selection__build(&mods, subs, 1, NULL, 0, &sel), 0);
	EXPECT_EQ(sel ? sel->nfuncs : 0, NOWN);
	selection__free(sel);
	sel = NULL;
	snprintf(leaf, sizeof(leaf), "stripped_static_s:sub_%llx",
		 (unsigned long long)truth_addr("sp_leaf"));
	EXPECT_EQ(selection__build(&mods, by_name, 1, NULL, 0, &sel), 0);
	EXPECT(sel && sel->nfuncs == 1 && sel->funcs[0].addr == truth_addr("sp_leaf"));
	selection__free(sel);
	sel = (struct selection *)&sel;
	capture_begin();
	EXPECT(selection__build(&mods, typo, 1, NULL, 0, &sel) < 0);
	err = capture_end();
	EXPECT(strstr(err, "no function matches 'sp_leaf'") != NULL);
	EXPECT(strstr(err, "the others are sub_ADDR") != NULL);
	module_list__free(&mods);
}

/* .eh_frame's file offset and size, from readelf -SW; false: none. */
static bool eh_frame_location(const char *path, long *offset, long *size)
{
	uint64_t sh_addr, sh_off, sh_size;

	if (!readelf_section(path, ".eh_frame", &sh_addr, &sh_off, &sh_size))
		return false;
	*offset = (long)sh_off;
	*size = (long)sh_size;
	return true;
}

/* A copy of stripped_static_s with `len` bytes at `at` in its .eh_frame set to `byte`;
 * opened, it must give 0, at most the intact functions, and one warning naming it. */
static void check_damage(long at, long len, int byte, bool warns)
{
	char path[] = "/tmp/ferret-test-ehframe-XXXXXX", cmd[PATH_MAX + 64];
	int fd = mkstemp(path);
	struct elf_syms *s = NULL;
	long offset = 0, size = 0, i;
	const char *err;

	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	snprintf(cmd, sizeof(cmd), "cp '%s' %s", prog("stripped_static_s"), path);
	EXPECT(system(cmd) == 0);
	EXPECT(eh_frame_location(path, &offset, &size));
	fd = open(path, O_WRONLY);
	for (i = 0; fd >= 0 && i < len && at + i < size; i++)
		EXPECT(pwrite(fd, &byte, 1, offset + at + i) == 1);
	if (fd >= 0)
		close(fd);
	capture_begin();
	EXPECT_EQ(elf_syms__open(path, &s), 0);
	err = capture_end();
	EXPECT(s != NULL);
	EXPECT(elf_syms__count(s) <= NOWN);
	if (warns) {
		EXPECT(strstr(err, path) != NULL && strstr(err, ".eh_frame") != NULL);
		EXPECT(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
	}
	if (!warns || !strstr(err, path))
		printf("    damage at %ld+%ld (0x%02x): %zu functions, stderr '%s'\n", at, len, byte,
		       elf_syms__count(s), err);
	elf_syms__free(s);
	unlink(path);
}

static void test_damaged_eh_frame(void)
{
	check_damage(0, 4, 0xff, true);	     /* the first CIE's length: nothing after it can be found */
	check_damage(4, 4, 0x55, true);	     /* its id: the FDEs point to no CIE */
	check_damage(9, 8, 0x41, true);	     /* its augmentation: "zR" gone */
	check_damage(40, 1 << 20, 0xff, true); /* all but the first entries */
	check_damage(40, 1 << 20, 0x00, false); /* zero length: the section ends there */
}

int main(void)
{
	RUN(test_stripped_functions_found);
	RUN(test_startup_code_left_out);
	RUN(test_names_win);
	RUN(test_selection);
	RUN(test_damaged_eh_frame);
	CHECK_EXIT();
}
