/*
 * trace_options: what `ferret trace` (and `ferret run`) are asked to do, parsed from the
 * command line through cmd/options.c's shared helpers.
 */
#ifndef FERRET_TRACE_OPTIONS_H
#define FERRET_TRACE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arg_spec.h"
#include "options.h"
#include "trace/trace_target.h"

#define DEFAULT_RINGBUF_MB 64

struct trace_opts {
	struct target_spec target;
	int64_t duration_ns; /* 0: until the target exits or a signal */
	const char *db;
	const char *run_id;
	long ringbuf_mb;
	bool no_calibrate; /* --no-calibrate: no probe costs measured, durations stay as measured */
	bool no_sched;	   /* --no-sched: no on-CPU/blocked time per span (no context-switch probes) */
	/* stack mode */
	bool min_duration_set;
	int64_t min_duration_ns;
	bool aggregate;
	long max_rate;
	/* probe budget */
	double overhead;	 /* --overhead as a fraction (0.05 for 5%); 0: off */
	char **count_only;	 /* --count-only globs */
	size_t ncount_only, count_only_cap;
	/* USDT probes (ferret.h's are always attached, in event mode) */
	char **usdt;	    /* -u PROVIDER:NAME patterns: instant events */
	size_t nusdt, usdt_cap;
	char **usdt_spans;  /* --usdt-span START,END: spans */
	size_t nusdt_spans, usdt_spans_cap;
	int64_t stall_ns; /* --stall: calls open longer are reported; 0: off */
	bool live;		 /* --live: top's view in this terminal (trace_live.h) */
	const char *live_output; /* --live-output: the command's output; NULL: DB.out */
	/* -A, -R, --error, --string-size: what calls carry (core/arg_spec.h) */
	struct arg_spec *specs;
	size_t nspecs, specs_cap;
	struct error_rule *rules;
	size_t nrules, rules_cap;
	long string_size;
	bool all_args;	  /* -a */
	bool errors_auto; /* --errors auto */
	char **names;	  /* --name 'PATTERN=TEMPLATE' */
	size_t nnames, names_cap;
};

/* argv[0] is "trace", or "run", which needs a program. PARSE_RUN: o is filled in. */
enum parse_result trace_options__parse(int argc, char **argv, struct trace_opts *o);
/* Frees the pattern lists parsing made (whatever it returned). */
void trace_options__free(struct trace_opts *o);
/* --min-duration, --aggregate or --max-rate: calls are tracked and aggregated in the kernel. */
bool trace_options__stack_mode(const struct trace_opts *o);

#endif
