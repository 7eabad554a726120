/* A C program that calls Go code in a shared library (libgocalls.so). */
#include <stdio.h>

int GoSum(int n);

static int c_side(int n)
{
	return GoSum(n) + 1;
}

int main(void)
{
	printf("go_uselib: %d\n", c_side(10));
	return 0;
}
