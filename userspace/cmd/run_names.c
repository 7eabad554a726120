/* Better names for a stored run's functions from the modules on disk (see run_names.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "elf/elf_syms.h"
#include "run_names.h"

/* The module being compared: opened at its first function. */
struct module_now {
	int64_t key;
	struct elf_syms *syms; /* NULL: no file to compare (gone, none recorded, replaced) */
	const struct elf_func **by_offset; /* syms' functions sorted by file offset */
	size_t count;
};

struct finder {
	struct func_names *names;
	struct module_now mod;
};

static int compare_offsets(const void *pa, const void *pb)
{
	const struct elf_func *a = *(const struct elf_func *const *)pa;
	const struct elf_func *b = *(const struct elf_func *const *)pb;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static void module_now__close(struct module_now *m)
{
	elf_syms__free(m->syms);
	free(m->by_offset);
	memset(m, 0, sizeof(*m));
}

/* The module's file as it is now, when it is the one the run traced (same build-id). */
static int module_now__open(struct module_now *m, const struct stored_function *f)
{
	const char *now;
	struct stat st;
	size_t i;

	m->key = f->module_key;
	/* No recorded build-id (a file without one): nothing proves the file the same. */
	if (!f->build_id || stat(f->module_path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (elf_syms__open(f->module_path, &m->syms) != 0)
		return 0; /* printed: it is no ELF file now */
	now = elf_syms__build_id(m->syms);
	if (!now || strcmp(now, f->build_id) != 0) {
		fwarn("module %s changed on disk since the run (build-id %s, now %s): names as recorded",
		      f->module_path, f->build_id, now ? now : "none");
		module_now__close(m);
		m->key = f->module_key;
		return 0;
	}
	m->count = elf_syms__count(m->syms);
	m->by_offset = malloc((m->count ? m->count : 1) * sizeof(*m->by_offset));
	if (!m->by_offset) {
		ferr("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < m->count; i++)
		m->by_offset[i] = elf_syms__get(m->syms, i);
	qsort(m->by_offset, m->count, sizeof(*m->by_offset), compare_offsets);
	return 0;
}

static const struct elf_func *module_now__at(const struct module_now *m, uint64_t offset)
{
	struct elf_func key = { .offset = offset };
	const struct elf_func *k = &key, **found;

	if (!m->by_offset)
		return NULL;
	found = bsearch(&k, m->by_offset, m->count, sizeof(*m->by_offset), compare_offsets);
	return found ? *found : NULL;
}

/* The name the file gives now is better when it is a real one (not a made-up sub_ADDR)
 * and the stored symbol is none of the function's names: the stored one was made up, or
 * came from less than the file now says. */
static const char *better_name(const struct elf_func *now, const struct stored_function *f)
{
	const char *stored = f->symbol ? f->symbol : f->name;
	size_t k;

	if (!now || now->source == FUNC_SRC_EH_FRAME || !strcmp(now->name, stored))
		return NULL;
	for (k = 0; k < now->naliases; k++)
		if (!strcmp(now->aliases[k], stored))
			return NULL;
	return elf_func__shown_name(now);
}

static int consider_function(const struct stored_function *f, void *ctx)
{
	struct finder *fd = ctx;
	const char *name;
	int err;

	if (f->module_key != fd->mod.key) {
		module_now__close(&fd->mod);
		if ((err = module_now__open(&fd->mod, f)))
			return err;
	}
	name = better_name(module_now__at(&fd->mod, f->offset), f);
	if (!name)
		return 0;
	fdebug("%s: function %lld shown as %s (stored: %s)", f->module_path,
	       (long long)f->function_key, name, f->name);
	return func_names__set(fd->names, f->function_key, name);
}

int run_names__find(struct store *s, const struct run_row *run, struct func_names **out)
{
	struct finder fd = { .names = func_names__new() };
	int err;

	*out = NULL;
	if (!fd.names)
		return -ENOMEM;
	err = store__run_functions(s, run->run_key, consider_function, &fd);
	module_now__close(&fd.mod);
	if (err) {
		func_names__free(fd.names);
		return err;
	}
	*out = fd.names;
	return 0;
}
