/* --max-rate: leaf and mid go over any small rate while top and main stay under it, so both
 * are demoted while calls of theirs are open, and the calls inside demoted ones are kept. */
#include <stdio.h>
#include <time.h>

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Long enough for ferret's once-a-second rate checks to demote mid and leaf; prints how many
 * top() calls it made (each makes 1000 mid() and 4000 leaf() calls). */
int main(void)
{
	double start = now_s();
	long t = 0, tops = 0;

	while (now_s() - start < 2.5 || tops < 10) {
		t += top(1000);
		tops++;
	}
	printf("tops %ld sum %ld\n", tops, t);
	return 0;
}
