/*
 * ifunc_calls N: calls libc's strlen, memcpy and strchr (GNU IFUNCs) N times each.
 * Through volatile pointers, so the compiler neither folds nor inlines a call; the
 * C runtime's own calls are the same whatever N is (the test subtracts a run of N=0).
 */
#include <stdlib.h>
#include <string.h>

static size_t (*volatile strlen_fn)(const char *) = strlen;
static void *(*volatile memcpy_fn)(void *, const void *, size_t) = memcpy;
static char *(*volatile strchr_fn)(const char *, int) = strchr;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, i;
	const char *text = "ferret traces the implementation";
	char copy[64];
	size_t sum = 0;

	for (i = 0; i < n; i++) {
		sum += strlen_fn(text);
		memcpy_fn(copy, text, 16);
		sum += strchr_fn(text, 'i') != NULL;
	}
	return sum == (size_t)n * 33 ? 0 : 1;
}
