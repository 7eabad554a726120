/* Calls with known arguments and return values, for -A, -R and --error:
 * greet(name, n, flags) with strings (short, empty, long, not UTF-8, NULL, unmapped),
 * add(a, b) with negative numbers, open_config(i) returning -1/-errno or 0, lookup(key)
 * returning NULL or a pointer, and ticks(n) called n times (argv[1], default 3). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

volatile long sink;
static int table[4];
static const char ana[] = "ana";

int greet(const char *name, long n, unsigned flags)
{
	sink += n + (long)flags + (name != NULL); /* name may point to unmapped memory */
	return (int)n;
}

long add(long a, long b)
{
	return a + b;
}

int open_config(int i)
{
	return i == 1 ? -1 : i == 2 ? -13 : 0; /* -EACCES */
}

int *lookup(int key)
{
	return key < 4 ? &table[key] : NULL;
}

int ticks(int i)
{
	return i * 2;
}

int main(int argc, char **argv)
{
	char longname[300], bad[4] = { 'a', (char)0xff, 'b', 0 };
	int n = argc > 1 ? atoi(argv[1]) : 3, i;

	/* A string in a page the process never touched reads as unreadable from a probe (it
	 * cannot fault the page in): touch the literal first. */
	sink += ((const volatile char *)ana)[0];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	greet(ana, 42, 0x3);
	greet("", -7, 0);
	greet(longname, 1, 1);
	greet(bad, 2, 2);
	greet(NULL, 3, 3);
	greet((const char *)(uintptr_t)16, 4, 4); /* unmapped */
	sink += add(-5, 2) + add(1L << 40, 1);
	for (i = 0; i < 3; i++)
		sink += open_config(i);
	sink += lookup(1) != NULL;
	sink += lookup(9) != NULL;
	for (i = 0; i < n; i++)
		sink += ticks(i);
	return 0;
}
