/* Static functions only: once the program is stripped, their names are in its separate
 * debug file alone. dbg_demo N: hidden_middle N times, hidden_leaf 2N times. */
#include <stdio.h>
#include <stdlib.h>

static int hidden_leaf(int x)
{
	return x * 3 + 1;
}

static int hidden_middle(int x)
{
	return hidden_leaf(x) + hidden_leaf(x + 1);
}

int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : 10, total = 0;

	for (i = 0; i < n; i++)
		total += hidden_middle(i);
	printf("%d\n", total);
	return 0;
}
