/*
 * selection__build: -f / -x patterns over the modules of the test programs of
 * tests/progs/special.mk ($PROGS, default build/progs), and its error lines.
 */
#include "check.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"
#include "elf/modules.h"
#include "elf/selection.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Modules contiguous and in order, functions by address within a module, no duplicates. */
static void expect_well_formed(const struct selection *sel)
{
	size_t m, i, next = 0;

	for (m = 0; sel && m < sel->nmodules; m++) {
		EXPECT_EQ(sel->modules[m].first_func, next);
		EXPECT(sel->modules[m].nfuncs > 0);
		next += sel->modules[m].nfuncs;
		for (i = sel->modules[m].first_func; i < next && i < sel->nfuncs; i++) {
			EXPECT_EQ(sel->funcs[i].module, m);
			if (i > sel->modules[m].first_func)
				EXPECT(sel->funcs[i].addr > sel->funcs[i - 1].addr);
		}
	}
	if (sel)
		EXPECT_EQ(next, sel->nfuncs);
}

static struct selection *build(const struct module_list *mods, char **inc, size_t ninc,
			       char **exc, size_t nexc)
{
	struct selection *sel = NULL;

	EXPECT_EQ(selection__build(mods, inc, ninc, exc, nexc, &sel), 0);
	expect_well_formed(sel);
	return sel;
}

/* The error line a failing build prints; its return must be negative. */
static const char *build_error(const struct module_list *mods, char **inc, size_t ninc,
			       char **exc, size_t nexc)
{
	struct selection *sel = (struct selection *)&sel;
	const char *err;

	capture_begin();
	EXPECT(selection__build(mods, inc, ninc, exc, nexc, &sel) < 0);
	err = capture_end();
	EXPECT(sel == NULL);
	EXPECT(strncmp(err, "ferret: ", 8) == 0);
	EXPECT(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
	return err;
}

static void test_no_includes_selects_main_executable(void)
{
	struct module_list mods = { 0 };
	struct elf_syms *s = NULL;
	struct selection *sel;
	const char *own[] = { "main", "demo_run", "demo_step", "demo_leaf", "demo_hidden" };
	size_t i;

	EXPECT_EQ(modules__from_exe(prog("elf_pie"), &mods), 0);
	EXPECT_EQ(elf_syms__open(prog("elf_pie"), &s), 0);
	sel = build(&mods, NULL, 0, NULL, 0);
	EXPECT(sel && sel->nmodules == 1);
	if (sel && sel->nmodules == 1 && mods.count > 0)
		EXPECT_STR(sel->modules[0].path, mods.paths[0]);
	for (i = 0; i < NELEM(own); i++)
		EXPECT(selection_has_func(sel, own[i]));
	/* the C runtime's stubs are not the program's functions */
	EXPECT(!selection_has_func(sel, "_start"));
	EXPECT(!selection_has_func(sel, "frame_dummy"));
	for (i = 0; sel && i < sel->nfuncs; i++) {
		const struct elf_func *f = elf_syms__find(s, sel->funcs[i].name);

		EXPECT(f != NULL);
		if (f)
			EXPECT_EQ(sel->funcs[i].offset, f->offset);
	}
	selection__free(sel);
	elf_syms__free(s);
	module_list__free(&mods);
}

static void test_includes_and_excludes(void)
{
	struct module_list mods = { 0 };
	char *inc[] = { "demo_*", "demo_leaf", "main" };
	char *exc[] = { "demo_leaf", "elf_pie:demo_h*" };
	char *start[] = { "_start" };
	struct selection *sel;

	EXPECT_EQ(modules__from_exe(prog("elf_pie"), &mods), 0);
	sel = build(&mods, inc, 3, NULL, 0);
	EXPECT_EQ(sel ? sel->nfuncs : 0, 5); /* demo_leaf matched twice, selected once */
	selection__free(sel);
	sel = build(&mods, inc, 3, exc, 2);
	EXPECT_EQ(sel ? sel->nfuncs : 0, 3);
	EXPECT(selection_has_func(sel, "demo_run") && selection_has_func(sel, "demo_step") && selection_has_func(sel, "main"));
	EXPECT(!selection_has_func(sel, "demo_leaf") && !selection_has_func(sel, "demo_hidden"));
	selection__free(sel);
	sel = build(&mods, start, 1, NULL, 0); /* named exactly, a stub is traced */
	EXPECT(sel && sel->nfuncs == 1 && selection_has_func(sel, "_start"));
	selection__free(sel);
	module_list__free(&mods);
}

static void test_library_patterns(void)
{
	struct module_list mods = { 0 };
	char *inc[] = { "libferretdemo:lib_*", "main", "libc:__getpid" };
	char lib[PATH_MAX] = "";
	struct selection *sel;

	EXPECT(realpath(prog("libferretdemo.so"), lib) != NULL);
	EXPECT_EQ(modules__from_exe(prog("elf_uselib"), &mods), 0);
	sel = build(&mods, inc, 3, NULL, 0);
	EXPECT(sel && sel->nmodules == 3);
	if (sel && sel->nmodules == 3) {
		/* in module-list order: executable, libferretdemo, libc */
		EXPECT_STR(sel->modules[0].path, mods.paths[0]);
		EXPECT_STR(sel->modules[1].path, lib);
		EXPECT(module__matches("libc", sel->modules[2].path));
		EXPECT_EQ(sel->modules[0].nfuncs, 1);
		EXPECT_EQ(sel->modules[1].nfuncs, 3);
		EXPECT_EQ(sel->modules[2].nfuncs, 1);
		EXPECT_STR(sel->funcs[0].name, "main");
		EXPECT_STR(sel->funcs[sel->modules[2].first_func].name, "getpid");
	}
	EXPECT(selection_has_func(sel, "lib_add") && selection_has_func(sel, "lib_mul") && selection_has_func(sel, "lib_scale"));
	selection__free(sel);
	module_list__free(&mods);
}

/* A MODULE given as a path outside the list is opened directly (--all passes no list). */
static void test_module_by_path(void)
{
	struct module_list mods = { 0 }, none = { 0 };
	char pattern[PATH_MAX + 16], nopie[PATH_MAX] = "";
	char *inc[] = { pattern };
	struct elf_syms *s = NULL;
	struct selection *sel;

	EXPECT(realpath(prog("elf_nopie"), nopie) != NULL);
	snprintf(pattern, sizeof(pattern), "%s:demo_run", prog("elf_nopie"));
	EXPECT_EQ(modules__from_exe(prog("elf_pie"), &mods), 0);
	EXPECT_EQ(elf_syms__open(nopie, &s), 0);
	sel = build(&mods, inc, 1, NULL, 0);
	EXPECT(sel && sel->nmodules == 1 && sel->nfuncs == 1);
	if (sel && sel->nfuncs == 1 && elf_syms__find(s, "demo_run")) {
		EXPECT_STR(sel->modules[0].path, nopie);
		EXPECT_EQ(sel->funcs[0].offset, elf_syms__find(s, "demo_run")->offset);
	}
	selection__free(sel);
	sel = build(&none, inc, 1, NULL, 0);
	EXPECT(sel && sel->nfuncs == 1);
	selection__free(sel);
	elf_syms__free(s);
	module_list__free(&mods);
}

static void test_aliases_selected_once(void)
{
	struct module_list mods = { 0 };
	char *inc[] = { "*compute*", "visible_fn", "hid" }, *exc[] = { "a_longer_*" };
	struct selection *sel;

	EXPECT_EQ(modules__from_exe(prog("elf_alias"), &mods), 0);
	sel = build(&mods, inc, 3, NULL, 0);
	EXPECT_EQ(sel ? sel->nfuncs : 0, 2);
	EXPECT(selection_has_func(sel, "compute") && selection_has_func(sel, "visible_fn"));
	EXPECT(!selection_has_func(sel, "hid") && !selection_has_func(sel, "a_longer_alias_of_compute"));
	selection__free(sel);
	sel = build(&mods, inc, 3, exc, 1); /* excluded by its alias */
	EXPECT(sel && sel->nfuncs == 1 && selection_has_func(sel, "visible_fn"));
	selection__free(sel);
	module_list__free(&mods);
}

static void test_stripped_selects_exported(void)
{
	struct module_list mods = { 0 };
	struct selection *sel;

	EXPECT_EQ(modules__from_exe(prog("elf_stripped"), &mods), 0);
	sel = build(&mods, NULL, 0, NULL, 0);
	/* main demo_run demo_step demo_leaf, and demo_hidden as sub_ADDR (.eh_frame) */
	EXPECT_EQ(sel ? sel->nfuncs : 0, 5);
	EXPECT(!selection_has_func(sel, "demo_hidden"));
	selection__free(sel);
	module_list__free(&mods);
}

/* The symbol a selected function came from, by its shown name. */
static const char *symbol_of(const struct selection *sel, const char *name)
{
	size_t i;

	for (i = 0; sel && i < sel->nfuncs; i++)
		if (strcmp(sel->funcs[i].name, name) == 0)
			return sel->funcs[i].symbol;
	return "";
}

/* C++ functions are selected and shown by demangled name; overloads by their signature. */
static void test_cxx_names(void)
{
	struct module_list mods = { 0 };
	char *inc[] = { "shop::*" }, *by_signature[] = { "shop::price(double)" }, *plain[] = { "price" },
	     *mangled[] = { "_ZN4shop4Cart3addEi" };
	struct selection *sel;

	EXPECT_EQ(modules__from_exe(prog("cxx_demo"), &mods), 0);
	sel = build(&mods, inc, 1, NULL, 0);
	EXPECT_EQ(sel ? sel->nfuncs : 0, 7);
	EXPECT_STR(symbol_of(sel, "shop::Cart::add"), "_ZN4shop4Cart3addEi");
	EXPECT_STR(symbol_of(sel, "shop::Cart::total"), "_ZNK4shop4Cart5totalEv");
	EXPECT_STR(symbol_of(sel, "shop::checked"), "_ZN4shop7checkedEi");
	EXPECT_STR(symbol_of(sel, "shop::price(int)"), "_ZN4shop5priceEi");
	EXPECT_STR(symbol_of(sel, "shop::price(double)"), "_ZN4shop5priceEd");
	EXPECT_STR(symbol_of(sel, "int shop::twice<int>(int)"), "_ZN4shop5twiceIiEET_S1_");
	EXPECT(selection_has_func(sel, "double shop::twice<double>(double)"));
	EXPECT(selection__unwinding_module(sel) && strstr(selection__unwinding_module(sel), "/cxx_demo"));
	selection__free(sel);
	sel = build(&mods, by_signature, 1, NULL, 0);
	EXPECT(sel && sel->nfuncs == 1 && !strcmp(sel->funcs[0].name, "shop::price"));
	selection__free(sel);
	EXPECT(strstr(build_error(&mods, plain, 1, NULL, 0), "close: shop::price") != NULL);
	sel = build(&mods, mangled, 1, NULL, 0);
	EXPECT(sel && sel->nfuncs == 1 && !strcmp(sel->funcs[0].name, "shop::Cart::add"));
	selection__free(sel);
	module_list__free(&mods);
}

/* GCC's split-off "check.cold" is not a function: never selected, not even by name. */
static void test_cold_fragments_skipped(void)
{
	struct module_list mods = { 0 };
	char *cold[] = { "check.cold" };
	struct selection *sel;

	EXPECT_EQ(modules__from_exe(prog("elf_cold"), &mods), 0);
	sel = build(&mods, NULL, 0, NULL, 0);
	EXPECT(selection_has_func(sel, "check") && selection_has_func(sel, "main"));
	EXPECT(!selection_has_func(sel, "check.cold"));
	EXPECT(selection__unwinding_module(sel) == NULL);
	selection__free(sel);
	EXPECT(strstr(build_error(&mods, cold, 1, NULL, 0), "no function matches 'check.cold'") != NULL);
	module_list__free(&mods);
}

static void test_errors(void)
{
	struct module_list mods = { 0 }, pid = { 0 }, none = { 0 };
	char *typo[] = { "demo_stepp" }, *nothing[] = { "zzzzqqq" }, *nomod[] = { "libfoo:x" };
	char *all[] = { "demo_*" }, *bad[] = { "libc:" }, *bare[] = { "main" };
	char *libfn[] = { "lib_add" };
	char text_pattern[PATH_MAX + 8], *text[] = { text_pattern };
	const char *text_file = make_text_file(), *err;
	char want[PATH_MAX + 128];

	EXPECT_EQ(modules__from_exe(prog("elf_pie"), &mods), 0);
	EXPECT_EQ(modules__from_pid(getpid(), &pid), 0);
	if (mods.count == 0 || pid.count == 0)
		return;
	err = build_error(&mods, typo, 1, NULL, 0);
	snprintf(want, sizeof(want), "ferret: no function matches 'demo_stepp' in %s (close: demo_step",
		 mods.paths[0]);
	EXPECT(strncmp(err, want, strlen(want)) == 0);
	err = build_error(&mods, nothing, 1, NULL, 0);
	EXPECT(strstr(err, "no function matches 'zzzzqqq'") != NULL);
	err = build_error(&pid, nomod, 1, NULL, 0);
	snprintf(want, sizeof(want), "ferret: no module 'libfoo' in pid %d (modules: ", getpid());
	EXPECT(strncmp(err, want, strlen(want)) == 0);
	err = build_error(&mods, nomod, 1, NULL, 0);
	EXPECT(strstr(err, "no module 'libfoo' in elf_pie's libraries (modules: elf_pie, ") != NULL);
	err = build_error(&mods, nomod, 0, nomod, 1); /* a typo in -x is an error too */
	EXPECT(strstr(err, "no module 'libfoo'") != NULL);
	snprintf(text_pattern, sizeof(text_pattern), "%s:x", text_file);
	err = build_error(&mods, text, 1, NULL, 0);
	EXPECT(strstr(err, "not an ELF file") != NULL);
	err = build_error(&mods, all, 1, all, 1);
	EXPECT(strstr(err, "excluded") != NULL);
	err = build_error(&mods, bad, 1, NULL, 0);
	EXPECT(strstr(err, "bad pattern 'libc:'") != NULL);
	module_list__free(&mods);
	EXPECT_EQ(modules__from_exe(prog("elf_uselib"), &mods), 0);
	err = build_error(&mods, libfn, 1, NULL, 0); /* in a library, not the executable */
	EXPECT(strstr(err, "but libferretdemo.so has it: -f 'libferretdemo:lib_add'\n") != NULL);
	build_error(&none, bare, 1, NULL, 0); /* no main executable to match in */
	build_error(&none, NULL, 0, NULL, 0);
	unlink(text_file);
	selection__free(NULL);
	module_list__free(&mods);
	module_list__free(&pid);
}

/* Close names are relevant: typos and names sharing the pattern's letters, never the
 * first names of the table for a one-letter pattern. */
static void test_hints_relevant(void)
{
	struct module_list pid = { 0 }, mods = { 0 };
	/* z: no libc name starts with it, not even libc6-dbg's (y has ydhms_diff) */
	char *y[] = { "libc:z*" }, *xy[] = { "libc:xy" }, *typo[] = { "libc:mallocc" };
	char *rnu[] = { "demo_rnu" };
	const char *err;

	EXPECT_EQ(modules__from_pid(getpid(), &pid), 0);
	err = build_error(&pid, y, 1, NULL, 0);
	EXPECT(strstr(err, "no function matches 'z*' in ") && !strstr(err, "close:"));
	EXPECT(!strstr(build_error(&pid, xy, 1, NULL, 0), "close:"));
	EXPECT(strstr(build_error(&pid, typo, 1, NULL, 0), "(close: malloc, ") != NULL);
	EXPECT_EQ(modules__from_exe(prog("elf_pie"), &mods), 0);
	EXPECT(strstr(build_error(&mods, rnu, 1, NULL, 0), "(close: demo_run)\n") != NULL);
	module_list__free(&pid);
	module_list__free(&mods);
}

int main(void)
{
	RUN(test_no_includes_selects_main_executable);
	RUN(test_includes_and_excludes);
	RUN(test_library_patterns);
	RUN(test_module_by_path);
	RUN(test_aliases_selected_once);
	RUN(test_stripped_selects_exported);
	RUN(test_cxx_names);
	RUN(test_cold_fragments_skipped);
	RUN(test_errors);
	RUN(test_hints_relevant);
	CHECK_EXIT();
}
