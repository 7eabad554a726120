/* Calls hot() in a loop for argv[1] seconds (default 2) and cold() every 100 ms;
 * prints how many times each was called. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile long sink;

void hot(long i)
{
	sink += i;
}

void cold(void)
{
	sink--;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2, start = now(), next_cold = start;
	long hot_calls = 0, cold_calls = 0;

	for (double t = start; t - start < seconds; t = now()) {
		for (int i = 0; i < 100; i++, hot_calls++)
			hot(hot_calls);
		if (t >= next_cold) {
			cold();
			cold_calls++;
			next_cold += 0.1;
		}
	}
	printf("hot=%ld cold=%ld\n", hot_calls, cold_calls);
	return 0;
}
