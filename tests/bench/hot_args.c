/*
 * hot_args: what capturing arguments costs per call (make bench, part "args"). Calls one
 * tiny function N times in a loop, timed inside the program as hot_loop.c does:
 *
 *   hot_args int [N]   hot2(i, i + 1), two integers and a return value
 *   hot_args str [N]   hotstr(s), s a 64-byte string
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile unsigned long sink;

__attribute__((noipa)) unsigned long hot2(unsigned long a, unsigned long b)
{
	return sink += a ^ b;
}

__attribute__((noipa)) void hotstr(const char *s)
{
	sink += (unsigned char)s[0];
}

static double ns_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv)
{
	bool str = argc > 1 && !strcmp(argv[1], "str");
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	char text[65];
	struct timespec a, b, ca, cb;

	memset(text, 'a', 64);
	text[64] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
	for (long i = 0; i < n; i++) {
		if (str)
			hotstr(text);
		else
			hot2((unsigned long)i, (unsigned long)i + 1);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("calls %ld ns_per_call %.2f cpu_ns_per_call %.2f\n", n, ns_between(&a, &b) / (double)n,
	       ns_between(&ca, &cb) / (double)n);
	return 0;
}
