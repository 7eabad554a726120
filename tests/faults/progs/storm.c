/* storm THREADS MILLISECONDS K: each thread calls outer() for the time given; every outer()
 * calls tiny() K times. Prints "calls OUTER TINY": the calls it made. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile long sink;
static atomic_long outer_calls;
static atomic_int stop;
static int per_outer;

void tiny(int i) { sink += i; }

void outer(void)
{
	for (int i = 0; i < per_outer; i++)
		tiny(i);
}

static void *spin(void *arg)
{
	long n = 0;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		outer();
		n++;
	}
	atomic_fetch_add(&outer_calls, n);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 16;
	long ms = argc > 2 ? atol(argv[2]) : 1000;
	pthread_t t[256];
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	per_outer = argc > 3 ? atoi(argv[3]) : 1;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, spin, NULL);
	nanosleep(&d, NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("calls %ld %ld\n", atomic_load(&outer_calls), atomic_load(&outer_calls) * per_outer);
	return 0;
}
