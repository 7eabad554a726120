/*
 * sched_time: each span's time on a CPU, blocked (asleep: I/O, locks, sleeps) and waiting in
 * the run queue, from its thread's context switches and wakeups (bpf/sched.bpf.h), and the
 * system call it was blocked in longest. Knows nothing of BPF or SQLite: unit-tested on
 * synthetic event sequences.
 *
 * Per thread (keyed by its store key): its state (on CPU, runnable, blocked in a system
 * call, or not known) since the last event, cumulative on-CPU/blocked/run-queue ns, and its
 * open spans, each with the counters at its start and its blocked ns per system call. Every
 * nanosecond between a span's start and end is in exactly one state, so for a span whose
 * figures are known, cpu + blocked + runq == its duration.
 *
 * Not known (sched_figures.known false): a span open when its thread's records were lost,
 * or whose start or end record was timed before the thread's last switch (the probe was
 * preempted between reading the clock and sending the record), or of a thread whose state
 * was not known at its start (its first call, or events lost).
 */
#ifndef FERRET_SCHED_TIME_H
#define FERRET_SCHED_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define SCHED_NO_SYSCALL (-1) /* blocked outside any system call (a page fault) */

struct sched_figures {
	bool known;
	int64_t cpu_ns, blocked_ns, runq_ns;
	/* The system call with the most blocked ns inside the span (SCHED_NO_SYSCALL: in none);
	 * only when blocked_ns > 0. */
	int32_t blocked_in;
};

struct sched_time;

struct sched_time *sched_time__new(void); /* NULL: out of memory */
void sched_time__free(struct sched_time *st);

/* The thread's records: it left the CPU (runnable: preempted, else asleep in system call
 * nr; exec_ns: its on-CPU ns so far, the scheduler's count), was woken, got a CPU. Ignored
 * while its state is not known. A thread that leaves the CPU again with no return to it seen
 * (the kernel runs no BPF program on some switches) ran for the growth of exec_ns just
 * before: the wait before that was in the run queue. 0 or -ENOMEM. */
int sched_time__out(struct sched_time *st, int64_t thread, int64_t ts, bool runnable, int32_t nr,
		    int64_t exec_ns);
int sched_time__wakeup(struct sched_time *st, int64_t thread, int64_t ts);
int sched_time__in(struct sched_time *st, int64_t thread, int64_t ts);
/* A call record of the thread: it is on a CPU at ts. A thread not known to be there (its
 * first record, or one missed) is from now; its open spans' figures are then not known. */
int sched_time__running(struct sched_time *st, int64_t thread, int64_t ts);
/* Records of the thread may be lost: its open spans' figures are not known, nor its state
 * until its next call record. */
void sched_time__lost(struct sched_time *st, int64_t thread);
/* A record of the thread carried the ring buffer's loss count: when it changed since the
 * thread's last record, sched_time__lost. */
void sched_time__lost_mark(struct sched_time *st, int64_t thread, uint32_t mark);
/* A span of the thread starts or ends at ts. close: *out (known false when not). Spans
 * end in any order (the innermost first is fastest). */
int sched_time__open(struct sched_time *st, int64_t thread, int64_t span_id, int64_t ts);
void sched_time__close(struct sched_time *st, int64_t thread, int64_t span_id, int64_t ts,
		       struct sched_figures *out);

#endif
