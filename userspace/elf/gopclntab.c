/* Function names from Go's function table (a source of sym_reader.h). */
#include "sym_reader.h"

int gopclntab__add_functions(struct symbols_reader *r)
{
	(void)r;
	return 0;
}
