/* catcher() sets a jump point and calls a() -> b() -> c(), which longjmps back; then
 * after() returns and catcher() returns. main calls catcher() 3 times. */
#include <setjmp.h>

static jmp_buf env;
volatile long sink;

void c(void) { longjmp(env, 1); }

void b(void) { c(); sink++; }

void a(void) { b(); sink++; }

void after(void) { sink++; }

void catcher(void)
{
	if (!setjmp(env))
		a();
	after();
}

int main(void)
{
	for (int i = 0; i < 3; i++)
		catcher();
	return 0;
}
