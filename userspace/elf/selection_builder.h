/* Inside elf/: the state selection__build works on, shared by selection.c (patterns ->
 * picked functions) and selection_collect.c (picked functions -> a selection). */
#ifndef FERRET_SELECTION_BUILDER_H
#define FERRET_SELECTION_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

#include "modules.h"
#include "selection.h"

/* A module a pattern may name: those of the list, then files named by path. */
struct candidate_module {
	char *path;
	struct elf_syms *syms;	/* NULL until a pattern needs it */
	unsigned char *picked;	/* one flag per function of syms */
	bool named;		/* by the pattern being applied (set by resolve_module) */
};

struct selection_builder {
	const struct module_list *mods;
	struct candidate_module *cms;
	size_t ncms, cms_cap;
};

size_t candidate_module__count_picked(const struct candidate_module *cm);
/* Moves the picked functions into sel, modules in list order. 0 or -ENOMEM. */
int selection_builder__collect(struct selection_builder *b, struct selection *sel);

#endif
