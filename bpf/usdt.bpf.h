/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * USDT probes (included by ferret.bpf.c): ferret.h's explicit spans, their tags, status and
 * renames, and any probe -u or --usdt-span names. Each firing is one record (events.h's USDT
 * section) keyed by the probe's cookie; userspace pairs begins and ends with the traced
 * functions' entries and returns (trace/spans.c). Event mode only.
 */
#ifndef FERRET_USDT_BPF_H
#define FERRET_USDT_BPF_H

#include <bpf/usdt.bpf.h>

/* A record of size bytes with its header filled, or NULL (not traced, or the ring is full:
 * counted as lost, and lost_mark tells the thread's later records). */
static __always_inline void *usdt_record(struct pt_regs *ctx, __u32 size, __u16 type, __u16 flags)
{
	__u64 ts = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32, tid = (__u32)id, lost_mark;
	struct ferret_event *e;

	if (!is_traced(pid))
		return NULL;
	announce_thread(pid, tid, ts);
	lost_mark = (__u32)*(volatile __u64 *)&counters.lost_events;
	e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		count_lost();
		return NULL;
	}
	e->ts_ns = ts;
	e->lost_mark = lost_mark;
	e->tid = tid;
	e->func_id = (__u32)bpf_usdt_cookie(ctx);
	e->type = type;
	e->flags = flags;
	return e;
}

/* A user string the probe's argument n points to, into buf (always terminated). */
static __always_inline void usdt_read_str(struct pt_regs *ctx, __u64 n, char *buf, __u32 len)
{
	long ptr = 0;

	buf[0] = '\0';
	if (!bpf_usdt_arg(ctx, n, &ptr) && ptr)
		bpf_probe_read_user_str(buf, len, (const void *)ptr);
}

SEC("usdt")
int on_usdt_begin(struct pt_regs *ctx)
{
	struct ferret_usdt_begin *e = usdt_record(ctx, sizeof(*e), FERRET_EV_USDT_BEGIN, 0);

	if (!e)
		return 0;
	e->name[0] = '\0';
	if ((bpf_usdt_cookie(ctx) >> FERRET_USDT_COOKIE_SHIFT) & FERRET_USDT_READ_NAME)
		usdt_read_str(ctx, 0, e->name, sizeof(e->name));
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

SEC("usdt")
int on_usdt_end(struct pt_regs *ctx)
{
	struct ferret_event *e = usdt_record(ctx, sizeof(*e), FERRET_EV_USDT_END, 0);

	if (e)
		bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* ferret:tag, tag_int, status, name: the kind is in the cookie's high bits. */
SEC("usdt")
int on_usdt_note(struct pt_regs *ctx)
{
	__u16 kind = (__u16)(bpf_usdt_cookie(ctx) >> FERRET_USDT_COOKIE_SHIFT);
	struct ferret_usdt_note *e = usdt_record(ctx, sizeof(*e), FERRET_EV_USDT_NOTE, kind);
	long value = 0;

	if (!e)
		return 0;
	e->value = 0;
	e->key[0] = '\0';
	e->text[0] = '\0';
	if (kind == FERRET_NOTE_TAG || kind == FERRET_NOTE_TAG_INT)
		usdt_read_str(ctx, 0, e->key, sizeof(e->key));
	if (kind == FERRET_NOTE_TAG)
		usdt_read_str(ctx, 1, e->text, sizeof(e->text));
	else if (kind == FERRET_NOTE_TAG_INT && !bpf_usdt_arg(ctx, 1, &value))
		e->value = value;
	else if (kind == FERRET_NOTE_STATUS || kind == FERRET_NOTE_NAME)
		usdt_read_str(ctx, 0, e->text, sizeof(e->text));
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* -u: the probe's arguments as the note's specs give them (integers). */
SEC("usdt")
int on_usdt_fire(struct pt_regs *ctx)
{
	struct ferret_usdt_fire *e = usdt_record(ctx, sizeof(*e), FERRET_EV_USDT_FIRE, 0);
	int n = bpf_usdt_arg_cnt(ctx), i;
	long v;

	if (!e)
		return 0;
	e->nargs = n > 0 ? (__u32)n : 0;
	e->pad = 0;
	for (i = 0; i < FERRET_USDT_MAX_ARGS; i++) {
		v = 0;
		if (i < n)
			bpf_usdt_arg(ctx, i, &v);
		e->args[i] = v;
	}
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

#endif /* FERRET_USDT_BPF_H */
