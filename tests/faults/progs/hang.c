/* main -> outer -> inner, which writes the pid to argv[1] and sleeps until killed;
 * warmup() returns 5 times first. */
#include <stdio.h>
#include <unistd.h>

volatile long sink;

void warmup(int i) { sink += i; }

void inner(const char *pidfile)
{
	FILE *f = fopen(pidfile, "w");

	fprintf(f, "%d\n", getpid());
	fclose(f);
	for (;;)
		pause();
}

void outer(const char *pidfile) { inner(pidfile); }

int main(int argc, char **argv)
{
	for (int i = 0; i < 5; i++)
		warmup(i);
	if (argc > 1)
		outer(argv[1]);
	return 0;
}
