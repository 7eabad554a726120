/*
 * Go code: found in executables and c-shared libraries (stripped too). selection__build
 * marks a Go executable's module (its functions get no return probes) and refuses a
 * c-shared library's, whose goroutine pointer ferret cannot find.
 */
#include "check.h"
#include "elf/elf_syms.h"
#include "elf_testlib.h"
#include "elf/modules.h"
#include "elf/selection.h"

static bool is_go(const char *path)
{
	struct elf_syms *s = NULL;
	bool go;

	EXPECT_EQ(elf_syms__open(path, &s), 0);
	go = elf_syms__is_go(s);
	elf_syms__free(s);
	return go;
}

static bool go_g_known(const char *path)
{
	struct elf_syms *s = NULL;
	bool known;

	EXPECT_EQ(elf_syms__open(path, &s), 0);
	known = elf_syms__go_tls_g(s);
	elf_syms__free(s);
	return known;
}

static void test_go_detected(void)
{
	char stripped[] = "/tmp/ferret-test-go-XXXXXX", cmd[PATH_MAX + 64];
	int fd = mkstemp(stripped);

	EXPECT(is_go(prog("go_calls")));
	EXPECT(is_go(prog("libgocalls.so")));
	EXPECT(go_g_known(prog("go_calls")));	     /* linked by Go: g at fs:-8 */
	EXPECT(!go_g_known(prog("libgocalls.so"))); /* ld.so places a library's TLS */
	EXPECT(!go_g_known(prog("elf_pie")));
	/* No symbols left: the Go linker's sections still say it. */
	EXPECT(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "strip -o %s %s", stripped, prog("go_calls"));
	EXPECT_EQ(system(cmd), 0);
	EXPECT(is_go(stripped));
	unlink(stripped);
	EXPECT(!is_go(prog("elf_pie")));
	EXPECT(!is_go(prog("go_uselib"))); /* C, calling into a Go library */
	EXPECT(!is_go(prog("cxx_demo")));
	elf_syms__free(NULL);
}

/* The error line a failing build prints; its return must be negative. */
static const char *build_error(const struct module_list *mods, char **inc, size_t ninc)
{
	struct selection *sel = (struct selection *)&sel;
	const char *err;

	capture_begin();
	EXPECT(selection__build(mods, inc, ninc, NULL, 0, &sel) < 0);
	err = capture_end();
	EXPECT(sel == NULL);
	EXPECT(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
	return err;
}

static void test_go_selection_refused(void)
{
	struct module_list mods = { 0 };
	struct selection *sel = NULL;
	char *go_lib[] = { "libgocalls:*" }, *go_one[] = { "libgocalls:GoSum" };
	char *c_main[] = { "c_side" }, *go_by_path[1], pattern[PATH_MAX + 8];
	const char *err;

	EXPECT_EQ(modules__from_exe(prog("go_calls"), &mods), 0);
	EXPECT_EQ(selection__build(&mods, NULL, 0, NULL, 0, &sel), 0);
	EXPECT(sel && sel->nmodules == 1 && sel->modules[0].go && sel->modules[0].go_exit_offset);
	selection__free(sel);
	sel = NULL;
	module_list__free(&mods);

	/* A C program with a Go library: its own functions yes, the library's no. */
	EXPECT_EQ(modules__from_exe(prog("go_uselib"), &mods), 0);
	EXPECT_EQ(selection__build(&mods, c_main, 1, NULL, 0, &sel), 0);
	EXPECT(sel && sel->nfuncs == 1 && !sel->modules[0].go);
	selection__free(sel);
	err = build_error(&mods, go_lib, 1);
	EXPECT(strstr(err, "/libgocalls.so is Go code: ferret traces Go functions in x86-64 "
			   "executables only") != NULL);
	err = build_error(&mods, go_one, 1);
	EXPECT(strstr(err, "/libgocalls.so is Go code: ") != NULL);
	snprintf(pattern, sizeof(pattern), "%s:main.deep", prog("go_calls"));
	go_by_path[0] = pattern; /* a module named by path, not in the list */
	EXPECT_EQ(selection__build(&mods, go_by_path, 1, NULL, 0, &sel), 0);
	EXPECT(sel && sel->nfuncs == 1 && sel->modules[0].go);
	selection__free(sel);
	module_list__free(&mods);
}

int main(void)
{
	RUN(test_go_detected);
	RUN(test_go_selection_refused);
	CHECK_EXIT();
}
