/*
 * Functions no symbol names once stripped: all static but main, built -O2 by
 * tests/progs/progs.mk as stripped_static (with .symtab: the truth) and stripped_static_s
 * (stripped, not -rdynamic: no .dynsym function either), traced through .eh_frame.
 * sp_check's unlikely path is split into sp_check.cold, which is no function.
 * Usage: stripped_static [N] (default 10). Calls per run, for N:
 *   main 1, sp_leaf N, sp_add ceil(N/2) and sp_mul floor(N/2) (only through a pointer),
 *   sp_check N, sp_complain 2 per i < N with i % 5 == 4 (4 for N = 10).
 */
#include <stdio.h>
#include <stdlib.h>

static volatile int sink;

__attribute__((noipa)) static int sp_leaf(int x)
{
	return x * 3 + 1;
}

__attribute__((noipa)) static int sp_add(int a, int b)
{
	return a + b;
}

__attribute__((noipa)) static int sp_mul(int a, int b)
{
	return a * b;
}

__attribute__((noipa, cold)) static void sp_complain(int x)
{
	sink = x;
	fprintf(stderr, "complaint %d\n", x);
}

/* A frame of its own (the array) before the unlikely test: the .cold part starts
 * inside it, with a CFA offset above 8. */
__attribute__((noipa)) static int sp_check(int x)
{
	volatile int scratch[16];
	int i, sum = 0;

	for (i = 0; i < 16; i++)
		scratch[i] = x + i;
	if (__builtin_expect(x % 5 == 4, 0)) {
		sp_complain(x);
		sp_complain(scratch[1]);
		return -1;
	}
	for (i = 0; i < 16; i++)
		sum += scratch[i];
	return sum;
}

static int (*volatile ops[2])(int, int) = { sp_add, sp_mul };

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i;
	long total = 0;

	for (i = 0; i < n; i++) {
		total += ops[i % 2](i, sp_leaf(i));
		total += sp_check(i);
	}
	printf("total=%ld\n", total);
	return 0;
}
