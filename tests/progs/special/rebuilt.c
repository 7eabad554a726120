/*
 * rebuilt N: calls work() N times. Built with a fixed build-id, then renamed
 * (objcopy keeps the build-id) or rebuilt with another one, for analyze's names from
 * the modules on disk: same build-id, better names shown; another, names as recorded.
 */
#include <stdlib.h>

static volatile long total;

__attribute__((noinline)) void work(long i)
{
	total += i;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, i;

	for (i = 0; i < n; i++)
		work(i);
	return 0;
}
