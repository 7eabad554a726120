/* execer PROGRAM [ARGS]: before_exec() returns 3 times, then do_exec() execs PROGRAM.
 * execer again: after_exec() returns 2 times and it exits 4 (the image exec'd by itself). */
#include <string.h>
#include <unistd.h>

volatile long sink;

void before_exec(int i) { sink += i; }

void after_exec(int i) { sink += i; }

void do_exec(char **argv) { execv(argv[0], argv); }

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "again") == 0) {
		for (int i = 0; i < 2; i++)
			after_exec(i);
		return 4;
	}
	for (int i = 0; i < 3; i++)
		before_exec(i);
	if (argc > 1)
		do_exec(argv + 1);
	return 1;
}
