/*
 * dwarf_params: a function's parameters and return type from its module's DWARF (libdw):
 * names, and the capture format each type calls for on x86-64 (char * a string, other
 * pointers an address, integers by size and sign, bool; an integer whose name or typedef says
 * it holds flags (flags, mode, mask, mode_t) in hex; an enum as an integer whose type text
 * (core/arg_type.h) lists its enumerators, so that it is shown by name). Floating-point
 * parameters travel in SSE registers (not captured) and take no integer register; a struct
 * or union passed by value is skipped with a note, and so is every parameter after it (its
 * registers are not known without the ABI's classification).
 */
#ifndef FERRET_DWARF_PARAMS_H
#define FERRET_DWARF_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arg_spec.h"
#include "core/arg_type.h"

#define DWARF_PARAM_NAME 48

struct dwarf_param {
	char name[DWARF_PARAM_NAME];
	struct arg_item item; /* position: its integer register (1..6) */
};

/* What --errors auto takes for an error of the function. */
enum proto_error {
	PROTO_ERR_NONE,
	PROTO_ERR_NULL,	      /* a pointer: NULL */
	PROTO_ERR_NEG,	      /* a signed int or long: -1, or -4095..-1 (a negative errno) */
	PROTO_ERR_NONZERO,    /* an errno number returned, 0 on success (pthread_*) */
	PROTO_ERR_MAP_FAILED, /* mmap's (void *)-1 */
};

struct dwarf_proto {
	struct dwarf_param params[ARG_MAX_REGS];
	size_t nparams;
	bool has_ret;	      /* not void */
	struct arg_item ret;  /* position 0 */
	uint8_t ret_error;    /* enum proto_error */
	/* By position (0: the return value): an enum's type text with its enumerators; "": the
	 * format says all. */
	char enum_types[ARG_MAX_REGS + 1][ARG_TYPE_MAX];
	const char *note;     /* why some parameters were left out (a static string); NULL: none */
};

struct dwarf_params;

/* The DWARF of path, or of debug_path when path has none (debug_path may be NULL).
 * NULL *out: no DWARF (not an error). <0: out of memory. */
int dwarf_params__open(const char *path, const char *debug_path, struct dwarf_params **out);
/* The prototype of the function at addr (its symbol's st_value): 1 found, 0 not. */
int dwarf_params__lookup(struct dwarf_params *dp, uint64_t addr, struct dwarf_proto *out);
void dwarf_params__free(struct dwarf_params *dp);

#endif
