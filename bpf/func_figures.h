/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Function figures: one function's calls, times and log2 latency histogram, and the
 * one piece of code that adds a call to them. The BPF side adds every call of stack
 * mode (the func_stats map's value, per CPU); userspace adds the calls still open
 * when tracing stops. Compiles with -target bpf and as C11 userspace: no libc.
 */
#ifndef FERRET_FUNC_FIGURES_H
#define FERRET_FUNC_FIGURES_H

#ifndef __VMLINUX_H__ /* the BPF side gets these from vmlinux.h */
#include <linux/types.h>
#include <stdbool.h>
#endif

#define FUNC_FIGURES_BUCKETS 64 /* bucket i holds calls of [2^i, 2^(i+1)) ns; 0 ns goes in 0 */

struct func_figures {
	__u64 calls;
	__u64 total_ns; /* outermost activations only: recursion does not count twice */
	__u64 sum_ns;	/* every activation (for the average) */
	__u64 min_ns;	/* 0 = none yet */
	__u64 max_ns;
	__u64 hist[FUNC_FIGURES_BUCKETS];
};

/* floor(log2(ns)), 0 for 0: branch-free, so the verifier sees no loop. */
static inline __attribute__((always_inline)) __u32 func_figures__bucket(__u64 ns)
{
	__u32 r = 0, shift;

	shift = (ns > 0xFFFFFFFFULL) << 5;
	ns >>= shift;
	r |= shift;
	shift = (ns > 0xFFFF) << 4;
	ns >>= shift;
	r |= shift;
	shift = (ns > 0xFF) << 3;
	ns >>= shift;
	r |= shift;
	shift = (ns > 0xF) << 2;
	ns >>= shift;
	r |= shift;
	shift = (ns > 0x3) << 1;
	ns >>= shift;
	r |= shift;
	return r | (__u32)(ns >> 1);
}

/* One call of dur_ns; nested: an outer activation of the same function was open. */
static inline __attribute__((always_inline)) void
func_figures__add_call(struct func_figures *f, __u64 dur_ns, bool nested)
{
	f->calls++;
	f->sum_ns += dur_ns;
	if (!nested)
		f->total_ns += dur_ns;
	if (!f->min_ns || dur_ns < f->min_ns)
		f->min_ns = dur_ns ? dur_ns : 1; /* 0 means "none yet" */
	if (dur_ns > f->max_ns)
		f->max_ns = dur_ns;
	/* The bucket is < 64 already; the mask makes the bound plain to the verifier. */
	f->hist[func_figures__bucket(dur_ns) & (FUNC_FIGURES_BUCKETS - 1)]++;
}

#endif /* FERRET_FUNC_FIGURES_H */
