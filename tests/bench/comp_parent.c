/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * make bench, compensation: a parent of known length calling 10,000 tiny children (5,000
 * with a 5-byte nop entry, 5,000 with a push), as `parent`, traced, and as `twin`, the same
 * code calling untraced copies of the children, timed here with clock_gettime, wall and the
 * thread's CPU time (the best of 5 each). Prints "untraced_ns N untraced_cpu_ns N". Build: -pg -mfentry -mnop-mcount (nop5 entries);
 * the push children are written in assembly, starting with push %rbp.
 */
#include <stdio.h>
#include <time.h>

#define CHILDREN 10000
#define SPIN 4000 /* iterations of busy work between two children: ~1.3 µs here */

static volatile unsigned long sink;

__attribute__((noinline)) void child_nop5(void) { sink++; }
/* Written out: a compiler may drop a leaf's frame, and with it the push. */
#define PUSH_CHILD(name) \
	__attribute__((naked, noinline, no_instrument_function)) void name(void) \
	{ __asm__("push %rbp\n addq $1, sink(%rip)\n pop %rbp\n ret"); }
PUSH_CHILD(child_push)
__attribute__((noinline)) void twin_nop5(void) { sink++; }
PUSH_CHILD(twin_push)

static inline __attribute__((always_inline)) void work(void (*a)(void), void (*b)(void))
{
	for (int i = 0; i < CHILDREN; i++) {
		for (int k = 0; k < SPIN; k++)
			sink += (unsigned long)k;
		(i & 1 ? b : a)();
	}
}

__attribute__((noinline)) void parent(void) { work(child_nop5, child_push); }
__attribute__((noinline)) void twin(void) { work(twin_nop5, twin_push); }

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	long long best = -1, best_cpu = -1;

	for (int r = 0; r < 5; r++) {
		long long t = now_ns(CLOCK_MONOTONIC), cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);

		twin();
		cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
		t = now_ns(CLOCK_MONOTONIC) - t;
		best = best < 0 || t < best ? t : best;
		best_cpu = best_cpu < 0 || cpu < best_cpu ? cpu : best_cpu;
	}
	parent();
	printf("untraced_ns %lld untraced_cpu_ns %lld\n", best, best_cpu);
	return 0;
}
