/* main -> caller -> crash, which writes through a null pointer; before() returns 3 times first. */
volatile long sink;
int *volatile nowhere;

void before(int i) { sink += i; }

void crash(void) { *nowhere = 1; }

void caller(void) { crash(); }

int main(void)
{
	for (int i = 0; i < 3; i++)
		before(i);
	caller();
	return 0;
}
