/*
 * loader: the BPF side's lifecycle. Opens and loads the skeleton, fills the
 * pid filter, attaches one uprobe.multi link for entries and one for returns
 * per module (the BPF cookie is the function's index in the selection), and
 * detaches. Falls back to one perf-event uprobe per function only where the
 * kernel lacks uprobe_multi (before 6.6), and says so.
 */
#ifndef FERRET_LOADER_H
#define FERRET_LOADER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "bpf/func_figures.h"
#include "elf/selection.h"

struct loader_opts {
	bool filter_pids;	/* false with --all */
	bool follow_forks;	/* launched command: trace its descendants */
	uint32_t ringbuf_bytes; /* a power of two, >= 4096 */
	int attach_pid;		/* kernel-side process filter for the probes, -1 for none */
	int main_pid;		/* the launched or attached process (0: none): no map lookup for it */
	/* Stack mode (--min-duration, --aggregate, --max-rate): calls tracked and
	 * aggregated in the kernel; only kept calls reach the ring buffer. */
	bool stack_mode;
	bool emit_spans;	  /* false with --aggregate */
	uint64_t min_duration_ns; /* shorter calls are only aggregated */
	uint32_t nfuncs;	  /* size of the per-function maps */
	bool probe_states;	  /* --count-only, --overhead: entries check loader__set_probe_state's */
	/* -A, -R (loader_args.c): arg_plans[func_id] says what its calls capture; NULL: none
	 * anywhere (the hot path is then the plain one). */
	const struct loader_arg_plan *arg_plans;
	uint32_t string_size; /* bytes kept of each string argument (<= LOADER_STRING_MAX) */
	/* On-CPU, blocked and run-queue time: traced threads' context switches and wakeups
	 * are sent (loader_sched.c); false with --no-sched, ignored in stack mode. */
	bool sched;
};

/* One function's capture plan. */
#define LOADER_ARG_STRS 2     /* string arguments per call */
#define LOADER_STRING_MAX 256 /* --string-size's largest value */
struct loader_arg_plan {
	bool entry;		       /* its entries send the 6 integer argument registers */
	bool ret;		       /* its returns send rax */
	uint8_t str_arg[LOADER_ARG_STRS]; /* arguments (1..6) read as strings; 0: none */
};

/* What a function's entry probe does (probe_states): set before attaching, or later. */
enum loader_probe_state {
	LOADER_PROBE_TRACED = 0,     /* entry and return probes: its calls are spans */
	LOADER_PROBE_COUNT_ONLY = 1, /* an entry probe only: counted (loader__func_hits), no spans */
	LOADER_PROBE_REMOVED = 2,    /* no probes (after loader__reattach_module); ignored at once */
};

/* What the BPF side counted that did not become a record. */
struct loader_counters {
	uint64_t lost_events;  /* ring buffer reservations that failed */
	uint64_t deep_dropped; /* stack mode: calls deeper than LOADER_STACK_DEPTH, not recorded */
	uint64_t no_stack;     /* stack mode: a thread's stack could not be allocated */
	uint64_t no_return;    /* stack mode: calls the kernel gave no return probe */
	uint64_t forks;	       /* follow_forks: processes forked by followed ones, followed too */
};

#define LOADER_STACK_DEPTH 128 /* stack mode: calls kept per thread in the kernel */
/* The kernel keeps at most this many pending return probes per thread; a call made past it
 * gets none (its entry says so, and it is stored as no_return). */
#define LOADER_MAX_RETURN_PROBES 64

/* Stack mode: a call a thread still had open in the kernel when tracing stopped. */
struct open_frame {
	uint64_t start_ns;
	uint64_t span_id;  /* 0 with --aggregate: no spans */
	uint32_t func_id;
	bool nested;	   /* an outer activation of the same function is on the stack */
	bool no_return;	   /* the kernel gave it no return probe */
	bool sends_span;   /* false: its function was demoted (--max-rate) when it began */
	uint64_t parent_id; /* the nearest enclosing frame that sends a span; 0: none */
	uint32_t depth;	    /* how many of those enclose it */
};

struct loader;
typedef int (*loader_event_fn)(void *ctx, void *data, size_t size);

int loader__open(const struct loader_opts *opts, struct loader **out);
int loader__add_pid(struct loader *l, int pid);
int loader__attach(struct loader *l, const struct selection *sel);
/* The same selection's probes once more, filtered on process pid (a link per module, as
 * for attach_pid): for a followed process forked by a traced one (follow.c). */
int loader__attach_pid(struct loader *l, int pid);
/* USDT probes (loader_usdt.c): every site of the plan, filtered like the selection's links;
 * a site's index in the plan is its cookie. NULL: none. */
struct usdt_plan;
int loader__attach_usdt(struct loader *l, const struct usdt_plan *p);
/* Removes the probes loader__attach_pid attached for pid (the process exited). */
void loader__detach_pid(struct loader *l, int pid);
/* Drains what the ring buffer holds now, or waits up to timeout_ms for data. */
int loader__poll(struct loader *l, int timeout_ms);
int loader__set_handler(struct loader *l, loader_event_fn fn, void *ctx);
void loader__detach(struct loader *l);
/* Every call that could not be recorded: ring buffer full, stack too deep, no stack memory. */
uint64_t loader__lost_events(const struct loader *l);
void loader__counters(const struct loader *l, struct loader_counters *out);
/* follow_forks: whether a process added with loader__add_pid, or forked by a followed one,
 * is still alive. */
bool loader__followed_alive(const struct loader *l);
/* Stack mode: a function's figures summed over CPUs (every call, kept or not). */
int loader__func_figures(const struct loader *l, uint32_t func_id, struct func_figures *sum);
/* --max-rate: stop sending this function's spans; it is still aggregated. */
int loader__demote(struct loader *l, uint32_t func_id);
/* Stack mode: every thread's calls still open, outermost first (call after detaching).
 * cb gets at most LOADER_STACK_DEPTH frames; a non-zero return stops the walk. */
typedef int (*loader_open_stack_fn)(void *ctx, uint32_t pid, uint32_t tid,
				    const struct open_frame *frames, uint32_t nframes);
int loader__open_stacks(const struct loader *l, loader_open_stack_fn cb, void *ctx);
/* probe_states: from now, the BPF side treats the function's entries as state says. Its
 * probes follow at the next attach or loader__reattach_module. */
int loader__set_probe_state(struct loader *l, uint32_t func_id, enum loader_probe_state state);
/* uprobe_multi, not Go: attaches new links for module m's functions as their states say and
 * makes them the live ones: from then on the old links' probes are ignored (a call hitting
 * both counts once). On failure the old links stay live. The caller keeps the traced
 * processes from running meanwhile, or a call could be seen by neither or both. */
int loader__replace_module_links(struct loader *l, const struct selection *sel, size_t m);
/* Destroys the links replaced: the kernel waits for a grace period that threads running
 * traced code delay (their pending return probes), so best with the processes still held. */
void loader__drop_replaced_links(struct loader *l);
#define LOADER_PROBE_GENS 64 /* link generations, in turn */
/* A count-only function's calls so far, summed over CPUs. */
uint64_t loader__func_hits(const struct loader *l, uint32_t func_id);
/* The processes in the pid filter (at most max of them); how many. */
size_t loader__followed_pids(const struct loader *l, int *pids, size_t max);
bool loader__uses_multi(const struct loader *l);
/* Whether context switches of traced threads are sent (loader_opts.sched, not stack mode). */
bool loader__sched_on(const struct loader *l);
size_t loader__probe_count(const struct loader *l); /* uprobes + uretprobes attached */
double loader__attach_seconds(const struct loader *l);
double loader__detach_seconds(const struct loader *l);
void loader__free(struct loader *l); /* detaches; NULL is a no-op */

/* An entry or return record, as calibration (calibrate.c) reads its own calls. */
struct loader_call_record {
	uint64_t ts_ns;
	uint32_t tid, func_id;
	bool entry;
};
/* false: the record is of another kind (a thread, a fork, ...). */
bool loader__call_record(const void *data, size_t size, struct loader_call_record *out);

#endif
