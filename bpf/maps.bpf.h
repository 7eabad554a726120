/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF side's state, included by ferret.bpf.c only: what the loader sets before load,
 * the counters it reads at the end, the maps, and the helpers every program uses on them.
 */
#ifndef FERRET_MAPS_BPF_H
#define FERRET_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "events.h"

/* Set by the loader before load. */
const volatile bool filter_pids = true;	 /* false with --all */
const volatile bool follow_forks = false; /* true when ferret launched the command */
const volatile bool all_processes = false; /* --all: every process, forked children too */
const volatile __u32 self_pid = 0;	  /* --all: ferret itself, never traced */
const volatile __u32 main_pid = 0;	  /* the launched or attached process: traced without a lookup */
/* Wake the consumer only once this much data is waiting: a wakeup per event costs
 * more than the probe itself; the consumer also polls on a short timeout. */
const volatile __u64 wakeup_bytes = 256 * 1024;
/* Records a CPU sends between two looks at the backlog (a query costs ~12 ns): 64 of the
 * largest (604 bytes, the entries with two strings of the largest --string-size) are 38 KiB,
 * well under wakeup_bytes. */
#define FERRET_WAKEUP_CHECK_EVERY 64
/* Stack mode (--min-duration, --aggregate, --max-rate): calls are tracked in the
 * kernel, aggregated per function, and only kept calls reach the ring buffer. */
const volatile bool stack_mode = false;
const volatile bool emit_spans = true; /* false with --aggregate */
const volatile __u64 min_duration_ns = 0;
/* --count-only or --overhead: entries (and returns) look up their function's probe_state.
 * Without them the verifier drops that code at load: what is left is this flag's test
 * (5 instructions on an entry, 3 on a return). */
const volatile bool probe_states = false;

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

/* Stack mode: each thread's open calls. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct ferret_stack);
} stacks SEC(".maps");

/* A zeroed stack to create entries from: 3 KiB does not fit on the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ferret_stack);
} empty_stack SEC(".maps");

/* Stack mode: per-function figures (resized to the number of functions). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct func_figures);
} func_stats SEC(".maps");

/* --max-rate: functions switched to aggregate-only by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} demoted SEC(".maps");

/* --count-only, --overhead: each function's enum ferret_probe_state (resized to the number
 * of functions). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} probe_state SEC(".maps");

/* --count-only: calls of each count-only function, per CPU (resized like probe_state). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} func_hits SEC(".maps");

/* The last thread announced on each CPU: threads stay on a CPU for long
 * stretches, so most calls skip the LRU hash lookup below. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} last_announced SEC(".maps");

/* Threads already announced to userspace with their comm. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} seen_threads SEC(".maps");

static __always_inline bool is_traced(__u32 pid)
{
	if (!filter_pids)
		return pid != self_pid;
	return pid == main_pid || bpf_map_lookup_elem(&pids, &pid);
}

static __always_inline void count_lost(void)
{
	__sync_fetch_and_add(&counters.lost_events, 1);
}

/* Each CPU's look at the backlog: records until the next, and whether the last saw it at
 * or over wakeup_bytes. Per CPU, so no atomics; a program preempted on its CPU can only make
 * a look come early or late. */
struct wakeup_state {
	__u32 countdown;
	__u32 over;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wakeup_state);
} wakeup_states SEC(".maps");

/* Wakes the consumer when a CPU's look finds the backlog past wakeup_bytes where its last
 * found it short: while the consumer is busy (an SQLite commit) or stalled, a wakeup on
 * every event above the mark would queue irq_work per event and slow the traced program
 * ten-fold. A crossing missed (the backlog fell and rose again between two looks, or
 * another CPU's looks saw it) costs nothing: the consumer polls on a short timeout. */
static __always_inline __u64 wakeup_flags(void)
{
	__u32 zero = 0;
	struct wakeup_state *w = bpf_map_lookup_elem(&wakeup_states, &zero);
	bool was_over;

	if (!w || w->countdown--)
		return BPF_RB_NO_WAKEUP;
	w->countdown = FERRET_WAKEUP_CHECK_EVERY - 1;
	was_over = w->over;
	w->over = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes;
	return w->over && !was_over ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

#endif /* FERRET_MAPS_BPF_H */
