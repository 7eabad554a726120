/* For attach-by-pid: waits (untraced busy-sleep) until argv[1] exists, then calls tick() argv[2] times. */
#include <stdlib.h>
#include <unistd.h>

volatile long sink;

void tick(int i)
{
	sink += i;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 100;

	if (argc < 2)
		return 2;
	while (access(argv[1], F_OK) != 0)
		usleep(2000);
	for (int i = 0; i < n; i++)
		tick(i);
	return 0;
}
