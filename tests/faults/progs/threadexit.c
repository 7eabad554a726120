/* threadexit [GOFILE]: (after GOFILE exists) 4 threads, each worker() -> work_item() 10 times,
 * then quit() calls pthread_exit; main joins them and returns 0. */
#include <pthread.h>
#include <unistd.h>

volatile long sink;

void work_item(int i) { sink += i; }

void quit(void) { pthread_exit(NULL); }

void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		work_item(i);
	quit();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];

	while (argc > 1 && access(argv[1], F_OK) != 0)
		usleep(2000);

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}
