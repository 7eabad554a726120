/*
 * span_name: --name 'PATTERN=TEMPLATE', a call's name from what it carried: TEMPLATE's
 * {arg1}..{arg6}, {ret} and, with -a, DWARF's parameter names ({user}) are replaced by the
 * call's values ("process_user:{arg1}" -> "process_user:42"). The function stays the
 * function; the name is stored with the call (span_args position -2, span_view's name).
 */
#ifndef FERRET_SPAN_NAME_H
#define FERRET_SPAN_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "store/arg_store.h"

#define SPAN_NAME_MAX 256

struct func_capture;

/* The positions TEMPLATE names, as a bit set (bit 0: {ret}), resolved against fc's DWARF
 * names; -1 after one error line (naming the option's text) for a placeholder that names
 * nothing. */
int span_name__positions(const char *tmpl, const struct func_capture *fc, const char *text);
/* TEMPLATE with the values given (vals[position], NULL: not known yet: the placeholder is
 * kept, for a second pass with the return value). */
void span_name__render(const char *tmpl, const struct func_capture *fc,
		       const struct arg_value *const vals[], char *out, size_t len);

#endif
