/*
 * Turns -f / -x patterns into the list of functions to attach to. Symbol tables
 * are opened lazily: "-f libc:malloc" must not read every library of the process.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "core/glob.h"
#include "core/log.h"
#include "core/util.h"
#include "selection.h"
#include "selection_builder.h"
#include "selection_hint.h"

/* Compiler-generated startup and teardown code, not the program's own. */
static const char *const crt_stubs[] = {
	"_start", "_init", "_fini", "frame_dummy", "register_tm_clones", "deregister_tm_clones",
	"__do_global_dtors_aux", "__libc_csu_init", "__libc_csu_fini", "_dl_relocate_static_pie",
};

static bool is_crt_stub(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(crt_stubs) / sizeof(crt_stubs[0]); i++)
		if (strcmp(name, crt_stubs[i]) == 0)
			return true;
	return false;
}

static bool has_wildcards(const char *glob)
{
	return strpbrk(glob, "*?[") != NULL;
}

static int add_candidate_module(struct selection_builder *b, const char *path)
{
	if (grow_array((void **)&b->cms, &b->cms_cap, b->ncms + 1, sizeof(*b->cms)))
		return -ENOMEM;
	b->cms[b->ncms] = (struct candidate_module){ .path = strdup(path) };
	if (!b->cms[b->ncms].path)
		return -ENOMEM;
	b->ncms++;
	return 0;
}

static int open_module_syms(struct candidate_module *cm)
{
	int err;

	if (cm->syms)
		return 0;
	err = elf_syms__open(cm->path, &cm->syms);
	if (err)
		return err;
	cm->picked = calloc(elf_syms__count(cm->syms) + 1, 1);
	return cm->picked ? 0 : -ENOMEM;
}

/* "MODULE:GLOB" -> module (malloc'd) and glob; "GLOB" -> NULL module. "::" as in
 * C++ names is not a separator. */
int selection__split_pattern(const char *pattern, char **module, const char **glob)
{
	const char *p = pattern;

	*module = NULL;
	*glob = pattern;
	while ((p = strchr(p, ':'))) {
		if (p[1] == ':') {
			p += 2;
			continue;
		}
		if (p == pattern || p[1] == '\0') {
			ferr("bad pattern '%s': expected GLOB or MODULE:GLOB", pattern);
			return -EINVAL;
		}
		*module = strndup(pattern, (size_t)(p - pattern));
		*glob = p + 1;
		return *module ? 0 : -ENOMEM;
	}
	return 0;
}

static void report_no_module(const struct selection_builder *b, const char *name)
{
	char list[256] = "", where[PATH_MAX + 32];
	size_t i, len = 0;

	for (i = 0; i < b->mods->count && len < sizeof(list); i++) {
		if (i == 6) {
			snprintf(list + len, sizeof(list) - len, ", ...");
			break;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					module__base_name(b->mods->paths[i]));
	}
	if (b->mods->pid > 0)
		snprintf(where, sizeof(where), "in pid %d", b->mods->pid);
	else if (b->mods->count > 0)
		snprintf(where, sizeof(where), "in %s's libraries",
			 module__base_name(b->mods->paths[0]));
	else
		snprintf(where, sizeof(where), "loaded");
	if (b->mods->count > 0)
		ferr("no module '%s' %s (modules: %s)", name, where, list);
	else
		ferr("no module '%s' %s: name it by its path", name, where);
}

/* Marks `named` the modules `name` denotes; returns how many, or <0. */
static int resolve_module(struct selection_builder *b, const char *name)
{
	char real[PATH_MAX];
	size_t i, n = 0;
	int err;

	for (i = 0; i < b->ncms; i++)
		b->cms[i].named = false;
	if (!name) {
		if (b->ncms == 0 || b->mods->count == 0) {
			ferr("no main executable here: write -f MODULE:GLOB");
			return -EINVAL;
		}
		b->cms[0].named = true;
		return 1;
	}
	for (i = 0; i < b->ncms; i++) {
		/* The main executable also by the name it was started as: what ferret shows. */
		b->cms[i].named = module__matches(name, b->cms[i].path) ||
				  (i == 0 && b->mods->main_name && module__matches(name, b->mods->main_name));
		n += b->cms[i].named;
	}
	if (n > 0)
		return (int)n;
	if (!strchr(name, '/')) {
		report_no_module(b, name);
		return -ENOENT;
	}
	if (!realpath(name, real)) {
		err = -errno;
		ferr("%s: %s", name, strerror(errno));
		return err;
	}
	err = add_candidate_module(b, real);
	if (err)
		return err;
	b->cms[b->ncms - 1].named = true;
	return 1;
}

/* A function matches by its symbol or any alias ("-f libc:__getpid" selects getpid),
 * and a C++/Rust one also by its short or whole demangled name ("shop::Cart::add",
 * "shop::price(double)"). */
static bool func_matches(const char *glob, const struct elf_func *f)
{
	size_t k;

	if (glob_match(glob, f->name) || (f->pretty && glob_match(glob, f->pretty)) ||
	    (f->signature && glob_match(glob, f->signature)))
		return true;
	for (k = 0; k < f->naliases; k++)
		if (glob_match(glob, f->aliases[k]))
			return true;
	return false;
}

bool selection__picks(const char *glob, const struct elf_func *f)
{
	return func_matches(glob, f) && !(has_wildcards(glob) && is_crt_stub(f->name));
}

/* Sets (include) or clears (exclude) the flags of matching functions. */
static size_t apply_glob(struct candidate_module *cm, const char *glob, bool include)
{
	size_t i, n = 0;

	for (i = 0; i < elf_syms__count(cm->syms); i++) {
		const struct elf_func *f = elf_syms__get(cm->syms, i);

		if (include ? !selection__picks(glob, f) : !func_matches(glob, f))
			continue;
		cm->picked[i] = include;
		n++;
	}
	return n;
}

/* A bare GLOB that matches nothing in the executable may name a library function:
 * the first other module where it matches, or -1. Only on the error path. */
static int module_having(struct selection_builder *b, const char *glob)
{
	size_t m, i;

	for (m = 1; m < b->ncms && m < b->mods->count; m++) {
		struct candidate_module *cm = &b->cms[m];

		if (!cm->syms && open_module_syms(cm) != 0)
			continue;
		for (i = 0; i < elf_syms__count(cm->syms); i++)
			if (func_matches(glob, elf_syms__get(cm->syms, i)))
				return (int)m;
	}
	return -1;
}

/* The IFUNCs of a module the glob names whose implementation is not known (ifunc.c):
 * they cannot be traced. An exact name that matched nothing else is an error (true,
 * printed); a wildcard that matched some is warned about. */
static bool report_unresolved_ifuncs(const struct candidate_module *cm, const char *glob,
				     bool error)
{
	const char *name, *why, *first = NULL, *first_why = NULL, *base;
	size_t i, n = 0;

	for (i = 0; (name = elf_syms__unresolved_ifunc(cm->syms, i, &why)); i++)
		if (glob_match(glob, name) && !n++) {
			first = name;
			first_why = why;
		}
	if (n == 0)
		return false;
	base = module__base_name(cm->path);
	if (error && !has_wildcards(glob) && elf_syms__ifunc_elsewhere(first_why)) {
		ferr("%s in %s is a GNU IFUNC that cannot be traced: %s", first, cm->path, first_why);
		return true;
	}
	if (error && !has_wildcards(glob)) {
		ferr("%s in %s is a GNU IFUNC whose implementation (picked for this CPU when the "
		     "library loads) ferret cannot find: %s; trace the implementations by name "
		     "instead, e.g. -f '%.*s:__%s_*' (names from the library's debug symbols: "
		     "libc6-dbg for libc)", first, cm->path, first_why, (int)strcspn(base, "."),
		     base, first);
		return true;
	}
	fwarn("%zu IFUNC%s matching '%s' in %s left out (%s%s): %s", n, n == 1 ? "" : "s", glob,
	      cm->path, first, n > 1 ? ", ..." : "", first_why);
	return false;
}

static void report_no_match(struct selection_builder *b, const char *glob, const char *module,
			    int nhits)
{
	const struct elf_syms *syms[nhits];
	const char *base;
	int other = module ? -1 : module_having(b, glob);
	size_t i, k = 0;

	if (other >= 0) {
		base = module__base_name(b->cms[other].path);
		ferr("no function matches '%s' in %s, but %s has it: -f '%.*s:%s'", glob,
		     b->cms[0].path, base, (int)strcspn(base, "."), base, glob);
		return;
	}
	for (i = 0; i < b->ncms; i++)
		if (b->cms[i].named && report_unresolved_ifuncs(&b->cms[i], glob, true))
			return;
	for (i = 0; i < b->ncms; i++)
		if (b->cms[i].named)
			syms[k++] = b->cms[i].syms;
	selection_hint__no_match(glob, module, syms, (size_t)nhits);
}

static int apply_include(struct selection_builder *b, const char *pattern)
{
	const char *glob;
	char *module;
	size_t i, matched = 0;
	int n, err;

	err = selection__split_pattern(pattern, &module, &glob);
	if (err)
		return err;
	n = resolve_module(b, module);
	err = n < 0 ? n : 0;
	for (i = 0; !err && i < b->ncms; i++) {
		if (!b->cms[i].named)
			continue;
		err = open_module_syms(&b->cms[i]);
		if (!err)
			matched += apply_glob(&b->cms[i], glob, true);
	}
	for (i = 0; !err && matched > 0 && i < b->ncms; i++)
		if (b->cms[i].named)
			report_unresolved_ifuncs(&b->cms[i], glob, false);
	if (!err && matched == 0) {
		report_no_match(b, glob, module, n);
		err = -ENOENT;
	}
	free(module);
	return err;
}

static int apply_exclude(struct selection_builder *b, const char *pattern)
{
	const char *glob;
	char *module;
	size_t i;
	int n, err;

	err = selection__split_pattern(pattern, &module, &glob);
	if (err)
		return err;
	n = module ? resolve_module(b, module) : 0;
	err = n < 0 ? n : 0;
	/* Only opened modules can have picked functions. */
	for (i = 0; !err && i < b->ncms; i++)
		if (b->cms[i].syms && (!module || b->cms[i].named))
			apply_glob(&b->cms[i], glob, false);
	free(module);
	return err;
}

static int select_all_of_main(struct selection_builder *b)
{
	int err;

	if (b->mods->count == 0) {
		ferr("nothing to trace: give -f MODULE:GLOB");
		return -EINVAL;
	}
	err = open_module_syms(&b->cms[0]);
	if (!err)
		apply_glob(&b->cms[0], "*", true);
	return err;
}


static void report_nothing_left(const struct selection_builder *b, size_t ninc)
{
	if (ninc > 0)
		ferr("every function the -f patterns match is excluded by -x");
	else if (b->cms[0].syms && elf_syms__count(b->cms[0].syms) == 0)
		ferr("%s has no function symbols and no .eh_frame function entries: name "
		     "functions of another module with -f MODULE:GLOB", b->cms[0].path);
	else
		ferr("no functions left to trace in %s", b->cms[0].path);
}

/* Go code gets no return probes (they crash it: the runtime copies goroutine stacks and
 * finds the trampoline's address where a return address was). Its calls are keyed by
 * goroutine instead, which needs the g in TLS at a known place and runtime.goexit0. */
static int refuse_go_modules(const struct selection_builder *b)
{
	size_t i;

	for (i = 0; i < b->ncms; i++) {
		const struct candidate_module *cm = &b->cms[i];
		const char *why = NULL;

		if (!elf_syms__is_go(cm->syms) || candidate_module__count_picked(cm) == 0)
			continue;
		if (!elf_syms__go_tls_g(cm->syms))
			why = "ferret traces Go functions in x86-64 executables only (here the "
			      "goroutine's g is not at a place ferret knows)";
		else if (!elf_syms__find(cm->syms, "runtime.goexit0"))
			why = "no runtime.goexit0, where goroutines end";
		if (!why)
			continue;
		ferr("%s is Go code: %s", cm->path, why);
		return -ENOTSUP;
	}
	return 0;
}

static void free_builder(struct selection_builder *b)
{
	size_t i;

	for (i = 0; i < b->ncms; i++) {
		free(b->cms[i].path);
		elf_syms__free(b->cms[i].syms);
		free(b->cms[i].picked);
	}
	free(b->cms);
}

int selection__build(const struct module_list *mods, char **includes, size_t ninc, char **excludes,
		     size_t nexc, struct selection **out)
{
	struct selection_builder b = { .mods = mods };
	struct selection *sel = NULL;
	size_t i;
	int err = 0;

	*out = NULL;
	for (i = 0; !err && i < mods->count; i++)
		err = add_candidate_module(&b, mods->paths[i]);
	if (!err && ninc == 0)
		err = select_all_of_main(&b);
	for (i = 0; !err && i < ninc; i++)
		err = apply_include(&b, includes[i]);
	for (i = 0; !err && i < nexc; i++)
		err = apply_exclude(&b, excludes[i]);
	if (!err)
		err = refuse_go_modules(&b);
	if (err)
		goto cleanup;
	sel = calloc(1, sizeof(*sel));
	err = sel ? selection_builder__collect(&b, sel) : -ENOMEM;
	if (!err && sel->nfuncs == 0) {
		report_nothing_left(&b, ninc);
		err = -ENOENT;
	}
	if (err)
		goto cleanup;
	*out = sel;
	sel = NULL;
cleanup:
	if (err == -ENOMEM)
		ferr("out of memory selecting functions");
	selection__free(sel);
	free_builder(&b);
	return err;
}
