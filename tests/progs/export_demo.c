/*
 * A known call tree on three threads, for the export tests:
 *   main -> setup -> parse_config x3
 *   main -> (2 threads) worker -> compute x4 -> leaf x2
 *   main -> report -> format_line x5
 *   main -> linger(argv[1] ms), only with an argument: tracing can stop mid-call
 * Every function burns a little CPU so that spans have distinct, non-zero times.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

static void spin(int n)
{
	for (int i = 0; i < n; i++)
		sink += (unsigned long)i * 2654435761u;
}

void leaf(int i)
{
	spin(2000 + i);
}

void compute(int i)
{
	spin(5000);
	leaf(i);
	leaf(i + 1);
}

void *worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < 4; i++)
		compute((int)id * 10 + i);
	return NULL;
}

void parse_config(int i)
{
	spin(3000 + i);
}

void setup(void)
{
	for (int i = 0; i < 3; i++)
		parse_config(i);
}

void format_line(int i)
{
	spin(1000 + i);
}

void report(void)
{
	for (int i = 0; i < 5; i++)
		format_line(i);
}

void linger(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	pthread_t threads[2];

	setup();
	for (long i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, worker, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	report();
	if (argc > 1)
		linger(atol(argv[1]));
	printf("%lu\n", sink & 1);
	return 0;
}
