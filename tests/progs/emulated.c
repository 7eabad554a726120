/* Functions whose first instruction the kernel emulates rather than single-steps: a
 * 1-byte nop, a relative jmp, a relative call. main -> nop_first, jmp_first,
 * call_first, n times each; each ends in counted(). */
#include <stdlib.h>

volatile long counter;

void counted(void)
{
	counter++;
}

/* In assembly, so nothing (endbr64, a frame) comes before the instruction under test. */
__asm__(".text\n"
	".globl nop_first\n"
	".type nop_first, @function\n"
	"nop_first:\n"
	"\tnop\n"
	"\tjmp counted\n"
	".size nop_first, .-nop_first\n"
	".globl jmp_first\n"
	".type jmp_first, @function\n"
	"jmp_first:\n"
	"\tjmp 1f\n"
	"1:\tjmp counted\n"
	".size jmp_first, .-jmp_first\n"
	".globl call_first\n"
	".type call_first, @function\n"
	"call_first:\n"
	"\tcall counted\n"
	"\tret\n"
	".size call_first, .-call_first\n");
void nop_first(void);
void jmp_first(void);
void call_first(void);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;

	for (int i = 0; i < n; i++) {
		nop_first();
		jmp_first();
		call_first();
	}
	return counter == 3L * n ? 0 : 1;
}
