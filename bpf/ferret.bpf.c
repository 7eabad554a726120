// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ferret's BPF side: entry/exit handlers for every traced function (the BPF
 * cookie carries the function id), stack mode, a pid filter that follows forks,
 * thread announcements and renames, exec and exit handling, and a ring buffer
 * whose failed reservations are counted. The maps and config: maps.bpf.h.
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
static __always_inline __u16 entry_flags(__u64 sp)
{
	struct uprobe_task *utask = bpf_get_current_task_btf()->utask;
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

static __always_inline int emit_call_event(void *ctx, __u16 type)
{
	__u64 ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
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
	flags = type == FERRET_EV_ENTRY ? entry_flags(sp) : 0;
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

/* ---- stack mode ---- */

static __always_inline void account_call(__u32 fid, __u64 dur, bool nested)
{
	struct func_figures *fig = bpf_map_lookup_elem(&func_stats, &fid);

	if (fig)
		func_figures__add_call(fig, dur, nested);
}

static __always_inline bool is_demoted(__u32 fid)
{
	__u8 *d = bpf_map_lookup_elem(&demoted, &fid);

	return d && *d;
}

/* Ends the call at stack index idx: aggregates it and, if kept, sends it. */
static __noinline void finish_frame(struct ferret_stack *st, __u32 idx, __u32 tid, __u64 end,
					 __u16 flags)
{
	struct ferret_span_event *e;
	struct ferret_frame *f;
	__u64 dur;

	if (idx >= FERRET_STACK_DEPTH)
		return;
	/* Masks (the depth is a power of two) keep indices provably in bounds for the verifier. */
	f = &st->frames[idx & (FERRET_STACK_DEPTH - 1)];
	dur = end > f->start_ns ? end - f->start_ns : 0;
	if (f->flags & FERRET_FRAME_NO_RETURN) {
		/* Its end is not known: counted in the run, kept out of the function's times. */
		__sync_fetch_and_add(&counters.no_return, 1);
		flags = FERRET_SPAN_NO_RETURN;
	} else {
		account_call(f->func_id, dur, f->flags & FERRET_FRAME_NESTED);
	}
	/* Demotion counts from a call's start: a call begun before it still sends its span,
	 * which the calls inside it may already name as their parent. */
	if (!emit_spans || (dur < min_duration_ns && !flags) || (f->flags & FERRET_FRAME_DEMOTED))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	e->hdr.ts_ns = end;
	e->hdr.pid = st->pid;
	e->hdr.tid = tid;
	e->hdr.func_id = f->func_id;
	e->hdr.type = FERRET_EV_SPAN;
	e->hdr.flags = flags;
	e->start_ns = f->start_ns;
	e->span_id = f->span_id;
	e->parent_id = f->parent_id;
	e->depth = f->depth;
	e->pad = 0;
	bpf_ringbuf_submit(e, wakeup_flags());
}

static __always_inline struct ferret_stack *get_stack(__u32 pid, __u32 tid, __u64 ts)
{
	struct ferret_stack *st = bpf_map_lookup_elem(&stacks, &tid), *empty;
	__u32 zero = 0;

	if (st)
		return st;
	empty = bpf_map_lookup_elem(&empty_stack, &zero);
	if (!empty)
		return NULL;
	empty->pid = pid;
	empty->depth = 0;
	if (bpf_map_update_elem(&stacks, &tid, empty, BPF_NOEXIST)) {
		__sync_fetch_and_add(&counters.no_stack, 1);
		return NULL;
	}
	announce_thread(pid, tid, ts);
	return bpf_map_lookup_elem(&stacks, &tid);
}

/* A new frame at index d names the nearest enclosing frame that sends a span. A frame below
 * that sends none (demoted) passes on its own parent; --min-duration needs no such care: an
 * enclosing call lasts at least as long as the calls inside it. */
static __always_inline void link_to_sent_ancestor(struct ferret_stack *st, __u32 d, struct ferret_frame *f)
{
	struct ferret_frame *below;

	if (d == 0) {
		f->parent_id = 0;
		f->depth = 0;
		return;
	}
	below = &st->frames[(d - 1) & (FERRET_STACK_DEPTH - 1)];
	if (below->flags & FERRET_FRAME_DEMOTED) {
		f->parent_id = below->parent_id;
		f->depth = below->depth;
	} else {
		f->parent_id = below->span_id;
		f->depth = below->depth + 1;
	}
}

static __always_inline int stack_entry(void *ctx)
{
	__u64 ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id, fid, d, i, flags;
	struct ferret_stack *st;
	struct ferret_frame *f;

	if (!is_traced(pid))
		return 0;
	st = get_stack(pid, tid, ts);
	if (!st)
		return 0;
	flags = entry_flags(0) & FERRET_ENTRY_NO_RETURN ? FERRET_FRAME_NO_RETURN : 0;
	d = st->depth;
	if (d >= FERRET_STACK_DEPTH) {
		/* Counted, not kept; the depth follows only calls whose return will come. */
		if (!flags)
			st->depth = d + 1;
		__sync_fetch_and_add(&counters.deep_dropped, 1);
		return 0;
	}
	fid = (__u32)bpf_get_attach_cookie(ctx);
	for (i = 0; i < FERRET_STACK_DEPTH && i < d; i++) {
		if (st->frames[i & (FERRET_STACK_DEPTH - 1)].func_id == fid) {
			flags |= FERRET_FRAME_NESTED;
			break;
		}
	}
	if (is_demoted(fid))
		flags |= FERRET_FRAME_DEMOTED;
	link_to_sent_ancestor(st, d, &st->frames[d & (FERRET_STACK_DEPTH - 1)]);
	f = &st->frames[d & (FERRET_STACK_DEPTH - 1)];
	f->start_ns = ts;
	f->span_id = emit_spans ? __sync_fetch_and_add(&counters.next_span_id, 1) + 1 : 0;
	f->func_id = fid;
	f->flags = flags;
	st->depth = d + 1;
	return 0;
}

/* Unwinding with bpf_loop(): its callback is verified once, where an open-coded
 * loop over 128 frames is verified frame by frame (past the 1M-instruction limit). */
struct unwind_ctx {
	__u32 tid;
	__u32 top; /* frames top, top-1, ... end, incomplete */
	__u64 end_ns;
};

static long unwind_one(__u32 i, void *arg)
{
	struct unwind_ctx *u = arg;
	struct ferret_stack *st = bpf_map_lookup_elem(&stacks, &u->tid);

	if (!st || i > u->top)
		return 1;
	finish_frame(st, u->top - i, u->tid, u->end_ns, FERRET_SPAN_INCOMPLETE);
	return 0;
}

static __always_inline void unwind(__u32 tid, __u32 top, __u32 count, __u64 end_ns)
{
	struct unwind_ctx u = { .tid = tid, .top = top, .end_ns = end_ns };

	if (count)
		bpf_loop(count, unwind_one, &u, 0);
}

static __always_inline int stack_exit(void *ctx)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), fid, d, i, top;
	struct ferret_stack *st = bpf_map_lookup_elem(&stacks, &tid);
	int match = -1;

	if (!st || !st->depth)
		return 0;
	d = st->depth;
	if (d > FERRET_STACK_DEPTH) {
		st->depth = d - 1; /* a call too deep to keep returns */
		return 0;
	}
	fid = (__u32)bpf_get_attach_cookie(ctx);
	/* A frame the kernel gave no return probe is never this return's call. */
	for (i = 0; i < FERRET_STACK_DEPTH && i < d; i++) {
		top = (d - 1 - i) & (FERRET_STACK_DEPTH - 1);
		if (st->frames[top].func_id == fid && !(st->frames[top].flags & FERRET_FRAME_NO_RETURN)) {
			match = top;
			break;
		}
	}
	if (match < 0)
		return 0;
	/* Calls above the match never returned (longjmp) or had no return probe: they end here. */
	unwind(tid, d - 1, d - 1 - (__u32)match, ts);
	st = bpf_map_lookup_elem(&stacks, &tid);
	if (!st)
		return 0;
	finish_frame(st, match, tid, ts, 0);
	st->depth = match;
	return 0;
}

/* A thread with calls still open exits: they end now, incomplete. */
static __always_inline void stack_thread_exit(__u32 tid, __u64 ts)
{
	struct ferret_stack *st = bpf_map_lookup_elem(&stacks, &tid);
	__u32 d;

	if (!st)
		return;
	d = st->depth < FERRET_STACK_DEPTH ? st->depth : FERRET_STACK_DEPTH;
	if (d)
		unwind(tid, d - 1, d, ts);
	bpf_map_delete_elem(&stacks, &tid);
}

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
