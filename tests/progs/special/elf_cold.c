/* check()'s error path is moved by GCC -O2 to a "check.cold" fragment: a FUNC
 * symbol that is jumped to, never called, so ferret must not probe it. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noipa)) int check(int n, const int *v)
{
	if (n < 0) {
		for (int k = 0; k < -n; k++)
			fprintf(stderr, "bad %d %d\n", n, v[k]);
		abort();
	}
	return n + v[0];
}

int main(int argc, char **argv)
{
	int v[2] = { 1, 2 };

	(void)argv;
	return check(argc, v) - argc - 1;
}
