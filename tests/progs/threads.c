/* Two threads, each worker() -> work_item() x N (argv[1], default 1000). */
#include <pthread.h>
#include <stdlib.h>

volatile long sink;
static int items = 1000;

void work_item(long i)
{
	__atomic_add_fetch(&sink, i, __ATOMIC_RELAXED);
}

void *worker(void *arg)
{
	for (int i = 0; i < items; i++)
		work_item((long)arg + i);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	if (argc > 1)
		items = atoi(argv[1]);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}
