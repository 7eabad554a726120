/* make bench's explicit span cost: N FERRET_BEGIN/FERRET_END pairs (ferret.h), timed in the
 * process, best of 5. Untraced, the semaphores are 0 and each macro is a load and a branch;
 * under `ferret trace` each is a USDT probe. Prints "pair_ns X" (a fraction of a ns untraced). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ferret.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, i;
	long long best = -1, t;
	int rep;

	for (rep = 0; rep < 5; rep++) {
		t = now_ns();
		for (i = 0; i < n; i++) {
			FERRET_BEGIN("pair");
			__asm__ volatile("" ::: "memory"); /* the loop stays a loop */
			FERRET_END();
		}
		t = now_ns() - t;
		if (best < 0 || t < best)
			best = t;
	}
	printf("pair_ns %.3f\n", (double)best / (double)(n > 0 ? n : 1));
	return 0;
}
