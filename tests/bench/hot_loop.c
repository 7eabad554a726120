/*
 * hot: calls one tiny function N times in a tight loop and prints the loop's
 * cost per call, timed inside the program so process start-up (and a tracer's
 * attach) does not count. Built once per function-entry kind by bench.sh.
 *
 *   hot [N]   (default 2,000,000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

/* noipa: no inlining and no clones, so every iteration calls this very symbol. */
__attribute__((noipa)) void hot(unsigned long i)
{
	sink += i;
}

static double ns_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	struct timespec a, b, ca, cb;

	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
	for (long i = 0; i < n; i++)
		hot((unsigned long)i);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("calls %ld ns_per_call %.2f cpu_ns_per_call %.2f\n", n, ns_between(&a, &b) / (double)n,
	       ns_between(&ca, &cb) / (double)n);
	return 0;
}
