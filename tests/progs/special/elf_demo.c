/*
 * Built three ways by tests/progs/special.mk: elf_pie (PIE, -rdynamic), elf_nopie
 * (ET_EXEC) and elf_stripped (elf_pie without .symtab: only the functions
 * -rdynamic exported to .dynsym remain; demo_hidden, being static, is gone).
 * Usage: elf_demo [N]  (N defaults to 3). Calls per run: demo_run 1,
 * demo_step N, demo_leaf N, demo_hidden 1.
 */
#include <stdio.h>
#include <stdlib.h>

int demo_leaf(int x)
{
	return x * 2 + 1;
}

int demo_step(int x)
{
	return demo_leaf(x) + 1;
}

static int demo_hidden(int x)
{
	return x - 1;
}

long demo_run(int n)
{
	long total = 0;
	int i;

	for (i = 0; i < n; i++)
		total += demo_step(i);
	return total + demo_hidden(1);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;

	printf("total=%ld\n", demo_run(n));
	return 0;
}
