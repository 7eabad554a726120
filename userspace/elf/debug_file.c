/* Function names from a separate debug file's .symtab (a source of sym_reader.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <elfutils/libdwelf.h>

#include "sym_reader.h"

/* The file's GNU build-id note as lowercase hex into r->build_id (none: NULL):
 * what names the debug file, and what a stored run's module is recognized by. */
static int read_build_id(struct symbols_reader *r)
{
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(r->elf, (const void **)&id);
	ssize_t i;

	if (len <= 0)
		return 0;
	r->build_id = malloc((size_t)len * 2 + 1);
	if (!r->build_id)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		snprintf(r->build_id + i * 2, 3, "%02x", id[i]);
	return 0;
}

int debug_file__add_symbols(struct symbols_reader *r)
{
	return read_build_id(r);
}
