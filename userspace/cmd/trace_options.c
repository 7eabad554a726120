#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		"  -u, --usdt PROBE       record each firing of the USDT probe PROVIDER:NAME (globs;\n"
		"                         MODULE:PROVIDER:NAME in a library) as an instant event\n"
		"                         with its arguments; repeatable\n"
		"  --usdt-span START,END  a span from each firing of probe START to the next of END\n"
		"                         on the same thread (PROVIDER:NAME each); repeatable\n"
		"  --stall TIME           report each call open longer than TIME (30s, 500ms) once,\n"
		"                         as it happens, with its thread and call chain (also in\n"
		"                         the run: its stalls table)\n"
		"  --live                 show the run as ferret top does, in this terminal, while\n"
		"                         tracing: q closes the view (tracing goes on), Ctrl-C\n"
		"                         stops tracing; a command's output goes to a file\n"
		"  --live-output FILE     where --live puts the command's stdout and stderr\n"
		"                         (default: the database's path with .out added)\n"
		"  -A, --argument SPEC    FUNC@arg1[/FMT][,arg2...]: store these arguments of each\n"
		"                         call (FMT: d i u x s c p, i8..i64, u8..u64, x8..x64);\n"
		"                         FUNC as -f's, and traced; repeatable\n"
		"  -R, --retval SPEC      FUNC@retval[/FMT]: store the return value; repeatable\n"
		"  --error RULE           FUNC:ret<0 (==, !=, <, <=, >, >= a number): calls whose\n"
		"                         return value matches are errors; repeatable\n"
		"  --string-size N        bytes kept of each /s string (default 64, at most 256)\n"
		"  -a, --args             every traced function's parameters and return value,\n"
		"                         named and typed from DWARF (libc's functions without\n"
		"                         it: from ferret's table of libc prototypes)\n"
		"  --errors auto          errors from those types: NULL pointers, and -4095..-1\n"
		"                         from signed int/long (the libc table: each function's own)\n"
		"  --name PATTERN=TMPL    name each call from its values: 'handle=request {arg1}'\n"
		"                         ({arg1}..{arg6}, {ret}, DWARF's names with -a); repeatable\n"
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
       OPT_COUNT_ONLY, OPT_NO_PTRACE, OPT_USDT_SPAN, OPT_STALL, OPT_ERROR, OPT_STRING_SIZE,
       OPT_ERRORS, OPT_NAME, OPT_NO_SCHED, OPT_LIVE, OPT_LIVE_OUTPUT };

/* -A, -R: a spec, and its function traced as -f would. */
static enum parse_result add_spec(struct trace_opts *o, char *text, bool retval)
{
	char err[256];
	struct arg_spec spec;

	if (arg_spec__parse(text, retval, &spec, err, sizeof(err))) {
		ferr("%s: %s", retval ? "-R" : "-A", err);
		return PARSE_USAGE;
	}
	if (grow_array((void **)&o->specs, &o->specs_cap, o->nspecs + 1, sizeof(*o->specs))) {
		arg_spec__free(&spec);
		ferr("out of memory");
		return PARSE_USAGE;
	}
	o->specs[o->nspecs++] = spec;
	return add_pattern(&o->target.includes, &o->target.ninc, &o->target.inc_cap, spec.pattern)
		       ? PARSE_USAGE : PARSE_RUN;
}

static enum parse_result add_rule(struct trace_opts *o, const char *text)
{
	char err[256];
	struct error_rule rule;

	if (error_rule__parse(text, &rule, err, sizeof(err))) {
		ferr("--error: %s", err);
		return PARSE_USAGE;
	}
	if (grow_array((void **)&o->rules, &o->rules_cap, o->nrules + 1, sizeof(*o->rules))) {
		error_rule__free(&rule);
		ferr("out of memory");
		return PARSE_USAGE;
	}
	o->rules[o->nrules++] = rule;
	return PARSE_RUN;
}

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
	{ "usdt", required_argument, NULL, 'u' },
	{ "usdt-span", required_argument, NULL, OPT_USDT_SPAN },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "live-output", required_argument, NULL, OPT_LIVE_OUTPUT },
	{ "argument", required_argument, NULL, 'A' },
	{ "retval", required_argument, NULL, 'R' },
	{ "error", required_argument, NULL, OPT_ERROR },
	{ "string-size", required_argument, NULL, OPT_STRING_SIZE },
	{ "args", no_argument, NULL, 'a' },
	{ "errors", required_argument, NULL, OPT_ERRORS },
	{ "name", required_argument, NULL, OPT_NAME },
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
	case OPT_STALL: return options__duration("--stall", arg, &o->stall_ns);
	case OPT_COUNT_ONLY:
		return add_pattern(&o->count_only, &o->ncount_only, &o->count_only_cap, arg) ? PARSE_USAGE
											  : PARSE_RUN;
	case OPT_MIN_DURATION:
		o->min_duration_set = true;
		return options__duration("--min-duration", arg, &o->min_duration_ns);
	case 'f':
		return add_pattern(&t->includes, &t->ninc, &t->inc_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case 'u':
		return add_pattern(&o->usdt, &o->nusdt, &o->usdt_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case OPT_USDT_SPAN:
		return add_pattern(&o->usdt_spans, &o->nusdt_spans, &o->usdt_spans_cap, arg) ? PARSE_USAGE
											     : PARSE_RUN;
	case 'x':
		return add_pattern(&t->excludes, &t->nexc, &t->exc_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case OPT_ALL: t->all = true; return PARSE_RUN;
	case OPT_AGGREGATE: o->aggregate = true; return PARSE_RUN;
	case OPT_NO_CALIBRATE: o->no_calibrate = true; return PARSE_RUN;
	case OPT_NO_SCHED: o->no_sched = true; return PARSE_RUN;
	case OPT_NO_PTRACE: t->no_ptrace = true; return PARSE_RUN;
	case OPT_LIVE: o->live = true; return PARSE_RUN;
	case OPT_LIVE_OUTPUT: o->live_output = arg; return PARSE_RUN;
	case 'v': ferret_verbose++; return PARSE_RUN;
	case 'A': return add_spec(o, arg, false);
	case 'R': return add_spec(o, arg, true);
	case OPT_ERROR: return add_rule(o, arg);
	case 'a': o->all_args = true; return PARSE_RUN;
	case OPT_NAME: return add_pattern(&o->names, &o->nnames, &o->names_cap, arg) ? PARSE_USAGE : PARSE_RUN;
	case OPT_ERRORS:
		if (strcmp(arg, "auto")) {
			ferr("--errors takes 'auto', not '%s' (explicit rules: --error FUNC:ret<0)", arg);
			return PARSE_USAGE;
		}
		o->errors_auto = true;
		return PARSE_RUN;
	case OPT_STRING_SIZE: return options__number("--string-size", arg, 1, 256, &o->string_size);
	default: return PARSE_USAGE; /* getopt_long returned a value it was not given */
	}
}

/* --overhead holds the traced processes still while it swaps probes: --all has no list of
 * them. Stack mode keeps calls in the kernel, whose open ones a removal would cut short. */
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
	if ((o->nusdt || o->nusdt_spans) && trace_options__stack_mode(o)) {
		ferr("-u and --usdt-span do not go with --min-duration, --aggregate or --max-rate "
		     "(USDT probes are paired in userspace, stack mode pairs calls in the kernel)");
		return PARSE_USAGE;
	}
	if (o->stall_ns && trace_options__stack_mode(o)) { /* its open calls are in the kernel */
		ferr("--stall does not go with --min-duration, --aggregate or --max-rate");
		return PARSE_USAGE;
	}
	/* Stack mode's calls are kept in the kernel: their values would need a place there. */
	if ((o->nspecs || o->nrules || o->all_args || o->errors_auto || o->nnames) && trace_options__stack_mode(o)) {
		ferr("-a, -A, -R, --error, --errors and --name do not go with --min-duration, --aggregate or --max-rate");
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !strcmp(a, b) || (!stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* --live draws on the terminal ferret's stdout is; the figures are its stored spans'. */
static enum parse_result check_live(const struct trace_opts *o)
{
	if (o->live_output && !o->live) {
		ferr("--live-output goes with --live");
		return PARSE_USAGE;
	}
	if (o->live_output && !o->target.argv) {
		ferr("--live-output is where --live puts a launched command's output: -p and --all launch none");
		return PARSE_USAGE;
	}
	if (o->live_output && same_file(o->live_output, o->db)) {
		ferr("--live-output %s is the database", o->live_output);
		return PARSE_USAGE;
	}
	if (o->live && trace_options__stack_mode(o)) {
		ferr("--live does not go with --min-duration, --aggregate or --max-rate (it shows the "
		     "stored spans, and their calls are not all stored)");
		return PARSE_USAGE;
	}
	if (o->live && !isatty(STDOUT_FILENO)) {
		ferr("--live draws on a terminal, and stdout is not one (ferret top DB shows a run from any terminal)");
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

/* '+': the options end at the program to trace, whose own options are its own.
 * argv[0] is "trace", or "run" which needs a program. */
enum parse_result trace_options__parse(int argc, char **argv, struct trace_opts *o)
{
	bool run = !strcmp(argv[0], "run");

	enum parse_result r;
	int c;

	*o = (struct trace_opts){ .ringbuf_mb = DEFAULT_RINGBUF_MB, .string_size = 64 };
	options__reset();
	while ((c = getopt_long(argc, argv, "+:p:f:x:d:u:A:R:avh", long_opts, NULL)) != -1) {
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
	return check_budget(o) == PARSE_RUN ? check_live(o) : PARSE_USAGE;
}

void trace_options__free(struct trace_opts *o)
{
	size_t i;

	free(o->target.includes);
	free(o->target.excludes);
	free(o->count_only);
	free(o->usdt);
	free(o->usdt_spans);
	for (i = 0; i < o->nspecs; i++)
		arg_spec__free(&o->specs[i]);
	for (i = 0; i < o->nrules; i++)
		error_rule__free(&o->rules[i]);
	free(o->specs);
	free(o->rules);
	free(o->names);
	*o = (struct trace_opts){ 0 };
}
