// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ferret's BPF side: entry/exit handlers for every traced function (the BPF
 * cookie carries the function id), a pid filter that follows forks, thread
 * announcements, and a ring buffer whose failed reservations are counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader before load. */
const volatile bool filter_pids = true;	 /* false with --all */
const volatile bool follow_forks = false; /* true when ferret launched the command */
/* Wake the consumer only once this much data is waiting: a wakeup per event costs
 * more than the probe itself; the consumer also polls on a short timeout. */
const volatile __u64 wakeup_bytes = 256 * 1024;

struct ferret_counters counters;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024); /* resized by the loader */
} events SEC(".maps");

/* Processes (tgids) being traced. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FERRET_MAX_PIDS);
	__type(key, __u32);
	__type(value, __u8);
} pids SEC(".maps");

/* Threads already announced to userspace with their comm. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} seen_threads SEC(".maps");

static __always_inline bool is_traced(__u32 pid)
{
	return !filter_pids || bpf_map_lookup_elem(&pids, &pid);
}

static __always_inline void count_lost(void)
{
	__sync_fetch_and_add(&counters.lost_events, 1);
}

static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									    : BPF_RB_NO_WAKEUP;
}

static __always_inline void announce_thread(__u32 pid, __u32 tid, __u64 ts)
{
	struct ferret_thread_event *e;
	__u8 one = 1;

	if (bpf_map_lookup_elem(&seen_threads, &tid))
		return;
	bpf_map_update_elem(&seen_threads, &tid, &one, BPF_ANY);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	e->hdr.ts_ns = ts;
	e->hdr.pid = pid;
	e->hdr.tid = tid;
	e->hdr.func_id = 0;
	e->hdr.type = FERRET_EV_THREAD;
	e->hdr.flags = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int emit_call_event(void *ctx, __u16 type)
{
	__u64 ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id;
	struct ferret_event *e;

	if (!is_traced(pid))
		return 0;
	announce_thread(pid, tid, ts);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	e->ts_ns = ts;
	e->pid = pid;
	e->tid = tid;
	e->func_id = (__u32)bpf_get_attach_cookie(ctx);
	e->type = type;
	e->flags = 0;
	bpf_ringbuf_submit(e, wakeup_flags());
	__sync_fetch_and_add(&counters.events, 1);
	return 0;
}

SEC("uprobe.multi")
int on_entry_multi(struct pt_regs *ctx)
{
	return emit_call_event(ctx, FERRET_EV_ENTRY);
}

SEC("uretprobe.multi")
int on_exit_multi(struct pt_regs *ctx)
{
	return emit_call_event(ctx, FERRET_EV_EXIT);
}

/* Fallbacks for kernels without uprobe_multi (< 6.6): one perf-event uprobe per function. */
SEC("uprobe")
int on_entry_single(struct pt_regs *ctx)
{
	return emit_call_event(ctx, FERRET_EV_ENTRY);
}

SEC("uretprobe")
int on_exit_single(struct pt_regs *ctx)
{
	return emit_call_event(ctx, FERRET_EV_EXIT);
}

static __always_inline void emit_task_event(__u16 type, __u32 pid, __u32 tid, __u32 arg)
{
	struct ferret_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_lost();
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid;
	e->tid = tid;
	e->func_id = arg;
	e->type = type;
	e->flags = 0;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = BPF_CORE_READ(parent, tgid), cpid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	/* A new thread shares its tgid: already covered by the filter. */
	if (!follow_forks || ppid == cpid || !bpf_map_lookup_elem(&pids, &ppid))
		return 0;
	bpf_map_update_elem(&pids, &cpid, &one, BPF_ANY);
	emit_task_event(FERRET_EV_FORK, ppid, BPF_CORE_READ(child, pid), cpid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit_task, struct task_struct *task)
{
	__u32 pid = BPF_CORE_READ(task, tgid), tid = BPF_CORE_READ(task, pid);

	/* Only threads ferret has seen matter: their open calls end here. */
	if (!bpf_map_lookup_elem(&seen_threads, &tid))
		return 0;
	bpf_map_delete_elem(&seen_threads, &tid);
	if (!is_traced(pid))
		return 0;
	emit_task_event(FERRET_EV_PROC_EXIT, pid, tid, BPF_CORE_READ(task, exit_code) >> 8);
	/* Keep the pid in the filter until its leader is gone; pids are reused. */
	if (pid == tid && follow_forks)
		bpf_map_delete_elem(&pids, &pid);
	return 0;
}
