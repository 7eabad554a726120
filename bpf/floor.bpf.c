// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel floor of `make bench`: an entry and a return program that do nothing,
 * attached through uprobe_multi like ferret's own (tests/bench/floor_probe.c). What a
 * traced call costs with these is what the kernel's uprobe machinery costs by itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("uprobe.multi")
int floor_entry(struct pt_regs *ctx)
{
	return 0;
}

SEC("uretprobe.multi")
int floor_exit(struct pt_regs *ctx)
{
	return 0;
}
