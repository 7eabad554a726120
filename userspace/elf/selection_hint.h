/* "did you mean" for a -f pattern that matches nothing. */
#ifndef FERRET_SELECTION_HINT_H
#define FERRET_SELECTION_HINT_H

#include <stddef.h>

struct elf_syms;

/*
 * Prints one line: "ferret: no function matches 'GLOB' in PATH (close: a, b, ...)"
 * with up to 5 names close to GLOB by edit distance, shared prefix or substring
 * from the n symbol tables searched (module: the MODULE the user wrote, or NULL).
 */
void selection_hint__no_match(const char *glob, const char *module,
			      const struct elf_syms *const *syms, size_t n);

#endif
