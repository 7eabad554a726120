/*
 * go_returns: the probes of a Go function, which gets no return probe (the runtime copies
 * goroutine stacks and would find the trampoline): an entry probe past its stack check,
 * where each call passes once (a call whose stack grows runs the entry again), and a plain
 * probe on each of its RET instructions, found by decoding the whole body with capstone.
 */
#ifndef FERRET_GO_RETURNS_H
#define FERRET_GO_RETURNS_H

#include "elf/selection.h"

/* Reads fn's body from fd (its module) and sets fn->probe_skip, ret_offsets and nrets (0
 * RETs: a function that only panics or leaves by a jump; its calls end as incomplete).
 * 0; -EINVAL with *why: it cannot be traced; -ENOMEM. */
int go_returns__place(int fd, struct sel_func *fn, const char **why);

#endif
