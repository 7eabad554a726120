/* The functions an ELF file defines, with the file offsets uprobes attach to. */
#ifndef FERRET_ELF_SYMS_H
#define FERRET_ELF_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a function's name came from, best first: at one address the name of the
 * lowest source wins. */
enum func_source {
	FUNC_SRC_SYMTAB,     /* the file's own .symtab */
	FUNC_SRC_DYNSYM,     /* .dynsym: exported */
	FUNC_SRC_DEBUG_FILE, /* the .symtab of its separate debug file */
	FUNC_SRC_IFUNC,	     /* an IFUNC's name, on the implementation this CPU runs */
	FUNC_SRC_GOPCLNTAB,  /* Go's function table */
	FUNC_SRC_EH_FRAME,   /* no name: a function body from .eh_frame, named sub_ADDR */
	FUNC_SOURCE_COUNT,
};

/* "symtab", "dynsym", "debug file", "ifunc", "gopclntab", "eh_frame". */
const char *func_source__name(enum func_source source);

struct elf_func {
	char *name;	 /* the symbol */
	char *pretty;	 /* C++/Rust: the short demangled name ("ns::Class::method"); else NULL */
	char *signature; /* C++/Rust: the whole demangled name ("ns::Class::method(int) const") */
	uint64_t addr;	 /* st_value */
	uint64_t offset; /* file offset of the first instruction: what uprobes take */
	uint64_t size;	 /* st_size; may be 0 for hand-written assembly */
	char **aliases;	 /* the other names at this address (e.g. libc's __getpid for getpid) */
	size_t naliases;
	enum func_source source; /* of name */
};

/* The name ferret shows and stores: the short demangled one, else the symbol. */
static inline const char *elf_func__shown_name(const struct elf_func *f)
{
	return f->pretty ? f->pretty : f->name;
}

/*
 * One ELF file's FUNC symbols: .symtab and .dynsym merged, sorted by address.
 * Aliases at one address are kept once, under the non-versioned, global (or weak:
 * glibc's public names are weak aliases of strong __names), shortest name; ties
 * broken by strcmp, so the choice is deterministic. The other names are kept in
 * `aliases` so that patterns can match them. Undefined symbols (imports) and GNU
 * IFUNC resolvers and ".cold" fragments (split-off code, not functions) are skipped.
 */
struct elf_syms;

/* 0, or a negative errno after printing "ferret: PATH: not an ELF file" or the like. */
int elf_syms__open(const char *path, struct elf_syms **out);
size_t elf_syms__count(const struct elf_syms *s);
const struct elf_func *elf_syms__get(const struct elf_syms *s, size_t i);
/* The function named exactly `name` (symbol, alias or short demangled name), or NULL. */
const struct elf_func *elf_syms__find(const struct elf_syms *s, const char *name);
/* The function whose body [addr, addr + size) holds vaddr, or NULL. */
const struct elf_func *elf_syms__containing(const struct elf_syms *s, uint64_t vaddr);
/* It calls or is the unwinder (__cxa_throw, _Unwind_RaiseException): C++ exceptions
 * or Rust panics unwind through its functions. */
bool elf_syms__unwinds(const struct elf_syms *s);
/* Go code (an executable or a -buildmode=c-shared library): the Go runtime copies
 * goroutine stacks as they grow, and a return probe's trampoline address on such a
 * stack makes the runtime abort ("unknown caller pc") or jump into it (SIGILL): its
 * functions get no return probes (see selection.h). */
bool elf_syms__is_go(const struct elf_syms *s);
/* Go code in an x86-64 executable whose TLS block is the runtime's g slot alone: the
 * running goroutine's g is at fs:-8 in every function (Go ABI or assembly). */
bool elf_syms__go_tls_g(const struct elf_syms *s);
/* No .symtab: only the exported functions of .dynsym are known. */
bool elf_syms__is_stripped(const struct elf_syms *s);
const char *elf_syms__path(const struct elf_syms *s);
/* The GNU build-id as lowercase hex, or NULL when the file has none. */
const char *elf_syms__build_id(const struct elf_syms *s);
/* The file's executable segments (PT_LOAD with PF_X): where code other than a function's
 * own may jump into it. */
struct elf_code_range {
	uint64_t vaddr, size, offset; /* size: bytes in the file */
};
const struct elf_code_range *elf_syms__code(const struct elf_syms *s, size_t *n);
/* The separate debug file names were read from, or NULL. */
const char *elf_syms__debug_file(const struct elf_syms *s);
/* The i-th IFUNC whose implementation could not be found (so it is no function here),
 * why in *why (a sentence fragment: "ferret has not loaded this library"); NULL past the end. */
const char *elf_syms__unresolved_ifunc(const struct elf_syms *s, size_t i, const char **why);
/* That why says the implementation is not in the file at all (the vDSO's time()):
 * naming its variants would not help. */
bool elf_syms__ifunc_elsewhere(const char *why);
/* counts[source]: how many functions have their name from each source. */
void elf_syms__count_sources(const struct elf_syms *s, size_t counts[FUNC_SOURCE_COUNT]);
void elf_syms__free(struct elf_syms *s);

#endif
