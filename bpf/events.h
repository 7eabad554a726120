/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI between ferret's BPF programs and its userspace loader: the only
 * header both sides include. Fixed-width types, explicit padding, no pointers;
 * userspace checks the sizes with _Static_assert.
 */
#ifndef FERRET_EVENTS_H
#define FERRET_EVENTS_H

#ifndef __VMLINUX_H__ /* the BPF side gets these types from vmlinux.h */
#include <linux/types.h>
#endif

#define FERRET_COMM_LEN 16
#define FERRET_MAX_PIDS 65536 /* processes followed at once (-- CMD and its descendants) */

enum ferret_event_type {
	FERRET_EV_ENTRY = 1,	 /* a traced function was entered */
	FERRET_EV_EXIT = 2,	 /* a traced function returned */
	FERRET_EV_THREAD = 3,	 /* first event of a thread (or its comm changed): carries comm */
	FERRET_EV_PROC_EXIT = 4, /* a followed thread exited; func_id = exit code if it was the leader */
	FERRET_EV_FORK = 5,	 /* a followed process forked: func_id = child pid */
};

/* One record in the ring buffer. Entry/exit are the hot path: keep it 24 bytes. */
struct ferret_event {
	__u64 ts_ns;   /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u32 pid;     /* tgid */
	__u32 tid;     /* kernel pid of the thread */
	__u32 func_id; /* the uprobe's BPF cookie: index into the loader's function table */
	__u16 type;    /* enum ferret_event_type */
	__u16 flags;   /* reserved, 0 */
};

struct ferret_thread_event {
	struct ferret_event hdr;
	char comm[FERRET_COMM_LEN];
};

/* Counters the BPF side keeps; the loader reads them from .bss at the end. */
struct ferret_counters {
	__u64 lost_events; /* ring buffer reservations that failed */
	__u64 events;	   /* records submitted */
};

#endif /* FERRET_EVENTS_H */
