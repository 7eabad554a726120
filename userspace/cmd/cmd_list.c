/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret list BINARY [PATTERN...] | -p PID [PATTERN...]: the functions ferret trace could
 * probe, picked the way trace's -f picks them, with where each name came from and the
 * kind of probe its first instruction gets. Reads files only: nothing is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/util.h"
#include "elf/elf_syms.h"
#include "elf/modules.h"
#include "elf/selection.h"
#include "elf/selection_hint.h"
#include "options.h"
#include "trace/probe_site.h"

struct list_options {
	int pid;
	const char *binary;
	char **patterns;
	size_t npatterns;
	bool all_modules, long_names, json;
};

/* A module patterns may pick from: one of the target's, or a file named by its path. */
struct list_module {
	char *path;		/* owned */
	struct elf_syms *syms;	/* NULL until a pattern needs it */
	unsigned char *picked;	/* one flag per function of syms */
	size_t npicked;
	bool listed; /* named by a pattern: its summary is printed even with nothing picked */
	size_t kinds[PROBE_KIND_COUNT], moved; /* of the picked functions, once listed */
};

struct listing {
	struct module_list mods;
	struct list_module *lms;
	size_t nlms, cap;
	bool *named; /* by the pattern being applied, one flag per module */
	int width_module, width_offset, width_source;
};

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
		"  -h, --help       this help\n");
}

enum { OPT_ALL_MODULES = OPT_OWN, OPT_JSON };

static enum parse_result parse_args(int argc, char **argv, struct list_options *o)
{
	static const struct option long_opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all-modules", no_argument, NULL, OPT_ALL_MODULES },
		{ "long", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, OPT_JSON },
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

/* The executable as the user named it (what trace shows), any other module by its file name. */
static const char *shown_path(const struct listing *l, size_t m)
{
	return m == 0 && l->mods.main_name ? l->mods.main_name : l->lms[m].path;
}

static const char *shown_name(const struct listing *l, size_t m)
{
	return module__base_name(shown_path(l, m));
}

static void measure_columns(struct listing *l)
{
	char text[32];
	size_t m, i;

	l->width_module = (int)strlen("MODULE");
	l->width_offset = (int)strlen("OFFSET");
	l->width_source = (int)strlen("SOURCE");
	for (m = 0; m < l->nlms; m++) {
		const struct list_module *lm = &l->lms[m];

		if (!lm->npicked)
			continue;
		if ((int)utf8__width(shown_name(l, m)) > l->width_module)
			l->width_module = (int)utf8__width(shown_name(l, m));
		for (i = 0; i < elf_syms__count(lm->syms); i++) {
			const struct elf_func *f = elf_syms__get(lm->syms, i);
			int w = snprintf(text, sizeof(text), "0x%llx", (unsigned long long)f->offset);

			if (!lm->picked[i])
				continue;
			if (w > l->width_offset)
				l->width_offset = w;
			if ((int)strlen(func_source__name(f->source)) > l->width_source)
				l->width_source = (int)strlen(func_source__name(f->source));
		}
	}
}

/* One function, classified: what a line or a JSON object says about it. */
struct listed_func {
	const struct elf_func *f;
	enum probe_kind kind;
	uint32_t skip;
	const char *why; /* the kernel's reason for a refusal, or NULL */
	bool go;
};

static void print_line(const struct listing *l, size_t m, const struct listed_func *lf, bool long_names)
{
	const char *name = long_names && lf->f->signature ? lf->f->signature : elf_func__shown_name(lf->f);
	char *safe_module = utf8__terminal_dup(shown_name(l, m)), *safe_name = utf8__terminal_dup(name);
	char offset[32];

	snprintf(offset, sizeof(offset), "0x%llx", (unsigned long long)lf->f->offset);
	printf("%s%*s  %*s  %-8s  %-*s  %s", safe_module ? safe_module : "?",
	       l->width_module - (int)utf8__width(safe_module ? safe_module : "?"), "", l->width_offset,
	       offset, probe_kind__name(lf->kind), l->width_source, func_source__name(lf->f->source),
	       safe_name ? safe_name : "?");
	if (lf->why)
		printf("  (%s)", lf->why);
	if (lf->go)
		printf("  (Go: no return probe)");
	putchar('\n');
	free(safe_module);
	free(safe_name);
}

static void func_json(struct jsonw *w, const struct listed_func *lf)
{
	jsonw__newline_indent(w, 4);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", elf_func__shown_name(lf->f));
	jsonw__kv_string(w, "symbol", lf->f->name);
	jsonw__kv_string(w, "signature", lf->f->signature);
	jsonw__kv_uint(w, "offset", lf->f->offset);
	jsonw__kv_uint(w, "address", lf->f->addr);
	jsonw__kv_uint(w, "size", lf->f->size);
	jsonw__kv_string(w, "source", func_source__name(lf->f->source));
	jsonw__kv_string(w, "probe", probe_kind__name(lf->kind));
	jsonw__kv_uint(w, "probe_skip", lf->skip);
	jsonw__kv_string(w, "refused_because", lf->why);
	jsonw__key(w, "return_probe");
	jsonw__raw_number(w, lf->go || lf->kind == PROBE_REFUSED ? "false" : "true");
	jsonw__end_object(w);
}

/* Classifies the module's picked functions, printing each (w: as JSON), and counts them. */
static int list_functions(const struct listing *l, size_t m, const struct list_options *o,
			  struct jsonw *w)
{
	struct list_module *lm = &l->lms[m];
	struct listed_func lf = { .go = elf_syms__is_go(lm->syms) };
	int fd = open(lm->path, O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0) {
		ferr("%s: %s", lm->path, strerror(errno));
		return -errno;
	}
	for (i = 0; i < elf_syms__count(lm->syms); i++) {
		if (!lm->picked[i])
			continue;
		lf.f = elf_syms__get(lm->syms, i);
		lf.kind = probe_site__classify_at(fd, lf.f->offset, &lf.skip, &lf.why);
		lm->kinds[lf.kind]++;
		lm->moved += lf.skip != 0;
		if (w)
			func_json(w, &lf);
		else
			print_line(l, m, &lf, o->long_names);
	}
	close(fd);
	return 0;
}

/* The picked functions' counts by source: only those of elf_syms__count_sources's sources. */
static void count_sources(const struct list_module *lm, size_t counts[FUNC_SOURCE_COUNT])
{
	size_t i;

	memset(counts, 0, FUNC_SOURCE_COUNT * sizeof(counts[0]));
	for (i = 0; i < elf_syms__count(lm->syms); i++)
		if (lm->picked[i])
			counts[elf_syms__get(lm->syms, i)->source]++;
}

/* "libc.so.6: 2153 functions (2153 dynsym); probes: 1800 nop5, 200 push, ..." */
static void print_summary(const struct listing *l, size_t m)
{
	const struct list_module *lm = &l->lms[m];
	size_t sources[FUNC_SOURCE_COUNT], s, k, shown = 0;
	char *name = utf8__terminal_dup(shown_name(l, m));

	printf("%s: %zu function%s", name ? name : "?", lm->npicked, plural((long long)lm->npicked));
	free(name);
	if (!lm->npicked) {
		printf("%s\n", elf_syms__is_stripped(lm->syms) ? " (stripped: only exported functions are visible)" : "");
		return;
	}
	count_sources(lm, sources);
	printf(" (");
	for (s = 0; s < FUNC_SOURCE_COUNT; s++)
		if (sources[s])
			printf("%s%zu %s", shown++ ? ", " : "", sources[s], func_source__name(s));
	printf("); probes:");
	for (k = 0; k < PROBE_KIND_COUNT; k++)
		printf("%s %zu %s", k ? "," : "", lm->kinds[k], probe_kind__name(k));
	if (lm->moved)
		printf(" (%zu placed after an endbr64)", lm->moved);
	if (elf_syms__is_go(lm->syms))
		printf("; Go code: no return probes");
	putchar('\n');
}

/* The modules nothing was listed from, so that a user knows what else there is. */
static void print_unlisted(const struct listing *l)
{
	size_t m, n = 0;

	for (m = 0; m < l->nlms; m++) {
		if (l->lms[m].listed)
			continue;
		printf("%s%s", n++ ? ", " : "not listed (--all-modules or MODULE:GLOB lists them): ",
		       shown_name(l, m));
	}
	if (n)
		putchar('\n');
}

static int print_table(struct listing *l, const struct list_options *o)
{
	size_t m, total = 0, nmods = 0;
	int err = 0;

	for (m = 0; m < l->nlms; m++)
		total += l->lms[m].npicked;
	measure_columns(l);
	if (total) /* no table at all for an executable without functions: its summary says why */
		printf("%-*s  %*s  %-8s  %-*s  NAME\n", l->width_module, "MODULE", l->width_offset,
		       "OFFSET", "PROBE", l->width_source, "SOURCE");
	for (m = 0; !err && m < l->nlms; m++)
		if (l->lms[m].npicked)
			err = list_functions(l, m, o, NULL);
	if (err)
		return EXIT_FAILED;
	if (total)
		putchar('\n');
	for (m = 0; m < l->nlms; m++) {
		if (!l->lms[m].listed)
			continue;
		print_summary(l, m);
		nmods++;
	}
	if (nmods > 1)
		printf("total: %zu functions in %zu modules\n", total, nmods);
	print_unlisted(l);
	return EXIT_OK;
}

static void counts_json(struct jsonw *w, const struct list_module *lm)
{
	size_t sources[FUNC_SOURCE_COUNT], s, k;

	count_sources(lm, sources);
	jsonw__key(w, "sources");
	jsonw__begin_object(w);
	for (s = 0; s < FUNC_SOURCE_COUNT; s++)
		if (sources[s])
			jsonw__kv_uint(w, func_source__name(s), sources[s]);
	jsonw__end_object(w);
	jsonw__key(w, "probes");
	jsonw__begin_object(w);
	for (k = 0; k < PROBE_KIND_COUNT; k++)
		jsonw__kv_uint(w, probe_kind__name(k), lm->kinds[k]);
	jsonw__kv_uint(w, "after_endbr64", lm->moved);
	jsonw__end_object(w);
}

static int module_json(struct jsonw *w, const struct listing *l, size_t m, const struct list_options *o)
{
	const struct list_module *lm = &l->lms[m];
	int err;

	jsonw__newline_indent(w, 1);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "name", shown_name(l, m));
	jsonw__kv_string(w, "path", shown_path(l, m));
	jsonw__kv_string(w, "file", lm->path);
	jsonw__kv_string(w, "build_id", elf_syms__build_id(lm->syms));
	jsonw__kv_string(w, "debug_file", elf_syms__debug_file(lm->syms));
	jsonw__key(w, "go");
	jsonw__raw_number(w, elf_syms__is_go(lm->syms) ? "true" : "false");
	jsonw__key(w, "functions");
	jsonw__begin_array(w);
	err = list_functions(l, m, o, w);
	jsonw__newline_indent(w, 1);
	jsonw__end_array(w);
	jsonw__kv_uint(w, "count", lm->npicked);
	counts_json(w, lm);
	jsonw__end_object(w);
	return err;
}

static int print_json(const struct listing *l, const struct list_options *o)
{
	struct jsonw *w = jsonw__new_spaced(stdout);
	size_t m;
	int err = 0;

	if (!w)
		return EXIT_FAILED;
	jsonw__begin_object(w);
	jsonw__key(w, "modules");
	jsonw__begin_array(w);
	for (m = 0; !err && m < l->nlms; m++)
		if (l->lms[m].listed)
			err = module_json(w, l, m, o);
	jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__key(w, "unlisted_modules");
	jsonw__begin_array(w);
	for (m = 0; m < l->nlms; m++)
		if (!l->lms[m].listed)
			jsonw__string(w, shown_path(l, m));
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
	if (jsonw__out_of_memory(w))
		err = -ENOMEM;
	jsonw__free(w);
	return err ? EXIT_FAILED : EXIT_OK;
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
	if (!err)
		err = apply_patterns(&o, &l);
	if (err == -ENOMEM)
		ferr("out of memory listing functions");
	if (!err)
		rc = o.json ? print_json(&l, &o) : print_table(&l, &o);
	if (rc == EXIT_OK)
		rc = finish_output();
	free_listing(&l);
	return rc;
}
