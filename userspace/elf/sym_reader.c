/*
 * The reader's shared helpers (sym_reader.h): adding candidates, keeping the strings
 * and files they point into, reading one symbol table, addresses to file offsets.
 *
 * A uprobe is placed at a file offset, not an address: offset = st_value -
 * p_vaddr + p_offset of the executable PT_LOAD segment holding the symbol. That
 * one formula is right for PIE (p_vaddr usually == p_offset), non-PIE ET_EXEC
 * (p_vaddr based at 0x400000) and shared libraries alike.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_file.h"
#include "sym_reader.h"
#include "core/util.h"

int sym_reader__add(struct symbols_reader *r, const char *name, uint64_t addr, uint64_t size,
		    int bind, enum func_source source)
{
	if (grow_array((void **)&r->cands, &r->cap, r->ncands + 1, sizeof(*r->cands)))
		return -ENOMEM;
	r->cands[r->ncands++] = (struct symbol_candidate){ name, addr, size, bind, source };
	return 0;
}

const char *sym_reader__keep(struct symbols_reader *r, char *str)
{
	if (!str || grow_array((void **)&r->kept, &r->kept_cap, r->nkept + 1, sizeof(*r->kept))) {
		free(str);
		return NULL;
	}
	r->kept[r->nkept++] = str;
	return str;
}

int sym_reader__keep_elf(struct symbols_reader *r, int fd, Elf *elf)
{
	if (grow_array((void **)&r->extra, &r->extra_cap, r->nextra + 1, sizeof(*r->extra))) {
		elf_file__close(fd, elf);
		return -ENOMEM;
	}
	r->extra[r->nextra++] = (struct kept_elf){ fd, elf };
	return 0;
}

static int add_ifunc(struct symbols_reader *r, const char *name, uint64_t resolver)
{
	if (grow_array((void **)&r->ifuncs, &r->ifuncs_cap, r->nifuncs + 1, sizeof(*r->ifuncs)))
		return -ENOMEM;
	r->ifuncs[r->nifuncs++] = (struct ifunc_symbol){ name, resolver, NULL };
	return 0;
}

static int add_cold(struct symbols_reader *r, uint64_t addr)
{
	if (grow_array((void **)&r->cold, &r->cold_cap, r->ncold + 1, sizeof(*r->cold)))
		return -ENOMEM;
	r->cold[r->ncold++] = addr;
	return 0;
}

/* Defined functions only: imports (SHN_UNDEF) have no code here, and IFUNC
 * symbols name a resolver that runs once at load time, not the function. */
static bool is_defined_func(const GElf_Sym *sym)
{
	return GELF_ST_TYPE(sym->st_info) == STT_FUNC && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < SHN_LORESERVE && sym->st_value != 0;
}

static bool is_ifunc(const GElf_Sym *sym)
{
	return GELF_ST_TYPE(sym->st_info) == STT_GNU_IFUNC && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < SHN_LORESERVE && sym->st_value != 0;
}

/* GCC moves a function's unlikely paths to "NAME.cold" (clang: "NAME.cold.N"), typed
 * FUNC but entered by a jump, never called: a return probe there would overwrite
 * whatever lies at the stack pointer, which is not a return address. */
static bool is_cold_fragment(const char *name)
{
	const char *cold = strstr(name, ".cold");

	if (!cold)
		return false;
	cold += 5;
	if (*cold == '.')
		while (isdigit((unsigned char)*++cold))
			;
	return *cold == '\0';
}

int sym_reader__add_symbol_table(struct symbols_reader *r, Elf *elf, Elf_Scn *scn,
				 const GElf_Shdr *shdr, enum func_source source)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;
	GElf_Sym sym;
	int err;

	if (!data || shdr->sh_entsize == 0)
		return 0;
	n = shdr->sh_size / shdr->sh_entsize;
	for (i = 0; i < n; i++) {
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		name = elf_strptr(elf, shdr->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		r->unwinds |= !strcmp(name, "_Unwind_RaiseException") || !strcmp(name, "__cxa_throw");
		if (is_ifunc(&sym))
			err = add_ifunc(r, name, sym.st_value);
		else if (!is_defined_func(&sym))
			continue;
		else if (is_cold_fragment(name))
			err = add_cold(r, sym.st_value); /* so that no other source makes it a function */
		else
			err = sym_reader__add(r, name, sym.st_value, sym.st_size,
					      GELF_ST_BIND(sym.st_info), source);
		if (err)
			return err;
	}
	return 0;
}

bool sym_reader__file_offset(const struct symbols_reader *r, uint64_t addr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < r->nsegs; i++) {
		const struct elf_code_range *seg = &r->segs[i];

		if (addr >= seg->vaddr && addr < seg->vaddr + seg->size) {
			*offset = addr - seg->vaddr + seg->offset;
			return true;
		}
	}
	return false;
}

void symbols_reader__release(struct symbols_reader *r)
{
	size_t i;

	for (i = 0; i < r->nkept; i++)
		free(r->kept[i]);
	for (i = 0; i < r->nextra; i++)
		elf_file__close(r->extra[i].fd, r->extra[i].elf);
	free(r->kept);
	free(r->extra);
	free(r->ifuncs);
	free(r->cold);
	free(r->cands);
	free(r->segs);
	free(r->build_id);
	free(r->names_from);
}
