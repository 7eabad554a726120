/*
 * threads2: the end-to-end workload. Two threads each call two tiny functions
 * alternately, N calls per thread in a tight loop (the highest call rate a
 * thread can reach), then main prints the total calls made.
 * Built with 5-byte nop entries (-pg -mfentry -mnop-mcount), the probes the
 * kernel optimizes best.
 *
 *   threads2 [N]   calls per thread (default 1,000,000); prints the total
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define THREADS 2

static volatile unsigned long sink;
static long calls_per_thread = 1000000;
static pthread_barrier_t start_line;

/* noipa: every call is a real call of this very symbol. */
__attribute__((noipa)) void leaf_even(unsigned long i)
{
	sink += i;
}

__attribute__((noipa)) void leaf_odd(unsigned long i)
{
	sink ^= i;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void *worker(void *arg)
{
	double *ns_per_call = arg, t0;

	pthread_barrier_wait(&start_line);
	t0 = now_ns();
	for (long i = 0; i < calls_per_thread; i += 2) {
		leaf_even((unsigned long)i);
		leaf_odd((unsigned long)i);
	}
	*ns_per_call = (now_ns() - t0) / (double)calls_per_thread;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[THREADS];
	double ns[THREADS];
	int i;

	if (argc > 1)
		calls_per_thread = atol(argv[1]) / 2 * 2; /* even: both leaves equally */
	pthread_barrier_init(&start_line, NULL, THREADS);
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&tid[i], NULL, worker, &ns[i])) {
			perror("pthread_create");
			return 1;
		}
	for (i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	printf("calls %ld ns_per_call %.2f %.2f\n", calls_per_thread * THREADS, ns[0], ns[1]);
	return 0;
}
