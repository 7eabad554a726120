/* A shared library with known call counts (see elf_uselib.c). */
#include "libferretdemo.h"

int lib_add(int a, int b)
{
	return a + b;
}

int lib_mul(int a, int b)
{
	return a * b;
}

/* Calls lib_mul once: a span nested inside another span of the same library. */
long lib_scale(long x)
{
	return lib_mul((int)x, 2);
}
