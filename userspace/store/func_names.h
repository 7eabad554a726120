/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * func_names: names shown instead of the stored ones, by function key. The readers
 * (span_reader, run_query) take one; cmd/ fills it from the modules on disk when they
 * name a stored function better (same build-id, e.g. a debug file appeared since).
 */
#ifndef FERRET_FUNC_NAMES_H
#define FERRET_FUNC_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct func_names;

struct func_names *func_names__new(void); /* NULL: out of memory (printed) */
void func_names__free(struct func_names *n); /* NULL is a no-op */
/* function_key is shown as name (copied); 0 or -ENOMEM (printed). */
int func_names__set(struct func_names *n, int64_t function_key, const char *name);
/* The name to show for function_key, or NULL: the stored one. n may be NULL. */
const char *func_names__get(const struct func_names *n, int64_t function_key);
size_t func_names__count(const struct func_names *n);

#endif /* FERRET_FUNC_NAMES_H */
