/*
 * libc_protos: the prototypes of well-known C library functions (open, read, malloc,
 * strcmp, fopen, socket, pthread_mutex_lock, dlopen, ...), built in, for -a and --errors auto
 * when the library has no DWARF: parameter names as the manual pages give them, strings for
 * `const char *`, flags and modes in hex, and each function's error convention (-1, NULL,
 * an errno number, MAP_FAILED, or none: strcmp's -1 is no error). Variadic functions
 * (open's mode, printf's values) have their fixed parameters only.
 */
#ifndef FERRET_LIBC_PROTOS_H
#define FERRET_LIBC_PROTOS_H

#include <stdbool.h>
#include <stddef.h>

#include "dwarf_params.h"

/* Whether the module at path is the C library, whose functions the table describes: glibc's
 * libc.so.6 (libc-2.NN.so) and its libpthread and libdl, by file name. Another module's
 * function of the same name (a program's own read) is not taken for libc's. */
bool libc_protos__is_libc(const char *path);
/* The prototype of the function named name (a symbol or an alias): 1 found, 0 not. */
int libc_protos__lookup(const char *name, struct dwarf_proto *out);
/* The table's entries, for its tests: the i-th function's name, NULL past the end. */
const char *libc_protos__name(size_t i);

#endif
