/*
 * IFUNCs (elf/ifunc.c) against the loader's own answer: the address dlsym gives this
 * process for libc's strlen and memcpy (what ld.so's resolver picked for this CPU)
 * is where elf_syms puts those names, as virtual addresses of libc.so.6.
 */
#include <dlfcn.h>
#include <link.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "check.h"
#include "elf/elf_syms.h"

/* The file ld.so loaded libc's `name` from and its load bias; false: none. Looked up in
 * libc itself, not RTLD_DEFAULT: under AddressSanitizer the test's own interceptors come first. */
static bool loaded_definition(const char *name, const char **path, uint64_t *vaddr)
{
	struct link_map *map = NULL;
	void *libc = dlopen("libc.so.6", RTLD_NOLOAD | RTLD_LAZY);
	void *addr = libc ? dlsym(libc, name) : NULL;
	Dl_info info;

	if (!addr || !dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return false;
	*path = map->l_name;
	*vaddr = (uintptr_t)addr - map->l_addr;
	return true;
}

/* The function named `name` (or with it as an alias) at vaddr. libc also has an older
 * memcpy@GLIBC_2.2.5, a plain function elsewhere: elf_syms__find may give that one. */
static void expect_implementation(const struct elf_syms *s, const char *name, uint64_t vaddr)
{
	const struct elf_func *f = NULL;
	size_t i, k;

	for (i = 0; i < elf_syms__count(s) && !f; i++) {
		const struct elf_func *g = elf_syms__get(s, i);
		bool named = !strcmp(g->name, name);

		for (k = 0; k < g->naliases; k++)
			named |= !strcmp(g->aliases[k], name);
		if (named && g->addr == vaddr)
			f = g;
	}
	EXPECT(f != NULL);
	if (f)
		EXPECT_EQ(f->source, FUNC_SRC_IFUNC);
}

static void test_libc_ifuncs_at_their_implementation(void)
{
	const char *path = NULL, *other = NULL;
	uint64_t strlen_at = 0, memcpy_at = 0;
	struct elf_syms *s = NULL;

	EXPECT(loaded_definition("strlen", &path, &strlen_at));
	EXPECT(loaded_definition("memcpy", &other, &memcpy_at));
	if (!path || !other)
		return;
	EXPECT_STR(other, path);
	EXPECT_EQ(elf_syms__open(path, &s), 0);
	if (!s)
		return;
	expect_implementation(s, "strlen", strlen_at);
	expect_implementation(s, "memcpy", memcpy_at);
	EXPECT(elf_syms__find(s, "strlen") && elf_syms__find(s, "strlen")->addr == strlen_at);
	elf_syms__free(s);
}

/* time() runs in the vDSO on x86-64: no implementation in libc, kept out with why. */
static void test_vdso_ifunc_kept_out(void)
{
	const char *path = NULL, *name, *why = NULL, *time_why = NULL;
	uint64_t at = 0;
	struct elf_syms *s = NULL;
	size_t i;

	EXPECT(loaded_definition("strlen", &path, &at));
	if (!path || elf_syms__open(path, &s) != 0)
		return;
	for (i = 0; (name = elf_syms__unresolved_ifunc(s, i, &why)); i++)
		if (!strcmp(name, "time"))
			time_why = why;
	if (getauxval(AT_SYSINFO_EHDR)) {
		EXPECT(elf_syms__find(s, "time") == NULL);
		EXPECT(time_why != NULL);
		EXPECT(elf_syms__ifunc_elsewhere(time_why));
	}
	elf_syms__free(s);
}

/* A library this process has not loaded keeps its IFUNCs out, and is still not loaded
 * afterwards: nothing of it ran. */
static void test_unloaded_library_not_loaded(void)
{
	const char *path = "/usr/lib/x86_64-linux-gnu/libmvec.so.1", *why = NULL;
	struct elf_syms *s = NULL;
	size_t counts[FUNC_SOURCE_COUNT];

	if (access(path, R_OK) != 0 || dlopen(path, RTLD_NOLOAD | RTLD_LAZY)) {
		printf("    (skipped: %s missing or loaded)\n", path);
		return;
	}
	EXPECT_EQ(elf_syms__open(path, &s), 0);
	elf_syms__count_sources(s, counts);
	EXPECT_EQ(counts[FUNC_SRC_IFUNC], 0);
	EXPECT(elf_syms__unresolved_ifunc(s, 0, &why) != NULL);
	EXPECT(why && !elf_syms__ifunc_elsewhere(why));
	EXPECT(dlopen(path, RTLD_NOLOAD | RTLD_LAZY) == NULL);
	elf_syms__free(s);
}

int main(void)
{
	RUN(test_libc_ifuncs_at_their_implementation);
	RUN(test_vdso_ifunc_kept_out);
	RUN(test_unloaded_library_not_loaded);
	return check__failures ? 1 : 0;
}
