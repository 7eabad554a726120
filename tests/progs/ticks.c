/* For ferret trace --live: tick() called exactly argv[1] times (default 300), one every
 * argv[2] ms (default 10); writes to stdout and stderr, and says whether stdin is a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile long sink;

void tick(int i)
{
	sink += i;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300, ms = argc > 2 ? atoi(argv[2]) : 10;

	printf("ticks: stdin is %sa terminal\n", isatty(STDIN_FILENO) ? "" : "not ");
	fflush(stdout);
	fprintf(stderr, "ticks: a line on stderr\n");
	for (int i = 0; i < n; i++) {
		tick(i);
		usleep((useconds_t)ms * 1000);
	}
	printf("ticks: %d done\n", n);
	return 0;
}
