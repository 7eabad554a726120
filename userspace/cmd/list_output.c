/* SPDX-License-Identifier: BSD-2-Clause */
/* ferret list's output: a line per function and a summary per module, or one JSON document. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/jsonw.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/util.h"
#include "elf/elf_syms.h"
#include "list_output.h"
#include "options.h"

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
		printf("  (Go: RET probes, no return probe)");
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

/* Plans the probes of the module's picked functions into fns (one per picked function, in
 * order), as trace places them. */
static int plan_functions(const struct list_module *lm, bool go, int fd, struct sel_func *fns)
{
	struct sel_module mod = { .path = lm->path, .syms = lm->syms, .go = go };
	size_t i, n = 0;
	int err;

	for (i = 0; i < elf_syms__count(lm->syms); i++) {
		const struct elf_func *f = elf_syms__get(lm->syms, i);

		if (lm->picked[i])
			fns[n++] = (struct sel_func){ .name = elf_func__shown_name(f), .offset = f->offset,
						      .addr = f->addr, .size = f->size };
	}
	mod.code = elf_syms__code(lm->syms, &mod.ncode);
	err = probe_site__plan_module(fns, n, &mod, fd);
	for (i = 0; i < n; i++)
		free(fns[i].ret_offsets);
	return err;
}

/* Classifies the module's picked functions, printing each (w: as JSON), and counts them. */
static int list_functions(const struct listing *l, size_t m, const struct list_options *o,
			  struct jsonw *w)
{
	struct list_module *lm = &l->lms[m];
	struct listed_func lf = { .go = elf_syms__is_go(lm->syms) };
	struct sel_func *fns = calloc(elf_syms__count(lm->syms) + 1, sizeof(*fns));
	int fd = open(lm->path, O_RDONLY | O_CLOEXEC);
	size_t i, n = 0;
	int err = fns ? 0 : -ENOMEM;

	if (fd < 0) {
		ferr("%s: %s", lm->path, strerror(errno));
		free(fns);
		return -errno;
	}
	if (!err)
		err = plan_functions(lm, lf.go, fd, fns);
	for (i = 0; !err && i < elf_syms__count(lm->syms); i++) {
		const struct sel_func *fn;

		if (!lm->picked[i])
			continue;
		lf.f = elf_syms__get(lm->syms, i);
		fn = &fns[n++];
		lf.kind = fn->probe_kind;
		lf.skip = fn->probe_skip;
		lf.why = fn->probe_kind == PROBE_REFUSED ? fn->probe_refusal : NULL;
		lm->kinds[lf.kind]++;
		lm->moved += lf.skip != 0 && !lf.go;
		if (w)
			func_json(w, &lf);
		else
			print_line(l, m, &lf, o->long_names);
	}
	close(fd);
	free(fns);
	if (err)
		ferr("%s: out of memory", lm->path);
	return err;
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
		printf(" (%zu moved past their first instructions)", lm->moved);
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

int list_output__table(struct listing *l, const struct list_options *o)
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
	jsonw__kv_uint(w, "moved", lm->moved);
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
	jsonw__key(w, "stripped");
	jsonw__raw_number(w, elf_syms__is_stripped(lm->syms) ? "true" : "false");
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

int list_output__json(struct listing *l, const struct list_options *o)
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
