/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * On-CPU, blocked and run-queue time of traced threads: context switches and wakeups of
 * the threads that made a traced call are streamed as 24-byte records (FERRET_EV_SCHED_*),
 * (struct ferret_sched_event), and userspace (trace/sched_time.c) gives each span its share.
 * Every other context switch of the machine costs two failed hash lookups. Included by
 * ferret.bpf.c only; off (programs not loaded) with --no-sched and in stack mode.
 */
#ifndef FERRET_SCHED_BPF_H
#define FERRET_SCHED_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"

/* A thread announced to userspace (seen_threads: it made a traced call, until it exits). */
static __always_inline bool sched_tracked(struct task_struct *task)
{
	__u32 tid = task->pid;

	return bpf_map_lookup_elem(&seen_threads, &tid) != NULL;
}

static __always_inline void emit_sched_event(__u16 type, struct task_struct *task, __u32 arg,
					     __u16 flags, __u64 ts)
{
	__u32 lost_mark = (__u32)*(volatile __u64 *)&counters.lost_events;
	struct ferret_sched_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_lost();
		return;
	}
	e->hdr.ts_ns = ts;
	e->hdr.lost_mark = lost_mark;
	e->hdr.tid = task->pid;
	e->hdr.func_id = arg;
	e->hdr.type = type;
	e->hdr.flags = flags;
	e->exec_ns = type == FERRET_EV_SCHED_OUT ? task->se.sum_exec_runtime : 0;
	bpf_ringbuf_submit(e, wakeup_flags());
}

/* prev leaves the CPU: still runnable (preempted, or its sleep was cancelled) it waits in
 * the run queue, else it sleeps, in the system call its registers name (orig_ax; -1: in
 * none, a page fault). */
SEC("tp_btf/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	bool out = sched_tracked(prev), in = sched_tracked(next);
	struct pt_regs *regs;
	__u32 nr = (__u32)-1;
	__u64 ts;

	/* As plain values: combined, the two lookups' pointers are refused by the verifier. */
	barrier_var(out);
	barrier_var(in);
	if (!out && !in)
		return 0; /* most switches of the machine: no clock read */
	ts = bpf_ktime_get_ns();
	if (out) {
		regs = (struct pt_regs *)bpf_task_pt_regs(prev);
		if (regs)
			nr = (__u32)BPF_CORE_READ(regs, orig_ax);
		emit_sched_event(FERRET_EV_SCHED_OUT, prev, nr,
				 preempt || prev_state == 0 ? FERRET_SCHED_RUNNABLE : 0, ts);
	}
	if (in)
		emit_sched_event(FERRET_EV_SCHED_IN, next, 0, 0, ts);
	return 0;
}

/* A sleeping traced thread is runnable again: from now it waits for a CPU. */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_sched_wakeup, struct task_struct *p)
{
	if (sched_tracked(p))
		emit_sched_event(FERRET_EV_SCHED_WAKEUP, p, 0, 0, bpf_ktime_get_ns());
	return 0;
}

#endif /* FERRET_SCHED_BPF_H */
