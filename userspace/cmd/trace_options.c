#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "trace_options.h"

bool trace_options__stack_mode(const struct trace_opts *o)
{
	return o->min_duration_set || o->aggregate || o->max_rate;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret trace [options] -p PID\n"
		"       ferret trace [options] -- PROGRAM [ARGS...]\n"
		"       ferret trace [options] --all -f BINARY:GLOB\n"
		"       ferret run [options] PROGRAM [ARGS...]\n"
		"\n"
		"  -p, --pid PID          trace every thread of a running process\n"
		"  --all                  trace every process that runs the selected binaries\n"
		"  -f, --function PATTERN GLOB (main executable) or MODULE:GLOB (libc:malloc,\n"
		"                         /usr/lib/x/libfoo.so:foo_*); repeatable. Default: every\n"
		"                         function of the main executable\n"
		"  -x, --exclude PATTERN  leave these out (same forms as -f); repeatable\n"
		"  -d, --duration SECONDS stop after this long (also: Ctrl-C, SIGTERM, target exit)\n"
		"  --db FILE              database to add the run to (default " DEFAULT_DB ")\n"
		"  --run-id NAME          name of the run (default run-DATE-TIME)\n"
		"  --buffer-size MB       ring buffer size, a power of two (default %d)\n"
		"  --min-duration TIME    store only calls that last at least TIME (50us, 2ms);\n"
		"                         every call is still counted and timed per function\n"
		"  --aggregate            store no spans, only per-function counts, totals and\n"
		"                         latency histograms\n"
		"  --max-rate N           a function called more than N times a second is\n"
		"                         aggregated only from then on\n"
		"  --no-calibrate         do not measure the probes' cost first (~0.1 s): analyze\n"
		"                         then shows durations as measured\n"
		"  --no-sched             no on-CPU, blocked and run-queue time per span (saves\n"
		"                         the cost of following the traced threads' context switches)\n"
		"  --overhead PCT         keep the probes' estimated cost under PCT of the traced\n"
		"                         processes' CPU time (5%%): the costliest functions lose\n"
		"                         their probes, checked once a second (-p or a command)\n"
		"  --count-only GLOB      functions named GLOB get an entry probe only: calls\n"
		"                         counted exactly, no spans or times; repeatable\n"
		"  --no-ptrace            follow a command's children without ptrace (for a command\n"
		"                         that uses it: a debugger, strace): every process mapping\n"
		"                         a traced file then gets the breakpoints\n"
		"  -v, --verbose          more detail (twice: libbpf's too)\n",
		DEFAULT_RINGBUF_MB);
}

static int add_pattern(char ***list, size_t *n, size_t *cap, char *pattern)
{
	if (grow_array((void **)list, cap, *n + 1, sizeof(**list))) {
		ferr("out of memory");
		return -ENOMEM;
	}
	(*list)[(*n)++] = pattern;
	return 0;
}

static enum parse_result parse_buffer_size(const char *text, long *mb)
{
	if (parse_long(text, mb) || *mb < 1 || *mb > 2048 || (*mb & (*mb - 1))) {
		ferr("--buffer-size needs a power of two from 1 to 2048 (MB), not '%s'", text);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

enum { OPT_ALL = OPT_OWN, OPT_BUFFER, OPT_AGGREGATE, OPT_MAX_RATE, OPT_NO_CALIBRATE, OPT_OVERHEAD,
       OPT_COUNT_ONLY, OPT_NO_PTRACE, OPT_NO_SCHED };

/* "5%", "5" or "0.5%": a share above 0 and below 100 %. */
static enum parse_result parse_overhead(const char *text, double *fraction)
{
	char *end;
	double pct = strtod(text, &end);

	if (end == text || (*end && strcmp(end, "%")) || !(pct > 0 && pct < 100)) {
		ferr("--overhead needs a percentage above 0 and below 100 (5%%, 0.5%%), not '%s'", text);
		return PARSE_USAGE;
	}
	*fraction = pct / 100;
	return PARSE_RUN;
}


static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "function", required_argument, NULL, 'f' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "duration", required_argument, NULL, 'd' },
	OPTION_DB,
	OPTION_RUN_ID,
	{ "all", no_argument, NULL, OPT_ALL },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION },
	{ "aggregate", no_argument, NULL, OPT_AGGREGATE },
	{ "max-rate", required_argument, NULL, OPT_MAX_RATE },
	{ "no-calibrate", no_argument, NULL, OPT_NO_CALIBRATE },
	{ "no-sched", no_argument, NULL, OPT_NO_SCHED },
	{ "overhead", required_argument, NULL, OPT_OVERHEAD },
	{ "count-only", required_argument, NULL, OPT_COUNT_ONLY },
	{ "no-ptrace", no_argument, NULL, OPT_NO_PTRACE },
	{ "verbose", no_argument, NULL, 'v' },
	OPTION_HELP,
	{ 0 },
};

static enum parse_result apply_opt(int c, char *arg, struct trace_opts *o)
{
	struct target_spec *t = &o->target;

	switch (c) {
	case 'p': return options__id("-p", "process", arg, &t->pid);
	case 'd': return options__seconds("-d", arg, &o->duration_ns);
	case OPT_DB: return options__db(arg, &o->db);
	case OPT_RUN_ID: return options__run_id(arg, &o->run_id);
	case OPT_BUFFER: return parse_buffer_size(arg, &o->ringbuf_mb);
	case OPT_MAX_RATE: return options__number("--max-rate", arg, 1, LONG_MAX, &o->max_rate);
	case OPT_OVERHEAD: return parse_overhead(arg, &o->overhead);
	case OPT_COUNT_ONLY:
		return add_pattern(&o->count_only, &o->ncount_only, &o->count_only_cap, arg) ? PARSE_USAGE
											  : PARSE_RUN;
	case OPT_MIN_DURATION:
		o->min_duration_set = true;
		return options__duration("--min-duration", arg, &o->min_duration_ns);
	case 'f':
		return add_pattern(&t->includes, &t->ninc, &t->inc_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case 'x':
		return add_pattern(&t->excludes, &t->nexc, &t->exc_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case OPT_ALL: t->all = true; return PARSE_RUN;
	case OPT_AGGREGATE: o->aggregate = true; return PARSE_RUN;
	case OPT_NO_CALIBRATE: o->no_calibrate = true; return PARSE_RUN;
	case OPT_NO_SCHED: o->no_sched = true; return PARSE_RUN;
	case OPT_NO_PTRACE: t->no_ptrace = true; return PARSE_RUN;
	case 'v': ferret_verbose++; return PARSE_RUN;
	default: return PARSE_USAGE; /* getopt_long returned a value it was not given */
	}
}

/* --overhead holds the traced processes still while it swaps probes: --all has no list of
 * them. Stack mode keeps calls in the kernel, whose open ones a removal would cut short.
 * Holding them is a ptrace seize, which a command's followed processes, already seized by
 * ferret, refuse: their children are then followed in the kernel (--no-ptrace). */
static enum parse_result check_budget(struct trace_opts *o)
{
	if (o->overhead && o->target.all) {
		ferr("--overhead needs -p PID or a command: with --all ferret cannot hold the traced "
		     "processes still while it removes probes");
		return PARSE_USAGE;
	}
	if (o->overhead && trace_options__stack_mode(o)) {
		ferr("--overhead does not go with --min-duration, --aggregate or --max-rate");
		return PARSE_USAGE;
	}
	if (o->overhead)
		o->target.no_ptrace = true;
	return PARSE_RUN;
}

/* '+': the options end at the program to trace, whose own options are its own.
 * argv[0] is "trace", or "run" which needs a program. */
enum parse_result trace_options__parse(int argc, char **argv, struct trace_opts *o)
{
	bool run = !strcmp(argv[0], "run");

	enum parse_result r;
	int c;

	*o = (struct trace_opts){ .ringbuf_mb = DEFAULT_RINGBUF_MB };
	options__reset();
	while ((c = getopt_long(argc, argv, "+:p:f:x:d:vh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		}
		if (c == '?' || c == ':')
			return options__bad_option(c, argv, argv[0]);
		if ((r = apply_opt(c, optarg, o)) != PARSE_RUN)
			return r;
	}
	if (!o->db)
		o->db = DEFAULT_DB;
	o->target.argv = optind < argc ? argv + optind : NULL;
	if (run && !o->target.argv) {
		ferr("run needs a program: ferret run [options] PROGRAM [ARGS...]");
		return PARSE_USAGE;
	}
	if (target_spec__check(&o->target))
		return PARSE_USAGE;
	return check_budget(o);
}
