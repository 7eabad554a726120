/* forker MODE: parent_work() once, then
 *   fork:  a child calls child_work() 3 times and _exits 0;
 *   vfork: a vfork'd child calls child_work() once and _exits 0;
 *   exec:  a forked child execs this program as "forker exec-child", which calls
 *          exec_child_work() 2 times;
 * the parent waits and returns the child's exit code. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

volatile long sink;

void parent_work(void) { sink++; }

void child_work(int i) { sink += i; }

void exec_child_work(int i) { sink += i; }

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "fork";
	pid_t pid;
	int status;

	if (strcmp(mode, "exec-child") == 0) {
		for (int i = 0; i < 2; i++)
			exec_child_work(i);
		return 0;
	}
	parent_work();
	if (strcmp(mode, "vfork") == 0) {
		pid = vfork();
		if (pid == 0) {
			child_work(0);
			_exit(0);
		}
	} else {
		pid = fork();
		if (pid == 0) {
			if (strcmp(mode, "exec") == 0)
				execl(argv[0], argv[0], "exec-child", (char *)NULL);
			for (int i = 0; i < 3; i++)
				child_work(i);
			_exit(0);
		}
	}
	waitpid(pid, &status, 0);
	return WEXITSTATUS(status);
}
