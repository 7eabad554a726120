/* The one capstone handle trace/ decodes x86-64 with. */
#include <stdbool.h>

#include "x86_decoder.h"

csh x86_decoder(void)
{
	static csh handle;
	static bool opened;

	if (!opened) {
		if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
			return 0;
		cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
		opened = true;
	}
	return handle;
}
