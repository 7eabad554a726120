/*
 * Go's function table parser on arbitrary bytes: a whole table or -EINVAL, every name
 * NUL-terminated inside the input, every function's end at or after its entry.
 * Seeds: the first functions of a Go 1.19 binary's .gopclntab, cut down to a table of
 * their own, and two-function tables of each older and newer layout.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf/gopclntab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gopclntab t;
	const char *why = NULL;
	size_t i;
	int err;

	(void)gopclntab__version_of(data, size);
	err = gopclntab__parse(data, size, 0x400000, &t, &why);
	if (err == -EINVAL && !why)
		abort();
	if (err)
		return 0;
	for (i = 0; i < t.nfuncs; i++) {
		const char *name = t.funcs[i].name;

		if ((const uint8_t *)name < data || (const uint8_t *)name >= data + size ||
		    !memchr(name, '\0', size - (size_t)((const uint8_t *)name - data)) ||
		    t.funcs[i].end < t.funcs[i].entry)
			abort();
	}
	gopclntab__release(&t);
	return 0;
}
