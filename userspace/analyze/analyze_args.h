/* analyze_args: a call's stored arguments, return value and errno (-A, -R, --error), as
 * text on its --calls line or as JSON fields. */
#ifndef FERRET_ANALYZE_ARGS_H
#define FERRET_ANALYZE_ARGS_H

#include <stdint.h>
#include <stdio.h>

#include "core/jsonw.h"
#include "store/arg_store.h"

/* "  name=\"ana\" n=42 => -1 (errno 13)"; nothing when the call has no values. */
int args_out__text(FILE *out, struct arg_reader *r, int64_t span_id);
/* "args": [{"position", "name", "type", "value"}...] and "retval", "errno" when stored. */
int args_out__json(struct jsonw *w, struct arg_reader *r, int64_t span_id);
/* One value as --calls shows it ("ana" quoted and escaped, 0x3, NULL, (unreadable)). */
void args_out__value(const struct stored_arg *a, char *buf, size_t len);

#endif
