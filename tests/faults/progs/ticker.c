/* ticker PIDFILE: writes its pid, then calls tick() every millisecond until killed. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

volatile long sink;

void tick(void) { sink++; }

int main(int argc, char **argv)
{
	struct timespec ms = { 0, 1000000L };

	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");

		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	for (;;) {
		tick();
		nanosleep(&ms, NULL);
	}
}
