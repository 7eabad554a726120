/*
 * bench_calls N: makes about N function calls with a fixed shape, for the
 * analyze benchmark (built with -pg for `uftrace record`, plain for ferret).
 * Per request: request -> parse, query -> fetch x2, render -> render -> render.
 */
#include <stdio.h>
#include <stdlib.h>

#define CALLS_PER_REQUEST 8

static volatile unsigned long sink;

__attribute__((noinline)) static void parse(unsigned long i)
{
	sink += i * 7;
}

__attribute__((noinline)) static void fetch(unsigned long i)
{
	sink ^= i;
}

__attribute__((noinline)) static void query(unsigned long i)
{
	fetch(i);
	fetch(i + 1);
}

__attribute__((noinline)) static void render(unsigned long i, int depth)
{
	if (depth > 1)
		render(i, depth - 1);
	sink += (unsigned long)depth;
}

__attribute__((noinline)) static void request(unsigned long i)
{
	parse(i);
	query(i);
	render(i, 3);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, i;

	/* main is one call too: requests fill the rest */
	for (i = 0; i < (n - 1) / CALLS_PER_REQUEST; i++)
		request(i);
	printf("%lu calls\n", 1 + i * CALLS_PER_REQUEST);
	return 0;
}
