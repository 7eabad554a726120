/* A known call tree: main -> run(n) -> middle(i) x n -> leaf x 2n; then fib(12) (465 calls). */
#include <stdlib.h>

volatile long sink;

void leaf(int i)
{
	sink += i;
}

void middle(int i)
{
	leaf(i);
	leaf(i + 1);
}

int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void run(int n)
{
	for (int i = 0; i < n; i++)
		middle(i);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	run(n);
	sink += fib(12);
	return argc > 2 ? atoi(argv[2]) : 0;
}
