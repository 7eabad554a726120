/* A server-like program for ferret top: for argv[1] seconds (default 4) the main thread
 * handles requests (handle -> work, 200 a second; every 10th one fails); a second thread's
 * handler is stuck in slow_read() for argv[2] seconds (default 3) from its start. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

volatile long sink;
static int stuck_s = 3;

void work(int i)
{
	sink += i;
	usleep(500);
}

int handle(int i)
{
	work(i);
	return i % 10 == 0 ? -1 : 0;
}

void slow_read(void)
{
	sleep((unsigned)stuck_s);
}

void stuck_handler(void)
{
	slow_read();
}

static void *stuck_thread(void *arg)
{
	(void)arg;
	stuck_handler();
	return NULL;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 4;
	struct timespec start, now;
	pthread_t th;
	int i = 0;

	stuck_s = argc > 2 ? atoi(argv[2]) : 3;
	pthread_create(&th, NULL, stuck_thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		sink += handle(i++);
		usleep(4500);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < seconds);
	pthread_join(th, NULL);
	return 0;
}
