/* Functions the kernel will not probe, among ones it will: locked_inc starts with a
 * lock-prefixed instruction (as glibc's pthread_spin_lock does), so a uprobe_multi
 * attach that included it would fail for the whole module (when a process has the
 * file mapped; otherwise the probe is silently not installed); the probe cannot move
 * past it, as it writes an argument register. locked_count starts with one that
 * leaves registers and stack alone: its probe moves to the ret after it.
 * main -> work(i) x n, each calling locked_inc and locked_count once; then it sleeps
 * argv[2] seconds, if given. */
#include <stdlib.h>
#include <unistd.h>

volatile long counter, counted;

/* In assembly, so nothing (endbr64, a frame) comes before the lock prefix. */
__asm__(".text\n"
	".globl locked_inc\n"
	".type locked_inc, @function\n"
	"locked_inc:\n"
	"\tlock xaddq %rdi, counter(%rip)\n"
	"\tret\n"
	".size locked_inc, .-locked_inc\n"
	".globl locked_count\n"
	".type locked_count, @function\n"
	"locked_count:\n"
	"\tlock incq counted(%rip)\n"
	"\tret\n"
	".size locked_count, .-locked_count\n");
void locked_inc(long one);
void locked_count(void);

void work(int i)
{
	locked_inc(1);
	locked_count();
	counter += i;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	for (int i = 0; i < n; i++)
		work(i);
	if (argc > 2)
		sleep((unsigned)atoi(argv[2]));
	return counter == n + (long)n * (n - 1) / 2 && counted == n ? 0 : 1;
}
