/* C library calls with known arguments and results, for -a's built-in libc prototypes
 * (traced in a copy of libc.so.6 ferret finds no DWARF for): an open that fails, a write,
 * malloc and free, strlen, strcmp, getenv of a name not set. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile long sink;

/* volatile: the compiler computes neither strlen nor strcmp of a literal itself */
static const char *volatile hello = "hello", *volatile abc = "abc", *volatile abd = "abd";

int main(void)
{
	/* on the stack: a literal's page may not be mapped in yet when the probe reads it */
	char path[] = "/nonexistent/x", *p;

	/* nor may the literals' page be: touch it (a write to /dev/null never reads it) */
	sink += hello[0] + abc[0] + abd[0];

	sink += open(path, O_RDONLY);
	sink += write(1, hello, 5);
	p = malloc(100);
	sink += strlen(hello) + strcmp(abc, abd);
	free(p);
	sink += getenv("FERRET_TEST_NOT_SET") != NULL;
	return 0;
}
