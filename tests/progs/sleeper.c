/* main -> stuck(): sleeps argv[1] seconds (default 3), so tracing can end mid-call. */
#include <stdlib.h>
#include <unistd.h>

void stuck(int seconds)
{
	sleep((unsigned)seconds);
}

int main(int argc, char **argv)
{
	stuck(argc > 1 ? atoi(argv[1]) : 3);
	return 0;
}
