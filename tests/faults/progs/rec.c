/* rec N: rec(N) recurses down to rec(0): N+1 nested calls, all returning. */
#include <stdlib.h>

int rec(int n)
{
	return n == 0 ? 0 : 1 + rec(n - 1);
}

int main(int argc, char **argv)
{
	return rec(argc > 1 ? atoi(argv[1]) : 100) == 0 ? 1 : 0;
}
