/*
 * gopclntab: Go's function table (runtime.pclntab), parsed from its bytes alone, every
 * offset checked against the table's size (internal to elf/; the fuzzer and unit tests
 * call the parser directly).
 *
 * Layouts read (cmd/link's pclntab.go, runtime/symtab.go of each release):
 *   Go 1.2-1.15 (magic 0xfffffffb): header, then nfunc (pc, funcoff) pointer pairs
 *     and the end pc; names at offsets from the table's start.
 *   Go 1.16-1.17 (0xfffffffa): the header names the offsets of funcnametab and of the
 *     function table, whose pairs are pointer-sized; entries are absolute pcs.
 *   Go 1.18-1.19 (0xfffffff0), 1.20+ (0xfffffff1): the header adds textStart; pairs
 *     are 32-bit offsets from it.
 */
#ifndef FERRET_GOPCLNTAB_H
#define FERRET_GOPCLNTAB_H

#include <stddef.h>
#include <stdint.h>

enum gopclntab_version {
	GOPCLNTAB_12 = 1, /* Go 1.2-1.15 */
	GOPCLNTAB_116,	  /* Go 1.16-1.17 */
	GOPCLNTAB_118,	  /* Go 1.18-1.19 */
	GOPCLNTAB_120,	  /* Go 1.20 and later */
};

/* _func.flag's bit for a function written in assembly (Go >= 1.18): it runs ABI0, where
 * R14 is not the goroutine's g. */
#define GOPCLNTAB_FLAG_ASM 4

struct gopclntab_func {
	uint64_t entry, end; /* [entry, end): up to the next function or the table's end pc */
	const char *name;    /* into the table's bytes, NUL-terminated */
	uint8_t flag;	     /* _func.flag (Go >= 1.17; 0 before) */
};

struct gopclntab {
	enum gopclntab_version version;
	uint64_t text_start; /* what entries are offsets from (Go >= 1.18), else 0 */
	struct gopclntab_func *funcs; /* malloc'd, by entry */
	size_t nfuncs;
};

/* The version a table starting with these bytes has, or 0 when they are no pclntab header. */
enum gopclntab_version gopclntab__version_of(const uint8_t *data, size_t size);

/* Parses a whole table. text_start: where entries count from when the header's textStart
 * is 0 (an unrelocated PIE field), else ignored. 0; -EINVAL with *why (a damaged table:
 * nothing is kept); -ENOMEM. Names point into data, which must outlive t. */
int gopclntab__parse(const uint8_t *data, size_t size, uint64_t text_start, struct gopclntab *t,
		     const char **why);
void gopclntab__release(struct gopclntab *t);

#endif
