/* Function names from unnamed function bodies from .eh_frame (a source of sym_reader.h). */
#include "sym_reader.h"

int eh_frame__add_functions(struct symbols_reader *r)
{
	(void)r;
	return 0;
}
