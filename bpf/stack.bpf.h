/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Stack mode (--min-duration, --aggregate, --max-rate): each thread's open calls are kept
 * in the kernel (the stacks map), every call is added to its function's figures, and only
 * the kept calls reach the ring buffer, whole (struct ferret_span_event). Included by
 * ferret.bpf.c only, after announce_thread() and entry_flags().
 */
#ifndef FERRET_STACK_BPF_H
#define FERRET_STACK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "events.h"
#include "maps.bpf.h"

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
	flags = entry_flags(bpf_get_current_task_btf(), 0) & FERRET_ENTRY_NO_RETURN ? FERRET_FRAME_NO_RETURN : 0;
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

#endif /* FERRET_STACK_BPF_H */
