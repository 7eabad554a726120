/* Work moving from one function to another: `shift N [NAME]` calls up() N times and down()
 * 20 - N times, each the same spin, so between two runs one function grows as much as the
 * other shrinks (ferret view --diff's test); NAME (15 bytes of it) names the thread. */
#include <stdlib.h>
#include <sys/prctl.h>

volatile long sink;

static void spin(void)
{
	for (int i = 0; i < 20000; i++)
		sink += i;
}

void up(void)
{
	spin();
}

void down(void)
{
	spin();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	if (argc > 2)
		prctl(PR_SET_NAME, argv[2]);
	for (int i = 0; i < 20; i++)
		(i < n ? up : down)();
	return 0;
}
