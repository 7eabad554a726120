/*
 * A call tree `ferret analyze`'s end-to-end test knows (N = argv[1], default 4):
 *   main thread: main -> work(N) -> step x N -> at_leaf
 *                main -> recurse(5) -> recurse(4) ... recurse(0) -> at_leaf
 *   a thread:    worker_main -> work(3) -> step x 3 -> at_leaf
 *   a child:     child_main -> work(2) -> step x 2 -> at_leaf   (forked, then _exit)
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

volatile long sink;

/* Some real work, so every duration is well above the clock's resolution. */
void at_leaf(void)
{
	for (int i = 0; i < 2000; i++)
		sink += i;
}

void step(int i)
{
	sink += i;
	at_leaf();
}

void work(int n)
{
	for (int i = 0; i < n; i++)
		step(i);
}

void recurse(int depth)
{
	if (depth > 0)
		recurse(depth - 1);
	else
		at_leaf();
}

void *worker_main(void *arg)
{
	(void)arg;
	work(3);
	return NULL;
}

void child_main(void)
{
	work(2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t thread;
	pid_t pid;

	work(n);
	recurse(5);
	if (pthread_create(&thread, NULL, worker_main, NULL) || pthread_join(thread, NULL))
		return 1;
	pid = fork();
	if (pid == 0) {
		child_main();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		return 1;
	return 0;
}
