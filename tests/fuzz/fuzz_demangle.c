/* SPDX-License-Identifier: BSD-2-Clause */
/* demangle__symbol on any NUL-terminated string: names or NULL, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/demangle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *symbol = malloc(size + 1), *full, *name;

	if (!symbol)
		return 0;
	memcpy(symbol, data, size);
	symbol[size] = '\0'; /* a symbol ends at its first NUL, as in .strtab */
	if (demangle__symbol(symbol, &full, &name) == 0 && (!full) != (!name))
		abort(); /* both names or neither */
	free(full);
	free(name);
	free(symbol);
	return 0;
}
