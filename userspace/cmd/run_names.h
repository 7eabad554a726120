/*
 * run_names: better names for a stored run's functions, from its modules as they are on
 * disk now. A module whose file has the build-id the run recorded is the same code, so
 * the name elf/ gives a function at the stored offset today (a debug file installed since,
 * a nameless sub_ADDR body now named) is shown instead; a file with another build-id was
 * replaced, and its names stay as recorded (said once per module).
 * Lives in cmd/: it reads elf/ and hands the names to analyze and export through store/.
 */
#ifndef FERRET_RUN_NAMES_H
#define FERRET_RUN_NAMES_H

#include "store/store.h"

/* *out: the names to show (store__show_names, run_query__show_names), possibly none.
 * 0, or <0 (printed): out of memory, a database read failed. */
int run_names__find(struct store *s, const struct run_row *run, struct func_names **out);

#endif
