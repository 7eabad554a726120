/* top() calls mid(), which tail-calls leaf() (a jmp: leaf enters at mid's stack place);
 * then top() calls leaf() itself, from the same place. main calls top() 100 times. */
int leaf(int x);
int mid(int x);

/* mid in assembly: the suite's flags would make it a call, not a jump. */
__asm__(".text\n.globl mid\n.type mid, @function\nmid:\n\taddl $1, %edi\n\tjmp leaf\n"
	".size mid, .-mid\n");

int leaf(int x)
{
	return x * 3;
}

int top(int x)
{
	int r = mid(x);

	return r + leaf(x);
}

int main(void)
{
	volatile int sink = 0;

	for (int i = 0; i < 100; i++)
		sink += top(i);
	return sink == 30000 ? 0 : 1;
}
