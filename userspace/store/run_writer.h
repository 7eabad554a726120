/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * run_writer: writing a run (the tracer): the run's row, its modules, functions
 * and threads (at once: callers need their keys), stack mode's function
 * figures, and the run's end. Its spans go through the span writer it is given.
 */
#ifndef FERRET_RUN_WRITER_H
#define FERRET_RUN_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "span_writer.h"

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
struct func_figures_row {
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

/* A function whose probes were not the usual entry and return (function_probes). */
struct function_probe_row {
	int64_t function_key;
	bool count_only;       /* an entry probe only: calls counted, never timed */
	int64_t calls;	       /* every call seen, until removed_at_ns if removed */
	int64_t removed_at_ns; /* --overhead removed its probes then; 0: never */
};

/* What the tracer knows when a run ends. */
struct run_end {
	int64_t end_mono_ns;
	int64_t lost_events;
	int64_t no_return_spans; /* calls stored as SPAN_NO_RETURN */
	int64_t lost_spans;	 /* calls stored as SPAN_LOST */
	bool has_exit_code;
	int exit_code; /* launched command's exit status (128+sig if killed) */
};

struct run_writer;

/* NULL: out of memory (printed). spans stays the caller's. */
struct run_writer *run_writer__new(struct db *db, struct span_writer *spans);
void run_writer__free(struct run_writer *rw); /* NULL is a no-op */
int run_writer__begin(struct run_writer *rw, const struct run_info *info);
const char *run_writer__run_id(const struct run_writer *rw); /* the current (or last) run's name */
/* build_id: the file's GNU build-id as hex, NULL when it has none. */
int64_t run_writer__add_module(struct run_writer *rw, const char *path, const char *build_id);
/* symbol: the ELF symbol when name is its demangled form; NULL: the same as name. */
int64_t run_writer__add_function(struct run_writer *rw, int64_t module_key, const char *name,
				 const char *symbol, uint64_t offset);
/* The kind of the function's entry probe (functions.probe); NULL: not known. */
int run_writer__set_function_probe(struct run_writer *rw, int64_t function_key, const char *probe);
/* What one traced call with a probe of this kind cost when the run started (run_probe_costs). */
struct probe_cost_row {
	const char *probe; /* functions.probe's name */
	int64_t calls;	   /* traced calls timed */
	int64_t call_ns;   /* added to the caller's duration per call */
	int64_t inside_ns; /* the part of call_ns inside the call's own duration */
};
int run_writer__add_probe_cost(struct run_writer *rw, const struct probe_cost_row *c);
int64_t run_writer__add_thread(struct run_writer *rw, int pid, int tid, const char *comm);
/* The thread (a key add_thread gave) took a new name. */
int run_writer__rename_thread(struct run_writer *rw, int64_t thread_key, const char *comm);
int run_writer__add_func_figures(struct run_writer *rw, const struct func_figures_row *rec);
int run_writer__add_function_probe(struct run_writer *rw, const struct function_probe_row *rec);
/* Flushes the spans; the run's end is recorded even when some could not be (printed). */
int run_writer__end(struct run_writer *rw, const struct run_end *end);

#endif /* FERRET_RUN_WRITER_H */
