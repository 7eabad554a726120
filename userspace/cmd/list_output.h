/* SPDX-License-Identifier: BSD-2-Clause */
/* ferret list's state, shared by cmd_list.c (options, modules, patterns) and list_output.c
 * (the table and the JSON document). */
#ifndef FERRET_LIST_OUTPUT_H
#define FERRET_LIST_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "elf/modules.h"
#include "trace/probe_site.h"

struct list_options {
	int pid;
	const char *binary;
	char **patterns;
	size_t npatterns;
	bool all_modules, long_names, json;
	bool usdt; /* --usdt: the modules' USDT probes instead of functions (list_usdt.c) */
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

/* Each classifies the picked functions (reading their first bytes) as it prints them.
 * EXIT_OK, or EXIT_FAILED after one error line. */
int list_output__table(struct listing *l, const struct list_options *o);
int list_output__json(struct listing *l, const struct list_options *o);

#endif
