/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret list BINARY [PATTERN...] | -p PID [PATTERN...]: the functions ferret trace could
 * probe, picked the way trace's -f picks them, with where each name came from and the
 * kind of probe its first instruction gets. Reads files only: nothing is attached.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "core/log.h"
#include "core/util.h"
#include "elf/elf_syms.h"
#include "elf/modules.h"
#include "elf/selection.h"
#include "elf/selection_hint.h"
#include "list_output.h"
#include "list_usdt.h"
#include "options.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret list [options] BINARY [PATTERN...]\n"
		"       ferret list [options] -p PID [PATTERN...]\n"
		"\n"
		"Lists the functions ferret trace can probe, one a line: module, file offset, the\n"
		"probe its first instruction gets (nop5, push, emulated: cheap; stepped: ~4.5 us a\n"
		"call; refused: the kernel will not probe it, with the reason), where its name came\n"
		"from (symtab, dynsym, debug file, ifunc, gopclntab, eh_frame) and its name; then a\n"
		"summary line per module. Nothing is attached: no root needed, except for -p on\n"
		"another user's process.\n"
		"\n"
		"BINARY is a path or a command found in PATH. PATTERNs are trace's -f: GLOB (in the\n"
		"executable) or MODULE:GLOB (libc:mem*, libsqlite3:*, /path/to/lib.so:*). Without\n"
		"one: every function of the executable.\n"
		"\n"
		"  -p, --pid PID    the modules a running process has mapped\n"
		"  --all-modules    the libraries too: every module without a PATTERN, and a bare\n"
		"                   GLOB matched in every module\n"
		"  -l, --long       C++/Rust functions by their whole demangled signature\n"
		"  --json           one JSON document: the modules, each with its functions and counts\n"
		"  --usdt           the USDT probes of the executable and every library it loads\n"
		"                   (PATTERNs: -u's PROVIDER:NAME or MODULE:PROVIDER:NAME globs)\n"
		"  -h, --help       this help\n");
}

enum { OPT_ALL_MODULES = OPT_OWN, OPT_JSON, OPT_USDT };

static enum parse_result parse_args(int argc, char **argv, struct list_options *o)
{
	static const struct option long_opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all-modules", no_argument, NULL, OPT_ALL_MODULES },
		{ "long", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "usdt", no_argument, NULL, OPT_USDT },
		OPTION_HELP,
		{ 0 },
	};
	int c;

	options__reset();
	while ((c = getopt_long(argc, argv, ":p:lh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		} else if (c == 'p') {
			if (options__id("-p", "process", optarg, &o->pid))
				return PARSE_USAGE;
		} else if (c == OPT_ALL_MODULES) {
			o->all_modules = true;
		} else if (c == 'l') {
			o->long_names = true;
		} else if (c == OPT_JSON) {
			o->json = true;
		} else if (c == OPT_USDT) {
			o->usdt = true;
		} else {
			return options__bad_option(c, argv, "list");
		}
	}
	if (!o->pid && optind >= argc) {
		ferr("list needs a BINARY or -p PID (see 'ferret list --help')");
		return PARSE_USAGE;
	}
	if (!o->pid)
		o->binary = argv[optind++];
	o->patterns = argv + optind;
	o->npatterns = (size_t)(argc - optind);
	return PARSE_RUN;
}

static int add_module(struct listing *l, const char *path)
{
	if (grow_array((void **)&l->lms, &l->cap, l->nlms + 1, sizeof(*l->lms)))
		return -ENOMEM;
	l->lms[l->nlms] = (struct list_module){ .path = strdup(path) };
	if (!l->lms[l->nlms].path)
		return -ENOMEM;
	l->nlms++;
	return 0;
}

static int open_module(struct list_module *lm)
{
	int err;

	if (lm->syms)
		return 0;
	err = elf_syms__open(lm->path, &lm->syms);
	if (err)
		return err;
	lm->picked = calloc(elf_syms__count(lm->syms) + 1, 1);
	return lm->picked ? 0 : -ENOMEM;
}

/* BINARY as trace's "-- CMD" finds it, except that a path needs no execute bit (a
 * library): the executable first (a file that is not ELF stops here), then what it loads. */
static int modules_of_binary(const char *binary, struct listing *l)
{
	char *real = strchr(binary, '/') ? realpath(binary, NULL) : modules__resolve_exe(binary);
	int err;

	if (!real) {
		if (strchr(binary, '/'))
			ferr("%s: %s", binary, strerror(errno));
		return -ENOENT;
	}
	err = add_module(l, real);
	if (!err)
		err = open_module(&l->lms[0]);
	if (!err)
		err = modules__from_exe(real, &l->mods);
	free(real);
	if (err)
		return err;
	l->mods.main_name = strchr(binary, '/') ? strdup(binary) : modules__find_exe(binary);
	return l->mods.main_name ? 0 : -ENOMEM;
}

static int load_modules(const struct list_options *o, struct listing *l)
{
	size_t i;
	int err = o->pid ? modules__from_pid(o->pid, &l->mods) : modules_of_binary(o->binary, l);

	/* modules_of_binary added the executable, mods.paths[0], already. */
	for (i = l->nlms; !err && i < l->mods.count; i++)
		err = add_module(l, l->mods.paths[i]);
	if (!err && !l->nlms) {
		ferr("pid %d has no executable to read", o->pid);
		return -ENOENT;
	}
	if (!err)
		l->named = calloc(l->cap, sizeof(*l->named));
	return err || l->named ? err : -ENOMEM;
}

static void report_no_module(const struct listing *l, const char *name)
{
	char list[256] = "";
	size_t i, len = 0;

	for (i = 0; i < l->mods.count && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					i == 6 ? "..." : module__base_name(l->mods.paths[i]));
	if (l->mods.pid)
		ferr("no module '%s' in pid %d (modules: %s)", name, l->mods.pid, list);
	else
		ferr("no module '%s' in %s's libraries (modules: %s)", name,
		     module__base_name(l->lms[0].path), list);
}

/* Marks in l->named the modules a pattern's MODULE denotes (NULL: the executable, or every
 * module with --all-modules), as trace's -f does; how many, or <0. */
static int name_modules(struct listing *l, const char *module, bool all_modules)
{
	char real[PATH_MAX];
	size_t i, n = 0;
	int err;

	for (i = 0; i < l->nlms; i++) {
		if (!module)
			l->named[i] = i == 0 || all_modules;
		else
			l->named[i] = module__matches(module, l->lms[i].path) ||
				      (i == 0 && l->mods.main_name && module__matches(module, l->mods.main_name));
		n += l->named[i];
	}
	if (n)
		return (int)n;
	if (!strchr(module, '/')) {
		report_no_module(l, module);
		return -ENOENT;
	}
	if (!realpath(module, real)) {
		ferr("%s: %s", module, strerror(errno));
		return -ENOENT;
	}
	err = add_module(l, real);
	if (!err && !(l->named = realloc(l->named, l->cap * sizeof(*l->named))))
		err = -ENOMEM;
	if (err)
		return err;
	memset(l->named, 0, l->nlms * sizeof(*l->named));
	l->named[l->nlms - 1] = true;
	return 1;
}

static size_t pick(struct list_module *lm, const char *glob)
{
	size_t i, n = 0;

	for (i = 0; i < elf_syms__count(lm->syms); i++) {
		if (!selection__picks(glob, elf_syms__get(lm->syms, i)))
			continue;
		lm->npicked += !lm->picked[i];
		lm->picked[i] = 1;
		n++;
	}
	return n;
}

/* required: a pattern the user gave, which must match something. */
static int apply_pattern(struct listing *l, const char *pattern, bool all_modules, bool required)
{
	const struct elf_syms **syms = NULL;
	const char *glob;
	char *module;
	size_t i, k = 0, matched = 0;
	int n, err = selection__split_pattern(pattern, &module, &glob);

	if (err)
		return err;
	n = name_modules(l, module, all_modules);
	err = n < 0 ? n : 0;
	for (i = 0; !err && i < l->nlms; i++)
		if (l->named[i] && !(err = open_module(&l->lms[i]))) {
			matched += pick(&l->lms[i], glob);
			l->lms[i].listed = true;
		}
	if (!err && !matched && required && (syms = calloc((size_t)n, sizeof(*syms)))) {
		for (i = 0; i < l->nlms; i++)
			if (l->named[i])
				syms[k++] = l->lms[i].syms;
		selection_hint__no_match(glob, module, syms, k);
	}
	if (!err && !matched && required)
		err = -ENOENT;
	free(syms);
	free(module);
	return err;
}

static int apply_patterns(const struct list_options *o, struct listing *l)
{
	size_t i;
	int err = 0;

	if (!o->npatterns)
		return apply_pattern(l, "*", o->all_modules, false);
	for (i = 0; !err && i < o->npatterns; i++)
		err = apply_pattern(l, o->patterns[i], o->all_modules, true);
	return err;
}


static void free_listing(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->nlms; i++) {
		free(l->lms[i].path);
		elf_syms__free(l->lms[i].syms);
		free(l->lms[i].picked);
	}
	free(l->lms);
	free(l->named);
	module_list__free(&l->mods);
}

int cmd_list(int argc, char **argv)
{
	struct list_options o = { 0 };
	struct listing l = { 0 };
	enum parse_result r;
	int rc = EXIT_FAILED, err;

	if ((r = parse_args(argc, argv, &o)) != PARSE_RUN)
		return options__exit_code(r);
	err = load_modules(&o, &l);
	if (!err && o.usdt) {
		rc = list_usdt__print(&l.mods, o.patterns, o.npatterns, o.json);
		goto done;
	}
	if (!err)
		err = apply_patterns(&o, &l);
	if (err == -ENOMEM)
		ferr("out of memory listing functions");
	if (!err)
		rc = o.json ? list_output__json(&l, &o) : list_output__table(&l, &o);
done:
	if (rc == EXIT_OK)
		rc = finish_output();
	free_listing(&l);
	return rc;
}
