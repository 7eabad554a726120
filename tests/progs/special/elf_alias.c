/*
 * Two addresses with several names each; ferret must list each address once:
 *   compute (global) == a_longer_alias_of_compute (global): "compute", the shortest
 *   (and not the first by strcmp)
 *   hid (static, local) == visible_fn (global): "visible_fn", the global one
 * Usage: elf_alias [N]: calls compute N times (default 2), alternating between
 * its two names, then visible_fn once.
 */
#include <stdio.h>
#include <stdlib.h>

int compute(int x)
{
	return x * 3;
}
int a_longer_alias_of_compute(int x) __attribute__((alias("compute")));

static int hid(int x)
{
	return x + 7;
}
int visible_fn(int x) __attribute__((alias("hid")));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2, i, total = 0;

	for (i = 0; i < n; i++)
		total += i % 2 ? a_longer_alias_of_compute(i) : compute(i);
	printf("total=%d\n", total + visible_fn(1));
	return 0;
}
