/*
 * sym_reader: the state one ELF file's function list is gathered in, shared by the
 * sources of names (internal to elf/). Each source adds candidates; elf_syms.c then
 * sorts them and keeps one function per address, under its best name.
 *
 * Sources, each in its own file:
 *   elf_syms.c    .symtab and .dynsym
 *   debug_file.c  the .symtab of a separate debug file (build-id, .gnu_debuglink, debuginfod)
 *   ifunc.c       GNU IFUNC symbols resolved to the implementation this CPU runs
 *   gopclntab.c   Go's function table (names survive strip)
 *   eh_frame.c    function bodies without a name: .eh_frame FDEs that start a function
 */
#ifndef FERRET_SYM_READER_H
#define FERRET_SYM_READER_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_syms.h"

/* A function as one source read it, before aliases are merged. */
struct symbol_candidate {
	const char *name; /* into an open Elf's string table, or kept by sym_reader__keep */
	uint64_t addr, size;
	int bind;	   /* STB_*; sources without one use STB_GLOBAL or STB_LOCAL */
	enum func_source source;
};

/* An STT_GNU_IFUNC symbol: its value is the resolver, not the function. */
struct ifunc_symbol {
	const char *name;
	uint64_t resolver;
	const char *unresolved; /* set by ifunc.c: why no implementation was found (static); NULL: found */
};

struct kept_elf {
	int fd;
	Elf *elf;
};

struct symbols_reader {
	const char *path;
	Elf *elf;
	struct elf_code_range *segs; /* the executable segments, kept by elf_syms */
	size_t nsegs;
	struct symbol_candidate *cands;
	size_t ncands, cap;
	struct ifunc_symbol *ifuncs;
	size_t nifuncs, ifuncs_cap;
	uint64_t *cold; /* addresses of the .cold fragments symbol tables named (not functions) */
	size_t ncold, cold_cap;
	char **kept; /* strings the candidates point to, freed with the reader */
	size_t nkept, kept_cap;
	struct kept_elf *extra; /* other files whose string tables candidates point into */
	size_t nextra, extra_cap;
	bool has_symtab;
	bool unwinds; /* it names the unwinder's entry: it throws C++ exceptions or Rust panics */
	bool go;      /* it holds the Go runtime */
	bool go_tls_g; /* an x86-64 executable whose TLS block is only Go's g slot (at fs:-8) */
	char *build_id; /* lowercase hex of NT_GNU_BUILD_ID, or NULL; moved to the elf_syms */
	char *names_from; /* the debug file names came from, or NULL; moved to the elf_syms */
};

/* Adds one candidate; 0 or -ENOMEM. */
int sym_reader__add(struct symbols_reader *r, const char *name, uint64_t addr, uint64_t size,
		    int bind, enum func_source source);
/* Takes ownership of a malloc'd string (NULL: -ENOMEM) and returns it, kept until the
 * reader ends; NULL on failure (the string is freed). */
const char *sym_reader__keep(struct symbols_reader *r, char *s);
/* Adds the defined functions of a SHT_SYMTAB/SHT_DYNSYM section of `elf` (r->elf or a
 * debug file), as .symtab/.dynsym are read: IFUNCs to r->ifuncs, .cold fragments to r->cold. */
int sym_reader__add_symbol_table(struct symbols_reader *r, Elf *elf, Elf_Scn *scn,
				 const GElf_Shdr *shdr, enum func_source source);
/* Keeps another open ELF file (a debug file) until the reader ends: its string tables
 * stay valid for the candidates that point into them. */
int sym_reader__keep_elf(struct symbols_reader *r, int fd, Elf *elf);
/* The file offset of a virtual address in an executable segment; false: none holds it. */
bool sym_reader__file_offset(const struct symbols_reader *r, uint64_t addr, uint64_t *offset);

/* Frees what the reader holds (not r->elf, which its opener closes). */
void symbols_reader__release(struct symbols_reader *r);

/* The sources after .symtab/.dynsym, in the order elf_syms__open runs them. Each
 * returns 0 (a source that finds nothing, or a damaged section it warned about,
 * is not an error) or -ENOMEM. */
int debug_file__add_symbols(struct symbols_reader *r);
int ifunc__add_implementations(struct symbols_reader *r);
int gopclntab__add_functions(struct symbols_reader *r);
int eh_frame__add_functions(struct symbols_reader *r);

#endif
