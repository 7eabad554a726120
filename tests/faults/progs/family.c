/* family MODE:
 *   return:  forks 3 children from inside spawn(); each child returns from spawn() and main()
 *            (calls its parent entered) and calls child_work() 3 times on the way; the parent
 *            waits for them, then calls parent_work() once;
 *   outlive: forks a child, which forks a grandchild, and returns at once; the child calls
 *            child_work() 3 times after 200 ms, the grandchild 3 times after 400 ms. */
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile long sink;

void parent_work(void) { sink++; }

void child_work(int i) { sink += i; }

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Returns 0 in the child, as fork() does. */
pid_t spawn(void)
{
	return fork();
}

static int family_return(void)
{
	for (int n = 0; n < 3; n++) {
		if (spawn() == 0) {
			for (int i = 0; i < 3; i++)
				child_work(i);
			return 0;
		}
	}
	while (wait(NULL) > 0)
		;
	parent_work();
	return 0;
}

static int family_outlive(void)
{
	if (spawn() == 0) {
		pid_t grandchild = spawn();

		nap_ms(grandchild == 0 ? 400 : 200);
		for (int i = 0; i < 3; i++)
			child_work(i);
		return 0;
	}
	parent_work();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == 'o')
		return family_outlive();
	return family_return();
}
