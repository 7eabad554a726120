/* --max-rate: leaf and mid go over any small rate while top and main stay under it, so both
 * are demoted while calls of theirs are open, and the calls inside demoted ones are kept. */
#include <stdio.h>

__attribute__((noinline)) int leaf(int x) { return x * 2; }

__attribute__((noinline)) int mid(int x)
{
	int s = 0;

	for (int i = 0; i < 4; i++)
		s += leaf(x + i);
	return s;
}

__attribute__((noinline)) int top(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += mid(i);
	return s;
}

int main(void)
{
	long t = 0;

	for (int k = 0; k < 100; k++)
		t += top(1000);
	printf("%ld\n", t);
	return 0;
}
