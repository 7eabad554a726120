/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI between ferret's BPF programs and its userspace loader: the only
 * header both sides include. Fixed-width types, explicit padding, no pointers;
 * the loader checks every size with _Static_assert. Only loader.c and ingest.c
 * include it; they hand the rest of userspace types of their own.
 */
#ifndef FERRET_EVENTS_H
#define FERRET_EVENTS_H

#ifndef __VMLINUX_H__ /* the BPF side gets these types from vmlinux.h */
#include <linux/types.h>
#endif
#include "func_figures.h" /* stack mode's per-function map value */

#define FERRET_COMM_LEN 16
#define FERRET_MAX_PIDS 65536 /* processes followed at once (-- CMD and its descendants) */
#define FERRET_STACK_DEPTH 128 /* stack mode: calls tracked per thread in the kernel */
/* The kernel's MAX_URETPROBE_DEPTH (kernel/events/uprobes.c): a call made while the thread
 * already has this many pending return probes gets none ("omit uretprobe due to
 * nestedness limit"). */
#define FERRET_MAX_URETPROBE_DEPTH 64

enum ferret_event_type {
	FERRET_EV_ENTRY = 1,	 /* a traced function was entered */
	FERRET_EV_EXIT = 2,	 /* a traced function returned */
	FERRET_EV_THREAD = 3,	 /* a thread's name (comm): before its first event, or a rename */
	FERRET_EV_PROC_EXIT = 4, /* a followed thread exited; func_id = exit code if it was the leader */
	FERRET_EV_FORK = 5,	 /* a followed process forked: func_id = child pid */
	FERRET_EV_SPAN = 6,	 /* stack mode: a whole kept call (struct ferret_span_event) */
	FERRET_EV_EXEC = 7,	 /* a followed thread exec'd: its open calls never return */
	/* Go code (struct ferret_go_event): calls belong to goroutines, not threads. */
	FERRET_EV_GO_ENTRY = 8, /* past a Go function's stack check */
	FERRET_EV_GO_EXIT = 9,	/* at one of its RET instructions */
	FERRET_EV_GO_END = 10,	/* runtime.goexit0: the goroutine is gone, its open calls end */
	/* -A, -R: a function with a capture plan (struct ferret_arg_plan) sends these instead
	 * of its entry and exit records. */
	FERRET_EV_ARGS = 11,	 /* an entry with its argument registers (struct ferret_args_event) */
	FERRET_EV_RET = 12,	 /* an exit with the return register (struct ferret_ret_event) */
	FERRET_EV_ARGS_STR = 13, /* an entry with registers and strings (struct ferret_args_str_event) */
};

/* Entry records: what the kernel will do about this call's return. */
enum ferret_entry_flags {
	FERRET_ENTRY_NO_RETURN = 1, /* past FERRET_MAX_URETPROBE_DEPTH: no return record will come */
	/* Entered where the thread's innermost pending return probe holds the return address: a
	 * tail call (jmp) out of that traced call, which stays open, at the same stack pointer. */
	FERRET_ENTRY_TAIL_CALL = 2,
};

/* --count-only, --overhead: what an entry probe does for its function (the probe_state map). */
enum ferret_probe_state {
	FERRET_PROBE_TRACED = 0,     /* entry and return: a span per call */
	FERRET_PROBE_COUNT_ONLY = 1, /* entry only: counted in func_hits, no event */
	FERRET_PROBE_REMOVED = 2,    /* --overhead took its probes away: ignored */
};
/* A probe_state value: the state in its low bits, above them the generation of its module's
 * live links, which their probes' BPF cookies carry above the function id (bits 32+). */
#define FERRET_PROBE_STATE_MASK 3
#define FERRET_PROBE_GEN_SHIFT 2
#define FERRET_PROBE_GENS 64

/* Thread records. */
enum ferret_thread_flags {
	FERRET_THREAD_RENAMED = 1, /* an announced thread's new name (prctl, exec, /proc/TID/comm) */
};

enum ferret_span_flags {
	FERRET_SPAN_INCOMPLETE = 1, /* no matching return: ended by longjmp, thread exit or tracing stop */
	FERRET_SPAN_NO_RETURN = 2,  /* the kernel gave the call no return probe: its end is not known */
};

/* One record in the ring buffer. Entry/exit are the hot path: keep it 24 bytes. */
struct ferret_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	union {
		__u32 pid; /* tgid; entry/exit records carry lost_mark instead (their thread
			    * was announced with its pid) */
		/* Entry/exit: counters.lost_events (low 32 bits) read before this record was
		 * reserved. A thread whose two records differ here may have lost a record in
		 * between, so its calls open across them cannot be paired for certain. */
		__u32 lost_mark;
	};
	__u32 tid;     /* kernel pid of the thread */
	__u32 func_id; /* the uprobe's BPF cookie: index into the loader's function table */
	__u16 type;    /* enum ferret_event_type */
	__u16 flags;   /* span records: enum ferret_span_flags; entries: enum ferret_entry_flags;
			* threads: enum ferret_thread_flags; 0 on the others */
};

/* A Go call's entry or return: keyed by the goroutine (its g, read from the thread's TLS,
 * valid in every Go function), not the thread it ran on. stack_pos = g.stack.hi - SP: the
 * same at a call's entry and its RET and unchanged when the runtime copies the stack, so an
 * open call whose position a later event of the goroutine reaches or passes is over (a
 * panic or runtime.Goexit unwound it). lost_mark as in ferret_event. */
struct ferret_go_event {
	struct ferret_event hdr;
	__u64 goroutine; /* the g's address */
	__u64 stack_pos;
	__u32 pid;
	__u32 pad;
};

/* An entry record (FERRET_EV_ENTRY): the header and the stack pointer at the call's first
 * instruction, where its return address is. Every call made while it is open enters lower on
 * the thread's stack; an entry higher up means it is over (a longjmp, or an unwinding, left
 * it). Returns need no stack pointer: they pair by function. */
struct ferret_entry_event {
	struct ferret_event hdr;
	__u64 sp;
};

struct ferret_thread_event {
	struct ferret_event hdr;
	char comm[FERRET_COMM_LEN];
};

/* Stack mode: one call, sent at its return (or when it is known never to return).
 * Ids come from one BPF counter, so a child can name its parent before the parent ends. */
struct ferret_span_event {
	struct ferret_event hdr; /* ts_ns = end; flags = enum ferret_span_flags */
	__u64 start_ns;
	__u64 span_id;	 /* from 1 */
	__u64 parent_id; /* 0: a root */
	__u32 depth;
	__u32 pad;
};

/* Stack mode: per-thread call stack kept in the kernel. */
struct ferret_frame {
	__u64 start_ns;
	__u64 span_id;
	/* The nearest enclosing call whose span is sent (0: none) and how many of those
	 * enclose it: with --max-rate a demoted function's calls send no span, and their
	 * children must name an ancestor that is stored. */
	__u64 parent_id;
	__u32 func_id;
	__u32 flags; /* enum ferret_frame_flags */
	__u32 depth;
	__u32 pad;
};

enum ferret_frame_flags {
	FERRET_FRAME_NESTED = 1,    /* an outer activation of the same function is on the stack */
	FERRET_FRAME_NO_RETURN = 2, /* the kernel gave the call no return probe */
	FERRET_FRAME_DEMOTED = 4,   /* its function was demoted (--max-rate) when it began: no span */
};

struct ferret_stack {
	__u32 pid;
	__u32 depth; /* may exceed FERRET_STACK_DEPTH: the excess is counted, not kept */
	struct ferret_frame frames[FERRET_STACK_DEPTH];
};

/* Stack mode: the func_stats map's value, per function and per CPU, is struct
 * func_figures (func_figures.h): both sides share its layout and the code adding a call. */

/* Counters the BPF side keeps; the loader reads them from .bss at the end. */
struct ferret_counters {
	__u64 lost_events;   /* ring buffer reservations that failed */
	__u64 next_span_id;  /* stack mode: last span id handed out */
	__u64 deep_dropped;  /* stack mode: calls deeper than FERRET_STACK_DEPTH, not recorded */
	__u64 no_stack;	     /* stack mode: a thread's stack could not be allocated */
	__u64 no_return;     /* stack mode: calls the kernel gave no return probe */
	__u64 forks;	     /* launched command: processes forked by followed ones, followed too */
};

/* ---- Explicit spans (ferret.h's USDT probes) and any USDT probe (-u, --usdt-span) ----
 * A USDT record's hdr.func_id is its probe's BPF cookie (low 32 bits): the index of the probe
 * in the tracer's USDT plan (trace/usdt_plan.h), which says what the probe is; lost_mark as
 * in entry/exit records. */
enum ferret_usdt_event_type {
	FERRET_EV_USDT_BEGIN = 14, /* struct ferret_usdt_begin: ferret:begin, or a --usdt-span start */
	FERRET_EV_USDT_END = 15,   /* struct ferret_event: ferret:end, or a --usdt-span end */
	FERRET_EV_USDT_NOTE = 16,  /* struct ferret_usdt_note: a tag, status or rename */
	FERRET_EV_USDT_FIRE = 17,  /* struct ferret_usdt_fire: a -u probe fired */
};

#define FERRET_USDT_STR_LEN 64 /* names, string values: longer ones are cut */
#define FERRET_USDT_KEY_LEN 32 /* tag keys */
#define FERRET_USDT_MAX_ARGS 12 /* libbpf's BPF_USDT_MAX_ARG_CNT */
/* Cookie bits 32+: what the BPF program reads at the probe. */
#define FERRET_USDT_COOKIE_SHIFT 32
enum ferret_usdt_cookie_flags {
	FERRET_USDT_READ_NAME = 1, /* begin: argument 0 is the span's name (ferret:begin) */
};

/* A note's kind (hdr.flags), with the arguments its probe gives. */
enum ferret_usdt_note_kind {
	FERRET_NOTE_TAG = 1,	 /* ferret:tag(key, value): key, text */
	FERRET_NOTE_TAG_INT = 2, /* ferret:tag_int(key, int64): key, value */
	FERRET_NOTE_STATUS = 3,	 /* ferret:status(status): text */
	FERRET_NOTE_NAME = 4,	 /* ferret:name(name): text */
};

struct ferret_usdt_begin {
	struct ferret_event hdr;
	char name[FERRET_USDT_STR_LEN]; /* "" unless FERRET_USDT_READ_NAME */
};

struct ferret_usdt_note {
	struct ferret_event hdr; /* flags: enum ferret_usdt_note_kind */
	__s64 value;
	char key[FERRET_USDT_KEY_LEN];
	char text[FERRET_USDT_STR_LEN];
};

struct ferret_usdt_fire {
	struct ferret_event hdr;
	__u32 nargs; /* the probe's arguments, at most FERRET_USDT_MAX_ARGS */
	__u32 pad;
	__s64 args[FERRET_USDT_MAX_ARGS]; /* as integers: a string argument is its address */
};

/* ---- Arguments and return values (-A, -R): per function, a capture plan the loader fills
 * (the arg_plans map, indexed by function id); functions without one send the plain
 * 24-byte records. ---- */

#define FERRET_ARG_REGS 6     /* rdi, rsi, rdx, rcx, r8, r9 */
#define FERRET_ARG_STRS 2     /* string arguments read per call */
#define FERRET_STR_MAX 256    /* --string-size's largest value */
#define FERRET_STR_UNREADABLE 0xffff /* str_len: the pointer's memory could not be read */

struct ferret_arg_plan {
	__u8 entry; /* 1: the entry sends FERRET_EV_ARGS (or _STR with strings) */
	__u8 ret;   /* 1: the return sends FERRET_EV_RET */
	__u8 str_arg[FERRET_ARG_STRS]; /* argument numbers (1..6) read as strings; 0: none */
	__u8 pad[4];
};

struct ferret_args_event {
	struct ferret_entry_event entry; /* as an entry's: lost_mark, flags, sp */
	__u64 regs[FERRET_ARG_REGS];
};

/* Each string slot holds string_size + 2 bytes (the loader's --string-size, a load-time
 * constant): a string of more than string_size bytes was cut (str_len > string_size). */
struct ferret_args_str_event {
	struct ferret_args_event args;
	__u16 str_len[FERRET_ARG_STRS]; /* bytes read before the NUL; FERRET_STR_UNREADABLE */
	__u32 pad;
	char str[]; /* FERRET_ARG_STRS slots of string_size + 1 bytes */
};

struct ferret_ret_event {
	struct ferret_event hdr; /* as an exit's */
	__u64 ret;		 /* rax */
};

/* ---- On-CPU, blocked and run-queue time (bpf/sched.bpf.h; not with --no-sched or in stack
 * mode): struct ferret_sched_event records of a thread that made a traced call, lost_mark
 * as for entries. ---- */
enum ferret_sched_event_type {
	FERRET_EV_SCHED_OUT = 18,    /* it left the CPU: func_id = the system call it was in
				      * (its orig_ax; 0xffffffff: none), flags below */
	FERRET_EV_SCHED_IN = 19,     /* it got a CPU */
	FERRET_EV_SCHED_WAKEUP = 20, /* it was woken: runnable, waiting for a CPU */
};

enum ferret_sched_flags {
	FERRET_SCHED_RUNNABLE = 1, /* SCHED_OUT: still runnable (preempted): in the run queue */
};

/* A switch of a traced thread. The kernel runs no BPF program on a switch made while the
 * CPU's previous task was inside one (or a BPF syscall), so a thread is now and then seen
 * leaving the CPU twice: the on-CPU time it had by then (the scheduler's own count) says
 * how long it ran in between. */
struct ferret_sched_event {
	struct ferret_event hdr; /* func_id, flags: as above */
	__u64 exec_ns;		 /* SCHED_OUT: the thread's se.sum_exec_runtime; 0 on the others */
};

#endif /* FERRET_EVENTS_H */
