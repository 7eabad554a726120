/* busy() raises SIGUSR1 3 times; the handler on_signal() calls handler_work() 2 times. */
#include <signal.h>

volatile long sink;

void handler_work(int i) { sink += i; }

void on_signal(int sig)
{
	handler_work(sig);
	handler_work(sig);
}

void busy(void)
{
	for (int i = 0; i < 3; i++)
		raise(SIGUSR1);
}

int main(void)
{
	signal(SIGUSR1, on_signal);
	busy();
	return 0;
}
