// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ferret's BPF side: entry/exit handlers for every traced function (the BPF
 * cookie carries the function id), a pid filter that follows forks, thread
 * announcements and renames, exec and exit handling, and a ring buffer whose
 * failed reservations are counted. The maps and config: maps.bpf.h; stack mode:
 * stack.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"
#include "maps.bpf.h"
#include "sched.bpf.h" /* on-CPU, blocked and run-queue time per thread */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* A thread record; comm NULL: the current task's name, else a kernel string. */
static __always_inline bool emit_thread(__u32 pid, __u32 tid, __u64 ts, const char *comm, __u16 flags)
{
	struct ferret_thread_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_lost();
		return false;
	}
	e->hdr.ts_ns = ts;
	e->hdr.pid = pid;
	e->hdr.tid = tid;
	e->hdr.func_id = 0;
	e->hdr.type = FERRET_EV_THREAD;
	e->hdr.flags = flags;
	if (comm)
		bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), comm);
	else
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return true;
}

static __always_inline void announce_thread(__u32 pid, __u32 tid, __u64 ts)
{
	__u32 zero = 0, *last = bpf_map_lookup_elem(&last_announced, &zero);
	__u8 one = 1;

	if (last && *last == tid)
		return;
	if (bpf_map_lookup_elem(&seen_threads, &tid)) {
		if (last)
			*last = tid;
		return;
	}
	bpf_map_update_elem(&seen_threads, &tid, &one, BPF_ANY);
	if (emit_thread(pid, tid, ts, NULL, 0) && last)
		*last = tid;
}

/* enum ferret_entry_flags of an entry at stack pointer sp. Entry handlers run before the
 * kernel prepares the call's return probe, so utask->depth counts the thread's pending return
 * probes without this call's, and utask->return_instances is the innermost pending one. Plain
 * loads through the BTF pointers (the verifier makes them fault-safe, CO-RE relocates the
 * offsets): no helper call on every entry. */
static __always_inline __u16 entry_flags(struct task_struct *task, __u64 sp)
{
	struct uprobe_task *utask = task->utask;
	struct return_instance *ri;
	__u16 flags = 0;

	if (!utask)
		return 0;
	if (utask->depth >= FERRET_MAX_URETPROBE_DEPTH)
		flags |= FERRET_ENTRY_NO_RETURN;
	ri = utask->return_instances;
	if (ri && ri->stack == sp)
		flags |= FERRET_ENTRY_TAIL_CALL;
	return flags;
}

#include "args.bpf.h" /* -A, -R: arguments and return values */

/* The current thread's tgid and tid. An entry reads them from the task it needs anyway
 * (entry_flags()): one helper call less on the hot path. */
static __always_inline __u64 current_pid_tgid(struct task_struct *task)
{
	if (task)
		return (__u64)task->tgid << 32 | (__u32)task->pid;
	return bpf_get_current_pid_tgid();
}

static __always_inline int emit_call_event(void *ctx, __u16 type)
{
	__u64 ts = bpf_ktime_get_ns();
	struct task_struct *task = type == FERRET_EV_ENTRY ? bpf_get_current_task_btf() : NULL;
	__u64 id = current_pid_tgid(task);
	__u32 pid = id >> 32, tid = (__u32)id, lost_mark;
	struct ferret_event *e;
	/* type is a constant once inlined: each program reserves a constant size. */
	__u64 size = type == FERRET_EV_ENTRY ? sizeof(struct ferret_entry_event) : sizeof(*e);
	__u64 sp = PT_REGS_SP((struct pt_regs *)ctx);
	__u16 flags;

	if (!is_traced(pid))
		return 0;
	/* An exit follows an entry of the same thread, which announced it, or is the return of
	 * a call a forked child's parent entered: on_fork announced that child. */
	if (type == FERRET_EV_ENTRY)
		announce_thread(pid, tid, ts);
	/* Read before reserving: a record this thread lost earlier has counted itself. */
	lost_mark = (__u32)*(volatile __u64 *)&counters.lost_events;
	flags = type == FERRET_EV_ENTRY ? entry_flags(task, sp) : 0;
	if (capture_args && args__send(ctx, type, ts, lost_mark, tid, flags, sp))
		return 0;
	e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		count_lost();
		return 0;
	}
	if (type == FERRET_EV_ENTRY)
		((struct ferret_entry_event *)e)->sp = sp;
	e->ts_ns = ts;
	e->lost_mark = lost_mark;
	e->tid = tid;
	e->func_id = (__u32)bpf_get_attach_cookie(ctx);
	e->type = type;
	e->flags = flags;
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

#include "stack.bpf.h" /* stack mode: calls tracked in the kernel */

/* --overhead replaces a module's links: while the old and the new are both attached, only
 * the probes of the link generation in the function's probe_state (set while the traced
 * processes were held still) count. NULL: not a probe of the live link. */
static __always_inline __u8 *live_probe_state(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	__u32 fid = (__u32)cookie;
	__u8 *state = bpf_map_lookup_elem(&probe_state, &fid);

	if (state && (*state >> FERRET_PROBE_GEN_SHIFT) != (__u8)(cookie >> 32))
		return NULL;
	return state;
}

/* --count-only, --overhead: whether this entry is the start of a traced call. A count-only
 * function's call is counted here and goes no further (it has no return probe); a removed
 * one's is ignored from the moment userspace flips its state. */
static __always_inline bool entry_is_traced(void *ctx)
{
	__u32 fid = (__u32)bpf_get_attach_cookie(ctx);
	__u8 *state = live_probe_state(ctx), st;
	__u64 *hits;

	if (!state)
		return false;
	st = *state & FERRET_PROBE_STATE_MASK;
	if (st == FERRET_PROBE_TRACED)
		return true;
	if (st == FERRET_PROBE_COUNT_ONLY && is_traced(bpf_get_current_pid_tgid() >> 32)) {
		hits = bpf_map_lookup_elem(&func_hits, &fid);
		if (hits)
			*hits += 1; /* per CPU: no atomic needed */
	}
	return false;
}

/* The same handlers behind uprobe_multi links and, where the kernel lacks them, single uprobes. */
static __always_inline int handle_entry(void *ctx)
{
	if (probe_states && !entry_is_traced(ctx))
		return 0;
	return stack_mode ? stack_entry(ctx) : emit_call_event(ctx, FERRET_EV_ENTRY);
}

static __always_inline int handle_return(void *ctx)
{
	if (probe_states && !live_probe_state(ctx))
		return 0;
	return stack_mode ? stack_exit(ctx) : emit_call_event(ctx, FERRET_EV_EXIT);
}

SEC("uprobe.multi")
int on_entry_multi(struct pt_regs *ctx)
{
	return handle_entry(ctx);
}

SEC("uretprobe.multi")
int on_exit_multi(struct pt_regs *ctx)
{
	return handle_return(ctx);
}

/* Fallbacks for kernels without uprobe_multi (< 6.6): one perf-event uprobe per function. */
SEC("uprobe")
int on_entry_single(struct pt_regs *ctx)
{
	return handle_entry(ctx);
}

SEC("uretprobe")
int on_exit_single(struct pt_regs *ctx)
{
	return handle_return(ctx);
}

#include "go.bpf.h" /* Go code's programs */

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

/* The kernel copies a process's pending return probes to a child it forks, so the child's
 * first event may be the return of a call its parent entered: announce the child now (rather
 * than on every return's hot path). */
static __always_inline void announce_child(struct task_struct *parent, struct task_struct *child,
					   __u32 cpid)
{
	__u32 ctid = BPF_CORE_READ(child, pid);
	__u8 one = 1;

	if (!BPF_CORE_READ(parent, utask, return_instances))
		return;
	bpf_map_update_elem(&seen_threads, &ctid, &one, BPF_ANY);
	emit_thread(cpid, ctid, bpf_ktime_get_ns(), child->comm, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = BPF_CORE_READ(parent, tgid), cpid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	/* A new thread shares its tgid: already covered by the filter. */
	if (ppid == cpid)
		return 0;
	if (follow_forks) {
		if (!bpf_map_lookup_elem(&pids, &ppid))
			return 0;
		if (bpf_map_update_elem(&pids, &cpid, &one, BPF_ANY))
			return 0; /* FERRET_MAX_PIDS followed at once */
		__sync_fetch_and_add(&counters.forks, 1);
		emit_task_event(FERRET_EV_FORK, ppid, BPF_CORE_READ(child, pid), cpid);
	} else if (!all_processes) {
		return 0; /* -p: the probes' pid filter leaves the child out */
	}
	announce_child(parent, child, cpid);
	return 0;
}

/* A traced thread's new name (prctl(PR_SET_NAME), exec, a write to /proc/TID/comm), sent
 * as it is set: the thread keeps its calls and its row, under the name it has last. */
SEC("tp_btf/task_rename")
int BPF_PROG(on_rename, struct task_struct *task, const char *comm)
{
	__u32 pid = BPF_CORE_READ(task, tgid), tid = BPF_CORE_READ(task, pid);

	if (bpf_map_lookup_elem(&seen_threads, &tid) && is_traced(pid))
		emit_thread(pid, tid, bpf_ktime_get_ns(), comm, FERRET_THREAD_RENAMED);
	return 0;
}

/* A later thread reusing the tid must be announced again. */
static __always_inline void forget_thread(__u32 tid)
{
	__u32 zero = 0, *last = bpf_map_lookup_elem(&last_announced, &zero);

	bpf_map_delete_elem(&seen_threads, &tid);
	if (last && *last == tid)
		*last = 0;
}

/* A thread ferret has seen exits: its open calls end here. */
static __always_inline void seen_thread_exit(struct task_struct *task, __u32 pid, __u32 tid)
{
	forget_thread(tid);
	if (!is_traced(pid))
		return;
	if (stack_mode)
		stack_thread_exit(tid, bpf_ktime_get_ns());
	emit_task_event(FERRET_EV_PROC_EXIT, pid, tid, BPF_CORE_READ(task, exit_code) >> 8);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit_task, struct task_struct *task)
{
	__u32 pid = BPF_CORE_READ(task, tgid), tid = BPF_CORE_READ(task, pid);

	if (bpf_map_lookup_elem(&seen_threads, &tid))
		seen_thread_exit(task, pid, tid);
	/* A followed process leaves the filter with its last thread, whether or not it ran
	 * traced code: pids are reused, and userspace traces until none is left. */
	if (follow_forks && !BPF_CORE_READ(task, signal, live.counter))
		bpf_map_delete_elem(&pids, &pid);
	return 0;
}

/* exec() replaces the image: the calls the thread had open never return (their return
 * addresses went with the old stack), so they end here, before the new image's first call.
 * A thread other than the leader takes the leader's tid as it execs. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 pid = BPF_CORE_READ(task, tgid), old_tid = (__u32)old_pid;

	if (!bpf_map_lookup_elem(&seen_threads, &old_tid) || !is_traced(pid))
		return 0;
	if (stack_mode)
		stack_thread_exit(old_tid, bpf_ktime_get_ns());
	else
		emit_task_event(FERRET_EV_EXEC, pid, old_tid, 0);
	if (old_tid != BPF_CORE_READ(task, pid))
		forget_thread(old_tid);
	return 0;
}
#include "usdt.bpf.h" /* explicit spans and USDT probes */
