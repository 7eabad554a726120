/* -f / -x patterns -> the functions to attach to, grouped by module. */
#ifndef FERRET_SELECTION_H
#define FERRET_SELECTION_H

#include <stddef.h>
#include <stdint.h>

#include "elf_syms.h"
#include "modules.h"

struct sel_module {
	char *path;
	const char *build_id; /* the file's GNU build-id (hex) or NULL; owned by the selection */
	const struct elf_syms *syms; /* its functions, all of them; owned by the selection */
	const struct elf_code_range *code; /* its executable segments, from syms */
	size_t ncode;
	size_t first_func, nfuncs; /* the functions of one module are contiguous in funcs */
	/* Go code: no return probes. Each function gets an entry probe past its stack check
	 * and a probe on every RET (trace/go_returns.c), its calls keyed by goroutine;
	 * runtime.goexit0, where goroutines end, is probed at this file offset. */
	bool go;
	uint64_t go_exit_offset;
};

struct sel_func {
	size_t module;	  /* index into selection.modules */
	const char *name;   /* what ferret shows: the short demangled name of C++/Rust symbols */
	const char *symbol; /* the ELF symbol (== name for C); both owned by the selection */
	const char *signature; /* C++/Rust: the whole demangled name, shown for overloads */
	uint64_t offset;  /* file offset of the function's first byte */
	uint64_t addr;	  /* st_value */
	uint64_t size;	  /* bytes of its body (st_size, or to the next function in Go's table); 0: unknown */
	/* Go: the file offsets of its RET instructions (set by go_returns__place_all), malloc'd */
	uint64_t *ret_offsets;
	size_t nrets;
	/* Set by probe_site__place_all(): where the probe goes and what it costs. */
	uint32_t probe_skip; /* bytes past the entry: instructions the probe moved past */
	int probe_kind;	     /* enum probe_kind */
	const char *probe_refusal; /* PROBE_REFUSED: why (a static string) */
};

struct selection {
	struct sel_module *modules;
	size_t nmodules;
	struct sel_func *funcs; /* ordered by module, then address; each function once */
	size_t nfuncs;
	/* private: the symbol tables the names point into */
	struct elf_syms **syms;
	size_t nsyms;
};

/*
 * includes: -f patterns, "GLOB" (in the main executable, mods->paths[0]) or
 * "MODULE:GLOB" (MODULE as in module__matches, the main executable also by
 * mods->main_name; a MODULE that is a path to an ELF
 * file not in mods, e.g. with --all, is opened directly). The separator is the
 * first ':' that is not part of "::". No includes: every function of the main
 * executable.
 * excludes: -x "GLOB" (in every module) or "MODULE:GLOB", applied after the includes.
 * Globs are glob_match (core/glob.h), matched against a function's symbol, its
 * aliases and, for C++/Rust, its short and whole demangled names; a function is
 * listed once, under its short name. A glob with wildcards skips the C runtime's
 * startup stubs (_start, _init, frame_dummy, ...); name them exactly to trace them.
 * Errors (one line, negative return): an include that matches nothing (with close
 * names), a MODULE that matches no module, a file that is not an ELF file,
 * functions picked in Go code ferret cannot key by goroutine (a c-shared library, not
 * x86-64, no runtime.goexit0), nothing left to trace.
 */
int selection__build(const struct module_list *mods, char **includes, size_t ninc, char **excludes,
		     size_t nexc, struct selection **out);
/* The pieces of the above that `ferret list` shares, so that it picks what -f picks:
 * "MODULE:GLOB" -> *module (malloc'd) and *glob, "GLOB" -> *module NULL (-EINVAL after
 * one error line for ":GLOB" or "MODULE:"); and whether an -f glob picks f. */
struct elf_func;
int selection__split_pattern(const char *pattern, char **module, const char **glob);
bool selection__picks(const char *glob, const struct elf_func *f);
/* The first module of the selection that throws C++ exceptions or Rust panics, or NULL. */
const char *selection__unwinding_module(const struct selection *sel);
void selection__free(struct selection *sel);

#endif
