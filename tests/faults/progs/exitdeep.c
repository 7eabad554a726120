/* main -> chain(10) -> ... -> chain(0), which calls exit(5); leaf() returns 4 times first. */
#include <stdlib.h>

volatile long sink;

void leaf(int i) { sink += i; }

void chain(int n)
{
	if (n == 0)
		exit(5);
	chain(n - 1);
}

int main(void)
{
	for (int i = 0; i < 4; i++)
		leaf(i);
	chain(10);
	return 0;
}
