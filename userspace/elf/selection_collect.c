/* The functions the patterns picked, moved into a selection; and freeing one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_syms.h"
#include "selection.h"
#include "selection_builder.h"

size_t candidate_module__count_picked(const struct candidate_module *cm)
{
	size_t i, n = 0;

	for (i = 0; cm->syms && i < elf_syms__count(cm->syms); i++)
		n += cm->picked[i];
	return n;
}

static void add_module_funcs(struct selection *sel, struct candidate_module *cm)
{
	struct sel_module *m = &sel->modules[sel->nmodules];
	size_t i;

	m->path = cm->path;
	m->build_id = elf_syms__build_id(cm->syms);
	m->syms = cm->syms;
	m->code = elf_syms__code(cm->syms, &m->ncode);
	cm->path = NULL;
	m->first_func = sel->nfuncs;
	for (i = 0; i < elf_syms__count(cm->syms); i++) {
		const struct elf_func *f = elf_syms__get(cm->syms, i);

		if (cm->picked[i])
			sel->funcs[sel->nfuncs++] = (struct sel_func){ .module = sel->nmodules,
								       .name = elf_func__shown_name(f),
								       .symbol = f->name,
								       .signature = f->signature,
								       .offset = f->offset,
								       .size = f->size,
								       .addr = f->addr };
	}
	m->nfuncs = sel->nfuncs - m->first_func;
	m->go = elf_syms__is_go(cm->syms);
	if (m->go)
		m->go_exit_offset = elf_syms__find(cm->syms, "runtime.goexit0")->offset;
	sel->syms[sel->nsyms++] = cm->syms; /* the names point into it */
	cm->syms = NULL;
	sel->nmodules++;
}

static int compare_names(const void *a, const void *b)
{
	const struct sel_func *x = *(const struct sel_func *const *)a;
	const struct sel_func *y = *(const struct sel_func *const *)b;

	return strcmp(x->name, y->name);
}

/* Overloads and template instances share a short name ("shop::price"): those are
 * shown by their whole demangled name ("shop::price(double)") instead. */
static int name_overloads(struct selection *sel)
{
	struct sel_func **order = malloc(sel->nfuncs * sizeof(*order));
	size_t i, k;

	if (!order)
		return -ENOMEM;
	for (i = 0; i < sel->nfuncs; i++)
		order[i] = &sel->funcs[i];
	qsort(order, sel->nfuncs, sizeof(*order), compare_names);
	for (i = 0; i < sel->nfuncs; i = k) {
		for (k = i + 1; k < sel->nfuncs && !strcmp(order[k]->name, order[i]->name); k++)
			;
		if (k - i > 1)
			for (; i < k; i++)
				if (order[i]->signature)
					order[i]->name = order[i]->signature;
	}
	free(order);
	return 0;
}

int selection_builder__collect(struct selection_builder *b, struct selection *sel)
{
	size_t i, total = 0;

	for (i = 0; i < b->ncms; i++)
		total += candidate_module__count_picked(&b->cms[i]);
	if (total == 0)
		return 0;
	sel->modules = calloc(b->ncms, sizeof(*sel->modules));
	sel->syms = calloc(b->ncms, sizeof(*sel->syms));
	sel->funcs = calloc(total, sizeof(*sel->funcs));
	if (!sel->modules || !sel->syms || !sel->funcs)
		return -ENOMEM;
	for (i = 0; i < b->ncms; i++)
		if (candidate_module__count_picked(&b->cms[i]) > 0)
			add_module_funcs(sel, &b->cms[i]);
	return name_overloads(sel);
}

const char *selection__unwinding_module(const struct selection *sel)
{
	size_t i;

	for (i = 0; i < sel->nsyms; i++)
		if (elf_syms__unwinds(sel->syms[i]))
			return elf_syms__path(sel->syms[i]);
	return NULL;
}

void selection__free(struct selection *sel)
{
	size_t i;

	if (!sel)
		return;
	for (i = 0; i < sel->nmodules; i++)
		free(sel->modules[i].path);
	for (i = 0; i < sel->nfuncs; i++)
		free(sel->funcs[i].ret_offsets);
	for (i = 0; i < sel->nsyms; i++)
		elf_syms__free(sel->syms[i]);
	free(sel->modules);
	free(sel->funcs);
	free(sel->syms);
	free(sel);
}
