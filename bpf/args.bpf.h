/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Arguments and return values (-A, -R): a function whose capture plan (arg_plans, filled by
 * trace/loader_args.c) asks for them sends a larger record in place of its entry or exit
 * record. Included by ferret.bpf.c only; with no plan at all (capture_args false) the
 * verifier drops this code and the hot path is what it was.
 */
#ifndef FERRET_ARGS_BPF_H
#define FERRET_ARGS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"

const volatile bool capture_args = false; /* some function has a plan */
const volatile __u32 string_size = 64;	  /* --string-size: bytes kept of each string */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to the number of functions */
	__type(key, __u32);
	__type(value, struct ferret_arg_plan);
} arg_plans SEC(".maps");

/* The string slots of an entry record: string_size + 2 bytes each, so that a read of more
 * than string_size bytes shows the string was cut. */
#define ARGS_STR_SLOT (string_size + 2)

static __always_inline void args__fill_header(struct ferret_event *h, __u64 ts, __u32 lost_mark,
					      __u32 tid, __u32 fid, __u16 type, __u16 flags)
{
	h->ts_ns = ts;
	h->lost_mark = lost_mark;
	h->tid = tid;
	h->func_id = fid;
	h->type = type;
	h->flags = flags;
}

static __always_inline void args__copy_regs(struct pt_regs *ctx, __u64 *regs)
{
	regs[0] = ctx->di;
	regs[1] = ctx->si;
	regs[2] = ctx->dx;
	regs[3] = ctx->cx;
	regs[4] = ctx->r8;
	regs[5] = ctx->r9;
}

/* Reads string slot i of e from argument arg (1..6). */
static __always_inline void args__read_str(struct ferret_args_str_event *e, __u32 i, __u8 arg)
{
	long n;

	if (arg < 1 || arg > FERRET_ARG_REGS) {
		e->str_len[i] = 0;
		return;
	}
	n = bpf_probe_read_user_str(e->str + i * ARGS_STR_SLOT, ARGS_STR_SLOT,
				    (void *)e->args.regs[arg - 1]);
	e->str_len[i] = n > 0 ? (__u16)(n - 1) : FERRET_STR_UNREADABLE;
}

static __always_inline bool args__send_entry(struct pt_regs *ctx, const struct ferret_arg_plan *plan,
					     __u64 ts, __u32 lost_mark, __u32 tid, __u32 fid, __u16 flags,
					     __u64 sp)
{
	struct ferret_args_str_event *s;
	struct ferret_args_event *e;
	__u32 i;

	if (!plan->str_arg[0]) {
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count_lost();
			return true;
		}
		args__fill_header(&e->entry.hdr, ts, lost_mark, tid, fid, FERRET_EV_ARGS, flags);
		e->entry.sp = sp;
		args__copy_regs(ctx, e->regs);
		bpf_ringbuf_submit(e, wakeup_flags());
		return true;
	}
	s = bpf_ringbuf_reserve(&events, sizeof(*s) + FERRET_ARG_STRS * ARGS_STR_SLOT, 0);
	if (!s) {
		count_lost();
		return true;
	}
	args__fill_header(&s->args.entry.hdr, ts, lost_mark, tid, fid, FERRET_EV_ARGS_STR, flags);
	s->args.entry.sp = sp;
	args__copy_regs(ctx, s->args.regs);
	s->pad = 0;
	for (i = 0; i < FERRET_ARG_STRS; i++)
		args__read_str(s, i, plan->str_arg[i]);
	bpf_ringbuf_submit(s, wakeup_flags());
	return true;
}

/* Sends the call's record if its function has a plan for this side of it: true when it
 * did (or counted the record lost), false for the plain record. */
static __always_inline bool args__send(void *ctx, __u16 type, __u64 ts, __u32 lost_mark, __u32 tid,
				       __u16 flags, __u64 sp)
{
	__u32 fid = (__u32)bpf_get_attach_cookie(ctx);
	struct ferret_arg_plan *plan = bpf_map_lookup_elem(&arg_plans, &fid);
	struct ferret_ret_event *r;

	if (!plan)
		return false;
	if (type == FERRET_EV_ENTRY)
		return plan->entry && args__send_entry(ctx, plan, ts, lost_mark, tid, fid, flags, sp);
	if (!plan->ret)
		return false;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return true;
	}
	args__fill_header(&r->hdr, ts, lost_mark, tid, fid, FERRET_EV_RET, flags);
	r->ret = PT_REGS_RC((struct pt_regs *)ctx);
	bpf_ringbuf_submit(r, wakeup_flags());
	return true;
}

#endif /* FERRET_ARGS_BPF_H */
