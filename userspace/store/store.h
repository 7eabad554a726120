/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store: the only door to ferret's SQLite database. Only store*.c include
 * sqlite3.h. Every function that fails prints one line "ferret: ..." to stderr
 * and returns a negative value (or NULL), so callers just propagate.
 *
 * Keys: rows reference each other by integer keys (run_key, module_key,
 * function_key, thread_key). A run's user-visible name is its run_id (text).
 * Times are CLOCK_MONOTONIC nanoseconds; a run's wall-clock anchor
 * (start_real_ns, CLOCK_REALTIME taken at the same instant as start_mono_ns)
 * converts them: real = start_real_ns + (t - start_mono_ns).
 */
#ifndef FERRET_STORE_H
#define FERRET_STORE_H

#include <stdbool.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 2

struct store;

enum store_mode {
	STORE_READ,  /* existing DB only: missing file is an error */
	STORE_WRITE, /* create (0600) if missing, else open and check it is ferret's */
};

enum span_status {
	SPAN_OK = 0,
	SPAN_INCOMPLETE = 1, /* no matching return: longjmp, exit, crash, tracing stopped */
	SPAN_NO_RETURN = 2,  /* the kernel gave the call no return probe (nesting limit): end unknown */
	SPAN_LOST = 3,	     /* events of its thread were lost while it was open: end unknown */
};

/* What the tracer knows when a run starts. Strings are copied. */
struct run_info {
	const char *run_id;   /* NULL: generate one ("run-YYYYmmdd-HHMMSS-N") */
	const char *command;  /* command line, or "pid 4242", or "--all /usr/bin/x" */
	const char *mode;     /* "pid", "command", "all" */
	int pid;	      /* traced or launched pid; 0 with --all */
	int64_t start_mono_ns;
	int64_t start_real_ns;
	/* Kernel-side filtering (stack mode). Zero values: off. */
	int64_t min_duration_ns; /* --min-duration; -1: not given */
	bool aggregate;		 /* --aggregate: no spans, only function_stats */
	int64_t max_rate;	 /* --max-rate calls/s; 0: off */
};

/* Stack mode: one function's figures over every call, kept as a span or not. */
struct func_stats_rec {
	int64_t function_key;
	int64_t calls;
	int64_t total_ns; /* outermost activations only */
	int64_t sum_ns;	  /* every activation */
	int64_t min_ns;
	int64_t max_ns;
	const uint64_t *hist; /* log2 buckets: hist[i] counts calls in [2^i, 2^(i+1)) ns */
	int nbuckets;
	int64_t demoted_at_ns; /* --max-rate switched it to aggregate-only then; 0: never */
};

/* What the tracer knows when a run ends. */
struct run_end {
	int64_t end_mono_ns;
	int64_t lost_events;
	bool has_exit_code;
	int exit_code; /* launched command's exit status (128+sig if killed) */
};

/* One finished (or incomplete) call. span_id comes from store__next_span_id(). */
struct span_rec {
	int64_t span_id; /* first: batches are sorted by it (compare_int64_keys) */
	int64_t parent_id; /* 0: a root span */
	int64_t thread_key;
	int64_t function_key;
	int64_t start_ns;
	int64_t end_ns;
	int32_t depth;	/* 0 for a root */
	int32_t status; /* enum span_status */
};

/* A run as the readers see it (run_view plus the anchor). */
struct run_row {
	int64_t run_key;
	char run_id[128];
	char command[512];
	char mode[16];
	char host[128];
	char kernel[128];
	char version[32];
	int pid;
	int64_t start_mono_ns;
	int64_t end_mono_ns; /* == start_mono_ns while a run is in progress */
	int64_t start_real_ns;
	int64_t spans;
	int64_t threads;
	int64_t functions;
	int64_t lost_events;
	bool has_exit_code;
	int exit_code;
};

/* One span as the readers see it. Strings stay valid until the next span_iter__next(). */
struct span_row {
	int64_t span_id;
	int64_t parent_id; /* 0 for a root */
	int64_t thread_key;
	int64_t function_key;
	int pid;
	int tid;
	const char *comm;
	const char *function;
	const char *module; /* full path of the module */
	int64_t start_ns;
	int64_t end_ns;
	int32_t depth;
	int32_t status;
};

/* Which spans a reader wants. Zero fields mean "no filter". */
struct span_filter {
	int pid;
	int tid;
	const char *function_glob; /* SQLite GLOB on the function name */
	int64_t min_duration_ns;
};

/* ---- opening ---- */
int store__open(const char *path, enum store_mode mode, struct store **out);
void store__free(struct store *s); /* NULL is a no-op; flushes pending writes */

/* ---- writing a run (the tracer) ---- */
int store__begin_run(struct store *s, const struct run_info *info);
const char *store__run_id(const struct store *s); /* the current run's name */
int64_t store__add_module(struct store *s, const char *path);
/* symbol: the ELF symbol when name is its demangled form; NULL: the same as name. */
int64_t store__add_function(struct store *s, int64_t module_key, const char *name, const char *symbol,
			     uint64_t offset);
int64_t store__add_thread(struct store *s, int pid, int tid, const char *comm);
/* A call as it starts (end_ns and status unset): returns its span id. The
 * fastest way in, for spans built from entries and returns. */
int64_t store__open_span(struct store *s, const struct span_rec *call);
/* The same call, finished or incomplete; span_id from store__open_span. */
int store__close_span(struct store *s, const struct span_rec *span);
/* count span ids of the file for ids handed out elsewhere (stack mode's BPF
 * counter); returns the first. Unused ones go back when the run ends, unless
 * another writer reserved ids since. */
int64_t store__reserve_span_ids(struct store *s, int64_t count);
/* Whole spans: an id unique in the file, then the span, any order. */
int64_t store__next_span_id(struct store *s);
int store__append_span(struct store *s, const struct span_rec *span); /* batched */
int store__add_func_stats(struct store *s, const struct func_stats_rec *rec);
int store__flush(struct store *s); /* commit what is batched */
int store__end_run(struct store *s, const struct run_end *end);

/* ---- reading ---- */
/* run_id NULL: the latest run. Unknown id: error lists the available ones. */
int store__find_run(struct store *s, const char *run_id, struct run_row *out);
/* Calls cb for every run, oldest first; a non-zero return from cb stops and is returned. */
int store__list_runs(struct store *s, int (*cb)(const struct run_row *run, void *ctx), void *ctx);

/* Spans of one run, ordered by thread_key, then start_ns, then span_id (ids are
 * allocated at entry, so a parent always comes before its children). */
struct span_iter;
struct span_iter *store__spans(struct store *s, int64_t run_key, const struct span_filter *filter);
/* 1: *row filled; 0: no more; <0: error (printed). */
int span_iter__next(struct span_iter *it, struct span_row *row);
void span_iter__free(struct span_iter *it);

#endif /* FERRET_STORE_H */
