/* Calls that never return: deep() longjmps out of jumper(); finish() calls exit(7). */
#include <setjmp.h>
#include <stdlib.h>

static jmp_buf env;

void deep(void)
{
	longjmp(env, 1);
}

void jumper(void)
{
	deep();
}

void after(void)
{
}

void finish(int code)
{
	exit(code);
}

int main(void)
{
	if (!setjmp(env))
		jumper();
	after();
	finish(7);
}
