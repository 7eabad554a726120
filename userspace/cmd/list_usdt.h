/* ferret list --usdt: the USDT probes of a program's modules (-u, --usdt-span name them). */
#ifndef FERRET_LIST_USDT_H
#define FERRET_LIST_USDT_H

#include <stdbool.h>

#include "elf/modules.h"

/* One line per probe (module, PROVIDER:NAME, sites, semaphore, argument specs), or one
 * JSON document; patterns: PROVIDER:NAME globs as -u takes them (none: every probe).
 * EXIT_OK, or EXIT_FAILED after one error line. */
int list_usdt__print(const struct module_list *mods, char **patterns, size_t npatterns, bool json);

#endif
