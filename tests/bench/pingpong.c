/*
 * pingpong: the context-switch workload. Two threads pass a byte back and forth through
 * two pipes N times, so each one sleeps in read() and is woken about N times. Each thread
 * makes one traced call (run_pings) that lasts the whole exchange, so a tracer following
 * switches sees every one of them inside a span. Prints the ns per round trip and the
 * context switches made (getrusage).
 *
 *   pingpong [N]   round trips (default 200,000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long rounds = 200000;
static int to_partner[2], to_main[2];

__attribute__((noipa)) void run_pings(int in, int out, int first)
{
	char c = 0;
	long i;

	for (i = 0; i < rounds; i++) {
		if (first && write(out, &c, 1) != 1)
			exit(1);
		if (read(in, &c, 1) != 1)
			exit(1);
		if (!first && write(out, &c, 1) != 1)
			exit(1);
	}
}

static void *partner(void *arg)
{
	(void)arg;
	run_pings(to_partner[0], to_main[1], 0);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	pthread_t t;

	if (argc > 1)
		rounds = atol(argv[1]);
	if (pipe(to_partner) || pipe(to_main) || pthread_create(&t, NULL, partner, NULL))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	run_pings(to_main[0], to_partner[1], 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_join(t, NULL);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.1f ns per round trip, %ld context switches\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)rounds,
	       ru.ru_nvcsw + ru.ru_nivcsw);
	return 0;
}
