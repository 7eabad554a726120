/* ferret analyze [DB] [options]: the statistics table (default) or the call tree (--tree). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "commands.h"
#include "core/log.h"
#include "core/util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret analyze [DB] [options]     (DB defaults to ferret.db)\n"
		"\n"
		"  --run-id ID        the run to read (default: the latest; 'ferret runs DB' lists them)\n"
		"  --pid PID          only the threads of process PID\n"
		"  --thread TID       only thread TID\n"
		"  -f, --function GLOB  table: rows of matching functions; tree: subtrees of matching calls\n"
		"  --json             machine-readable output\n"
		"table (the default view):\n"
		"  --sort COL         function, module, calls, total (default), self, min, avg,\n"
		"                     p50, p95, p99, max or errors\n"
		"  --limit N          rows shown (default 20 as text, all with --json; 0: all)\n"
		"  --approx           percentiles from a histogram (within 1.6%%): one pass fewer\n"
		"tree:\n"
		"  -t, --tree         the merged call tree of each thread\n"
		"  --calls            every call on its own, in time order (implies --tree)\n"
		"  --max-depth N      show N levels of calls\n"
		"  --min-percent P    hide nodes under P%% of their thread's time\n");
}

enum {
	OPT_DB = 256,
	OPT_RUN_ID,
	OPT_JSON,
	OPT_SORT,
	OPT_LIMIT,
	OPT_PID,
	OPT_THREAD,
	OPT_CALLS,
	OPT_MAX_DEPTH,
	OPT_MIN_PERCENT,
	OPT_APPROX,
};

static const struct option long_opts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "run-id", required_argument, NULL, OPT_RUN_ID },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "tid", required_argument, NULL, OPT_THREAD },
	{ "function", required_argument, NULL, 'f' },
	{ "tree", no_argument, NULL, 't' },
	{ "calls", no_argument, NULL, OPT_CALLS },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "min-percent", required_argument, NULL, OPT_MIN_PERCENT },
	{ "approx", no_argument, NULL, OPT_APPROX },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse_int_arg(const char *opt, const char *text, long max, long *out)
{
	if (parse_long(text, out) || *out > max) {
		ferr("%s: '%s' is not a number from 0 to %ld", opt, text, max);
		return -1;
	}
	return 0;
}

static int parse_percent(const char *text, double *out)
{
	char *end;

	*out = strtod(text, &end);
	if (end == text || *end || !(*out >= 0 && *out <= 100)) {
		ferr("--min-percent: '%s' is not a percentage from 0 to 100", text);
		return -1;
	}
	return 0;
}

/* One option; returns 0, or 2 for a usage error (already printed). */
static int apply_opt(int c, const char *arg, struct analyze_opts *o, unsigned *table_only,
		     unsigned *tree_only)
{
	long v;
	int col;

	switch (c) {
	case OPT_DB: o->db_path = arg; return 0;
	case OPT_RUN_ID: o->run_id = arg; return 0;
	case OPT_JSON: o->json = true; return 0;
	case 'f': o->function_glob = arg; return 0;
	case 't': o->tree = true; return 0;
	case OPT_CALLS: o->tree = o->calls = true; return 0;
	case OPT_APPROX: o->approx = true; ++*table_only; return 0;
	case OPT_SORT:
		if ((col = table_col__parse(arg)) < 0) {
			ferr("--sort: unknown column '%s' (function, module, calls, total, self, min, avg, "
			     "p50, p95, p99, max, errors)", arg);
			return 2;
		}
		o->sort_col = (enum table_col)col;
		++*table_only;
		return 0;
	case OPT_LIMIT:
		++*table_only;
		return parse_int_arg("--limit", arg, 1L << 30, &o->limit) ? 2 : 0;
	case OPT_PID:
	case OPT_THREAD:
		if (parse_int_arg(c == OPT_PID ? "--pid" : "--thread", arg, 1L << 30, &v))
			return 2;
		if (!v) {
			ferr("%s: must be positive", c == OPT_PID ? "--pid" : "--thread");
			return 2;
		}
		*(c == OPT_PID ? &o->pid : &o->tid) = (int)v;
		return 0;
	case OPT_MAX_DEPTH:
		++*tree_only;
		if (parse_int_arg("--max-depth", arg, 1L << 20, &o->max_depth))
			return 2;
		if (!o->max_depth) {
			ferr("--max-depth: must be at least 1");
			return 2;
		}
		return 0;
	case OPT_MIN_PERCENT:
		++*tree_only;
		return parse_percent(arg, &o->min_percent) ? 2 : 0;
	default:
		ferr("try 'ferret analyze --help'");
		return 2;
	}
}

/* Fills o from argv; returns 0, 1 after --help (exit 0), or 2 for a usage error. */
static int parse_args(int argc, char **argv, struct analyze_opts *o)
{
	unsigned table_only = 0, tree_only = 0;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->sort_col = COL_TOTAL;
	o->limit = -1;
	optind = 0; /* glibc: restart scanning (a test may call us more than once) */
	while ((c = getopt_long(argc, argv, "+:hf:t", long_opts, NULL)) != -1 || optind < argc) {
		if (c == -1) { /* a positional argument: the DB (getopt stopped on it, '+') */
			if (o->db_path) {
				ferr("one database at a time: '%s' and '%s'", o->db_path, argv[optind]);
				return 2;
			}
			o->db_path = argv[optind++];
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == '?' || c == ':') {
			ferr("%s option '%s' (try 'ferret analyze --help')",
			     c == ':' ? "missing value for" : "unknown", argv[optind - 1]);
			return 2;
		}
		if ((err = apply_opt(c, optarg, o, &table_only, &tree_only)))
			return err;
	}
	if (o->tree && table_only) {
		ferr("--sort, --limit and --approx apply to the table, not to --tree");
		return 2;
	}
	if (!o->tree && tree_only) {
		ferr("--max-depth and --min-percent apply to --tree");
		return 2;
	}
	if (!o->db_path)
		o->db_path = "ferret.db";
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o;
	struct out_style st;
	struct store *s = NULL;
	struct store_stats *ss = NULL;
	struct run_row *run = NULL;
	int err;

	err = parse_args(argc, argv, &o);
	if (err)
		return err == 1 ? 0 : 2;
	err = 1;
	if (!(run = malloc(sizeof(*run)))) {
		ferr("out of memory");
		goto cleanup;
	}
	if (store__open(o.db_path, STORE_READ, &s) || store__find_run(s, o.run_id, run))
		goto cleanup;
	/* A run without spans may still hold per-function figures (--aggregate): the table shows them. */
	if (!run->spans && o.tree) {
		ferr("run %s in %s has no spans to draw a tree from (a run traced with --aggregate "
		     "has only the table: drop --tree)", run->run_id, o.db_path);
		goto cleanup;
	}
	if (store_stats__open(o.db_path, &ss))
		goto cleanup;
	out_style__detect(&st, stdout);
	if (o.tree ? analyze__tree(ss, run, &o, &st) : analyze__table(ss, run, &o, &st))
		goto cleanup;
	if (fflush(stdout) || ferror(stdout)) {
		ferr("cannot write the output");
		goto cleanup;
	}
	err = 0;
cleanup:
	store_stats__free(ss);
	store__free(s);
	free(run);
	return err;
}
