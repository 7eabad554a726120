/* Functions with enum, flags and mode parameters, for -a's DWARF types: paint(color, perms,
 * flags, mode, count) called with an enumerator, OR'ed flag enumerators, a value no
 * enumerator names, and a flag enumerator with a bit none names; next_color returns an enum. */
#include <sys/types.h>

enum color { RED, GREEN, BLUE = 7 };
enum perm { PERM_NONE = 0, PERM_READ = 1, PERM_WRITE = 2, PERM_EXEC = 4 };

volatile long sink;

int paint(enum color c, enum perm perms, unsigned flags, mode_t mode, unsigned count)
{
	sink += (long)c + (long)perms + flags + mode + count;
	return (int)count;
}

enum color next_color(enum color c)
{
	return c == RED ? GREEN : c == GREEN ? BLUE : RED;
}

int main(void)
{
	paint(GREEN, PERM_READ | PERM_WRITE, 0x30, 0644, 3);
	paint((enum color)5, PERM_READ | 8, 0, 0, 4);
	paint(BLUE, PERM_NONE, 1, 0755, 5);
	sink += next_color(RED) + next_color(GREEN);
	return 0;
}
