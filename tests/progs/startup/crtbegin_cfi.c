/*
 * A stand-in for crtbegin.o as a toolchain that builds it with unwind tables would ship
 * it: its four functions in crtstuff.c's order, frame_dummy in .init_array and
 * __do_global_dtors_aux in .fini_array. Linked right after crt1.o and crti.o
 * (-nostartfiles) in front of stripped_static.c: the startup code the wildcard selection
 * of a stripped program must leave out.
 */
static volatile int state;

__attribute__((noipa)) static void deregister_tm_clones(void)
{
	state = 1;
}

__attribute__((noipa)) static void register_tm_clones(void)
{
	state = 2;
}

__attribute__((noipa)) static void __do_global_dtors_aux(void)
{
	deregister_tm_clones();
	state = 3;
}

__attribute__((noipa)) static void frame_dummy(void)
{
	register_tm_clones();
}

__attribute__((section(".init_array"), used)) static void (*const init_entry)(void) = frame_dummy;
__attribute__((section(".fini_array"), used)) static void (*const fini_entry)(void) =
	__do_global_dtors_aux;
