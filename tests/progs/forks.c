/* The parent calls parent_work() once, forks a child that calls child_work() 3 times,
 * whose own child (a grandchild) calls child_work() 3 times too. */
#include <sys/wait.h>
#include <unistd.h>

volatile long sink;

void child_work(int i)
{
	sink += i;
}

void parent_work(void)
{
	sink++;
}

static void spawn(int generations)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			child_work(i);
		if (generations > 1)
			spawn(generations - 1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

int main(void)
{
	parent_work();
	spawn(2);
	return 0;
}
