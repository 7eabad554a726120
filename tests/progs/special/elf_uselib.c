/*
 * Calls into libferretdemo.so, found at run time through -rpath '$ORIGIN'.
 * Usage: elf_uselib [N [PAUSE_MS]]   N defaults to 5, PAUSE_MS to 0.
 * It prints "pid P ready", sleeps PAUSE_MS (time to attach with -p), then calls:
 *   lib_add   N times, from main
 *   lib_scale 1 time,  from main
 *   lib_mul   1 time,  from lib_scale
 * and prints "total=T" with T = 2 * (0 + 1 + ... + N-1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "libferretdemo.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	long pause_ms = argc > 2 ? atol(argv[2]) : 0;
	struct timespec pause = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
	int acc = 0, i;

	printf("pid %d ready\n", (int)getpid());
	fflush(stdout);
	if (pause_ms > 0)
		nanosleep(&pause, NULL);
	for (i = 0; i < n; i++)
		acc = lib_add(acc, i);
	printf("total=%ld\n", lib_scale(acc));
	return 0;
}
