/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ferret's BPF programs for Go code (included by ferret.bpf.c, after its helpers): entry
 * probes past the stack check and plain probes on every RET, no return probes (the runtime
 * copies goroutine stacks and would find the trampoline). Calls are keyed by goroutine.
 */
#ifndef FERRET_GO_BPF_H
#define FERRET_GO_BPF_H

/* Where the current goroutine's g lies below the thread pointer: Go's linker gives the
 * runtime's TLS slot the executable's whole (8-byte) TLS block; the loader checked it. */
#define GO_TLS_G_OFFSET 8

/* The g a Go event is about: the running goroutine's (from TLS, right in every function,
 * assembly too), or at runtime.goexit0(gp) the dying one, which mcall passes on the stack
 * too (its spill slot, in both Go ABIs). 0: unreadable. */
static __always_inline __u64 go_event_g(struct pt_regs *ctx, __u16 type)
{
	__u64 fsbase = bpf_get_current_task_btf()->thread.fsbase, g = 0;

	if (type == FERRET_EV_GO_END)
		bpf_probe_read_user(&g, sizeof(g), (void *)(ctx->sp + 8));
	else
		bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase - GO_TLS_G_OFFSET));
	return g;
}

static __always_inline int emit_go_event(struct pt_regs *ctx, __u16 type)
{
	__u64 ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id, lost_mark;
	struct ferret_go_event *e;
	__u64 g, stack_hi = 0;

	if (!is_traced(pid))
		return 0;
	g = go_event_g(ctx, type);
	/* g.stack is {lo, hi}, g's first field in every Go release. */
	if (!g || (type != FERRET_EV_GO_END &&
		   bpf_probe_read_user(&stack_hi, sizeof(stack_hi), (void *)(g + 8)))) {
		count_lost(); /* the goroutine's calls cannot be paired across it: counted as a loss */
		return 0;
	}
	lost_mark = (__u32)*(volatile __u64 *)&counters.lost_events;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return 0;
	}
	e->hdr.ts_ns = ts;
	e->hdr.lost_mark = lost_mark;
	e->hdr.tid = tid;
	e->hdr.func_id = (__u32)bpf_get_attach_cookie(ctx);
	e->hdr.type = type;
	e->hdr.flags = 0;
	e->goroutine = g;
	e->stack_pos = type == FERRET_EV_GO_END ? 0 : stack_hi - ctx->sp;
	e->pid = pid;
	e->pad = 0;
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

SEC("uprobe.multi")
int on_go_entry_multi(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_ENTRY);
}

SEC("uprobe.multi")
int on_go_ret_multi(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_EXIT);
}

SEC("uprobe.multi")
int on_go_end_multi(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_END);
}

SEC("uprobe")
int on_go_entry_single(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_ENTRY);
}

SEC("uprobe")
int on_go_ret_single(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_EXIT);
}

SEC("uprobe")
int on_go_end_single(struct pt_regs *ctx)
{
	return emit_go_event(ctx, FERRET_EV_GO_END);
}

#endif /* FERRET_GO_BPF_H */
