/*
 * Function names from IFUNC implementations (a source of sym_reader.h).
 *
 * An STT_GNU_IFUNC symbol's value is a resolver that ld.so runs once, at load time, to
 * pick the implementation for this CPU (strlen -> __strlen_avx2 or __strlen_evex); the
 * implementation is what runs and what a probe must go to. Only ld.so's own answer is
 * trusted: for a library ferret itself has loaded (libc, libm), dlopen(RTLD_NOLOAD)
 * finds ferret's copy without loading anything or running a constructor, and dlsym
 * returns what the resolver picked. A library ferret has not loaded is never loaded
 * here (as root, its constructors would run): its IFUNCs stay unresolved, each with
 * the reason, so that -f naming one says why it cannot be traced.
 */

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sym_reader.h"
#include "core/log.h"

#define IFUNC_ELSEWHERE "its implementation runs outside this file"

/* ferret's own loaded copy of the reader's file. */
struct loaded_copy {
	void *handle;
	struct link_map *map; /* l_addr: load address - file virtual address */
};

/* Whether the mapping of ferret's memory holding `addr` comes from the file `st`
 * describes: the code dlsym points at is that very file's, not a namesake's. */
static bool mapped_from(uintptr_t addr, const struct stat *st)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	unsigned long long lo, hi, ino;
	unsigned int maj, min;
	char line[4096];
	bool same = false;

	if (!maps)
		return false;
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%llx-%llx %*s %*s %x:%x %llu", &lo, &hi, &maj, &min, &ino) != 5 ||
		    addr < lo || addr >= hi)
			continue;
		same = ino == (unsigned long long)st->st_ino && maj == major(st->st_dev) &&
		       min == minor(st->st_dev);
		break;
	}
	fclose(maps);
	return same;
}

/* 0 with *copy set, or a reason (a static string) why the file's IFUNCs cannot be
 * resolved here. */
static const char *find_loaded_copy(const struct symbols_reader *r, struct loaded_copy *copy)
{
	struct stat st;

	if (r->nsegs == 0)
		return "it has no executable segment";
	if (stat(r->path, &st) != 0)
		return "it cannot be examined";
	/* RTLD_NOLOAD: a handle only when that file (by device and inode) is loaded already. */
	copy->handle = dlopen(r->path, RTLD_NOLOAD | RTLD_LAZY);
	if (!copy->handle)
		return "ferret runs their resolvers only in a library it has loaded itself, and it "
		       "has not loaded this one";
	if (dlinfo(copy->handle, RTLD_DI_LINKMAP, &copy->map) != 0 ||
	    !mapped_from(copy->map->l_addr + r->segs[0].vaddr, &st)) {
		dlclose(copy->handle);
		return "the copy ferret has loaded is not this file";
	}
	return NULL;
}

/* The implementation ferret's copy runs for `name`, as a virtual address of the file;
 * NULL, or a reason why not. */
static const char *resolve_in_copy(const struct symbols_reader *r, const struct loaded_copy *copy,
				   const char *name, uint64_t *impl)
{
	struct link_map *owner = NULL;
	uint64_t offset;
	Dl_info info;
	void *addr;

	dlerror();
	addr = dlsym(copy->handle, name);
	if (!addr)
		return "ld.so's lookup by name does not reach it (not exported, or only in an old version)";
	/* A handle's lookup also searches the library's dependencies. */
	if (!dladdr1(addr, &info, (void **)&owner, RTLD_DL_LINKMAP) || owner != copy->map)
		return IFUNC_ELSEWHERE " (in the vDSO, which no probe can reach)";
	*impl = (uintptr_t)addr - copy->map->l_addr;
	if (!sym_reader__file_offset(r, *impl, &offset))
		return "its implementation is outside the file's code";
	return NULL;
}

static int by_resolver(const void *pa, const void *pb)
{
	const struct ifunc_symbol *a = pa, *b = pb;

	if (a->resolver != b->resolver)
		return a->resolver < b->resolver ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The size of the function starting at impl, when another source named it. */
static uint64_t size_at(const struct symbols_reader *r, uint64_t impl)
{
	size_t i;

	for (i = 0; i < r->ncands; i++)
		if (r->cands[i].addr == impl && r->cands[i].source != FUNC_SRC_IFUNC)
			return r->cands[i].size;
	return 0;
}

/* dlsym finds a name's default version only: a name that two resolvers share (two
 * versions of one symbol) says nothing about which. */
static bool has_other_resolver(const struct symbols_reader *r, const struct ifunc_symbol *f)
{
	size_t i;

	for (i = 0; i < r->nifuncs; i++)
		if (r->ifuncs[i].resolver != f->resolver && !strcmp(r->ifuncs[i].name, f->name))
			return true;
	return false;
}

/* Resolves the IFUNCs sharing one resolver, ifuncs[first..end): by any of their
 * exported names (a local alias, from .symtab, shares its exported twin's resolver),
 * then every name is added at the implementation. */
static int resolve_group(struct symbols_reader *r, const struct loaded_copy *copy, size_t first,
			 size_t end)
{
	const char *why = "no name of it could be resolved";
	uint64_t impl = 0, size;
	size_t i;
	int err;

	for (i = first; i < end; i++)
		if (!has_other_resolver(r, &r->ifuncs[i]) &&
		    !(why = resolve_in_copy(r, copy, r->ifuncs[i].name, &impl)))
			break;
	for (i = first; i < end; i++)
		r->ifuncs[i].unresolved = why;
	if (why)
		return 0;
	size = size_at(r, impl);
	for (i = first; i < end; i++) {
		err = sym_reader__add(r, r->ifuncs[i].name, impl, size, STB_GLOBAL, FUNC_SRC_IFUNC);
		if (err)
			return err;
	}
	fdebug("%s: IFUNC %s resolves to 0x%" PRIx64, r->path, r->ifuncs[first].name, impl);
	return 0;
}

int ifunc__add_implementations(struct symbols_reader *r)
{
	struct loaded_copy copy = { 0 };
	const char *why;
	size_t i, end;
	int err = 0;

	if (r->nifuncs == 0)
		return 0;
	why = find_loaded_copy(r, &copy);
	if (why) {
		for (i = 0; i < r->nifuncs; i++)
			r->ifuncs[i].unresolved = why;
		fdebug("%s: %zu IFUNCs left out: %s", r->path, r->nifuncs, why);
		return 0;
	}
	qsort(r->ifuncs, r->nifuncs, sizeof(*r->ifuncs), by_resolver);
	for (i = 0; !err && i < r->nifuncs; i = end) {
		for (end = i + 1; end < r->nifuncs && r->ifuncs[end].resolver == r->ifuncs[i].resolver;)
			end++;
		err = resolve_group(r, &copy, i, end);
	}
	dlclose(copy.handle);
	return err;
}

bool elf_syms__ifunc_elsewhere(const char *why)
{
	return why && !strncmp(why, IFUNC_ELSEWHERE, strlen(IFUNC_ELSEWHERE));
}
