/* SPDX-License-Identifier: BSD-2-Clause */
/* -A, -R and --error texts: parsed or refused with a message, never a crash or a leak; a
 * parsed spec has 1..7 items at distinct positions with a width of 8, 16, 32 or 64 bits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arg_spec.h"

static void check_spec(const struct arg_spec *s)
{
	size_t i, j;

	if (!s->nitems || s->nitems > ARG_MAX_REGS + 1 || !s->pattern)
		abort();
	for (i = 0; i < s->nitems; i++) {
		if (s->items[i].position > ARG_MAX_REGS || !s->items[i].bits || s->items[i].bits % 8)
			abort();
		for (j = 0; j < i; j++)
			if (s->items[j].position == s->items[i].position)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256], fmt[16];
	struct error_rule rule;
	struct arg_spec spec;
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (r = 0; r < 2; r++) {
		err[0] = '\0';
		if (arg_spec__parse(text, r, &spec, err, sizeof(err)) == 0) {
			check_spec(&spec);
			arg_item__format(&spec.items[0], fmt, sizeof(fmt));
			arg_spec__free(&spec);
		} else if (!err[0]) {
			abort(); /* a refusal says why */
		}
	}
	if (error_rule__parse(text, &rule, err, sizeof(err)) == 0) {
		error_rule__matches(&rule, -1);
		error_rule__free(&rule);
	}
	free(text);
	return 0;
}
