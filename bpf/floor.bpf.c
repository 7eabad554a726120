// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel floor of `make bench`: an entry and a return program that do nothing,
 * attached through uprobe_multi like ferret's own (tests/bench/floor_probe.c). What a
 * traced call costs with these is what the kernel's uprobe machinery costs by itself.
 * With `record` set, each program only reads the clock and sends a 24-byte ring-buffer
 * record: the least a tracer that records every entry and return with its time can cost.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile bool record = false;

struct floor_record {
	__u64 ts_ns, pid_tgid, cookie;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} floor_records SEC(".maps");

static __always_inline int send_record(void *ctx)
{
	struct floor_record *r;
	__u64 ts;

	if (!record) /* a constant at load: the empty program */
		return 0;
	ts = bpf_ktime_get_ns();
	r = bpf_ringbuf_reserve(&floor_records, sizeof(*r), 0);
	if (!r)
		return 0;
	r->ts_ns = ts;
	r->pid_tgid = bpf_get_current_pid_tgid();
	r->cookie = bpf_get_attach_cookie(ctx);
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("uprobe.multi")
int floor_entry(struct pt_regs *ctx)
{
	return send_record(ctx);
}

SEC("uretprobe.multi")
int floor_exit(struct pt_regs *ctx)
{
	return send_record(ctx);
}
