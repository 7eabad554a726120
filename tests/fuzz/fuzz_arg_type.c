/* SPDX-License-Identifier: BSD-2-Clause */
/* Type texts as arg_specs may hold them (a damaged or foreign file's too): a value named or
 * not, never a crash, a read past the text or a name longer than the buffer. The first 8
 * bytes are the value, the rest the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arg_type.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, buf[32], built[64];
	int64_t value = 0;

	if (size < sizeof(value))
		return 0;
	memcpy(&value, data, sizeof(value));
	text = malloc(size - sizeof(value) + 1);
	if (!text)
		return 0;
	memcpy(text, data + sizeof(value), size - sizeof(value));
	text[size - sizeof(value)] = '\0';
	if (arg_type__value_name(text, value, buf, sizeof(buf)) && strlen(buf) >= sizeof(buf))
		abort();
	/* the writer with the text as a name: an identifier or refused, the text stays whole */
	arg_type__begin_enum(built, sizeof(built), "i32", text);
	arg_type__add_enumerator(built, sizeof(built), text, value);
	if (built[0] && built[strlen(built) - 1] != '}')
		abort();
	free(text);
	return 0;
}
