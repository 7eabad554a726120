/* Functions other code enters past their first instruction, as glibc's mempcpy jumps to
 * memcpy+3, past memcpy's `mov %rdi,%rax`. plus_one(x) = x + 1; near_entry(x) = x + 101 and
 * far_entry(x) = x + 201 load %rax themselves and jump past plus_one's first instruction:
 * near_entry with a short jump (rel8), far_entry with a long one (rel32). moved(x) = x + 2
 * starts the same way, and nothing jumps into it: its probe may move past the mov.
 * main -> plus_one, near_entry, far_entry, moved; n times each. */
#include <stdlib.h>

/* In assembly, so the bytes and the jumps are exactly these. */
__asm__(".text\n"
	".globl plus_one\n"
	".type plus_one, @function\n"
	"plus_one:\n"
	"\tmov %rdi, %rax\n"
	"\tpush %rbx\n"
	"\tadd $1, %rax\n"
	"\tpop %rbx\n"
	"\tret\n"
	".size plus_one, .-plus_one\n"
	".globl near_entry\n"
	".type near_entry, @function\n"
	"near_entry:\n"
	"\tlea 100(%rdi), %rax\n"
	"\tjmp plus_one+3\n"
	".size near_entry, .-near_entry\n"
	".fill 300, 1, 0xcc\n"
	".globl far_entry\n"
	".type far_entry, @function\n"
	"far_entry:\n"
	"\tlea 200(%rdi), %rax\n"
	"\tjmp plus_one+3\n"
	".size far_entry, .-far_entry\n"
	".globl moved\n"
	".type moved, @function\n"
	"moved:\n"
	"\tmov %rdi, %rax\n"
	"\tpush %rbx\n"
	"\tadd $2, %rax\n"
	"\tpop %rbx\n"
	"\tret\n"
	".size moved, .-moved\n");
long plus_one(long x);
long near_entry(long x);
long far_entry(long x);
long moved(long x);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	long sum = 0;

	for (int i = 0; i < n; i++)
		sum += plus_one(i) + near_entry(i) + far_entry(i) + moved(i);
	/* each round adds 4i + 1 + 101 + 201 + 2 */
	return sum == 4L * n * (n - 1) / 2 + 305L * n ? 0 : 1;
}
