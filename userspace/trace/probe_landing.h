/*
 * probe_landing: a probe moved past a function's first instructions (probe_site) must not
 * sit where other code jumps in. glibc's __mempcpy_avx_unaligned_erms ends in a jump to
 * __memcpy_avx_unaligned_erms+3, just past its `mov %rdi,%rax`: a probe moved there would
 * count every mempcpy as a call of memcpy, and hook its return. The function's own branches
 * were decoded when its probe moved; this scans the module's executable segments for a
 * direct jmp, jcc, loop or call (rel8 or rel32) of any other code that lands on an
 * instruction passed or on the moved probe. A byte scan sees every such branch, and now and
 * then bytes that only look like one: that probe then stays at the entry, which is always
 * right, only dearer. Indirect jumps into a function past its entry are not seen.
 */
#ifndef FERRET_PROBE_LANDING_H
#define FERRET_PROBE_LANDING_H

#include <stddef.h>

#include "elf/selection.h"

/* Puts back on its first instruction (probe_skip 0, the kind the kernel gives it) the probe
 * of every function of funcs[0..n) (planned, all of one module: its functions syms, its
 * code, its file fd, open) that other code jumps past. *restored: how many. 0 or -ENOMEM. */
int probe_landing__check(struct sel_func *funcs, size_t n, const struct sel_module *mod, int fd,
			 size_t *restored);

#endif
