/*
 * Function names from Go's function table (a source of sym_reader.h). The Go linker
 * writes it to .gopclntab; external linking (cgo, -buildmode=c-shared) folds it into
 * .data.rel.ro, where it is found by its header. strip and -ldflags=-s keep it: the
 * runtime needs it for tracebacks, so Go names survive where .symtab does not.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "gopclntab.h"
#include "sym_reader.h"
#include "core/log.h"

struct section_bytes {
	const uint8_t *data;
	size_t size;
};

/* A named section's bytes as the file holds them; false: none, or empty. */
static bool section_named(Elf *elf, const char *want, struct section_bytes *out, uint64_t *addr)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || strcmp(name, want))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || !data->d_size)
			return false;
		*out = (struct section_bytes){ data->d_buf, data->d_size };
		if (addr)
			*addr = shdr.sh_addr;
		return true;
	}
	return false;
}

/* External linking: the table inside .data.rel.ro, at the first pointer-aligned header
 * that parses whole (the header alone could be any bytes). */
static bool find_in_data_rel_ro(Elf *elf, uint64_t text_start, struct gopclntab *t)
{
	struct section_bytes sec;
	const char *why;
	size_t off;

	if (!section_named(elf, ".data.rel.ro", &sec, NULL))
		return false;
	for (off = 0; off + 8 <= sec.size; off += 8) {
		if (!gopclntab__version_of(sec.data + off, sec.size - off))
			continue;
		if (!gopclntab__parse(sec.data + off, sec.size - off, text_start, t, &why))
			return true;
	}
	return false;
}

static int compare_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The addresses the sources before this one named, sorted; NULL with *n 0 when none. */
static int named_addresses(const struct symbols_reader *r, uint64_t **out, size_t *n)
{
	size_t i;

	*out = NULL;
	*n = r->ncands;
	if (!r->ncands)
		return 0;
	*out = malloc(r->ncands * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < r->ncands; i++)
		(*out)[i] = r->cands[i].addr;
	qsort(*out, *n, sizeof(**out), compare_addr);
	return 0;
}

/* The table's functions at addresses no symbol names: .symtab's names are the better ones
 * (the table names an ABI wrapper as the function it wraps, .symtab adds ".abi0"). */
static int add_unnamed(struct symbols_reader *r, const struct gopclntab *t)
{
	uint64_t *named;
	size_t i, nnamed;
	int err = named_addresses(r, &named, &nnamed);

	for (i = 0; !err && i < t->nfuncs; i++) {
		const struct gopclntab_func *f = &t->funcs[i];

		if (nnamed && bsearch(&f->entry, named, nnamed, sizeof(*named), compare_addr))
			continue;
		err = sym_reader__add(r, f->name, f->entry, f->end - f->entry, STB_GLOBAL,
				      FUNC_SRC_GOPCLNTAB);
	}
	free(named);
	return err;
}

int gopclntab__add_functions(struct symbols_reader *r)
{
	struct section_bytes sec, text;
	struct gopclntab t;
	uint64_t text_start = 0;
	const char *why;
	int err;

	if (!r->go)
		return 0;
	/* Where entries count from if the header's textStart was left for a relocation to fill. */
	section_named(r->elf, ".text", &text, &text_start);
	if (section_named(r->elf, ".gopclntab", &sec, NULL)) {
		err = gopclntab__parse(sec.data, sec.size, text_start, &t, &why);
		if (err == -EINVAL) {
			fwarn("%s: .gopclntab is damaged (%s): no names from it", r->path, why);
			return 0;
		}
		if (err)
			return err;
	} else if (!find_in_data_rel_ro(r->elf, text_start, &t)) {
		fdebug("%s: Go code without a function table ferret can read", r->path);
		return 0;
	}
	err = add_unnamed(r, &t);
	gopclntab__release(&t);
	return err;
}
