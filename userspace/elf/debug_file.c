/* Function names from a separate debug file's .symtab (a source of sym_reader.h). */
#include "sym_reader.h"

int debug_file__add_symbols(struct symbols_reader *r)
{
	(void)r;
	return 0;
}
