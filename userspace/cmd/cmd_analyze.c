/* ferret analyze [DB] [options]: the statistics table (default) or the call tree (--tree). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/analyze_args.h"
#include "commands.h"
#include "core/log.h"
#include "core/util.h"
#include "options.h"
#include "run_names.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret analyze [DB] [options]     (DB defaults to " DEFAULT_DB ")\n"
		"\n"
		"  --run-id ID        the run to read (default: the latest; 'ferret runs DB' lists them)\n"
		"  --pid PID          only the threads of process PID\n"
		"  --thread TID       only thread TID\n"
		"  -f, --function GLOB  table: rows of matching functions; tree: subtrees of matching calls\n"
		"  --json             machine-readable output\n"
		"  --compensate       durations and on-CPU times less the probes' own cost, as\n"
		"                     calibrated at the run's start (an estimate; default: measured)\n"
		"  --raw              durations as measured (the default)\n"
		"table (the default view):\n"
		"  --sort COL         function, module, calls, total (default), self, min, avg,\n"
		"                     p50, p95, p99, max or errors\n"
		"  --limit N          rows shown (default 20 as text, all with --json; 0: all)\n"
		"  --approx           percentiles from a histogram (within 1.6%%): one pass fewer\n"
		"tree:\n"
		"  -t, --tree         the merged call tree of each thread\n"
		"  --calls            every call on its own, in time order (implies --tree)\n"
		"  --by name          the table by the calls' --name instead of by function\n"
		"  --max-depth N      show N levels of calls\n"
		"  --min-percent P    hide nodes under P%% of their thread's time\n"
		"calls counted (table, tree and --calls):\n"
		"  --status STATUS    only calls of STATUS (ok, error, incomplete, no_return_probe,\n"
		"                     lost); the tree: the paths to them\n"
		"  --where 'A OP V'   only calls whose value A compares so (arg1==42, ret<0,\n"
		"                     name==\"ana\"; -A, -R, -a values)\n");
}

enum {
	OPT_JSON = OPT_OWN,
	OPT_SORT,
	OPT_LIMIT,
	OPT_CALLS,
	OPT_MAX_DEPTH,
	OPT_MIN_PERCENT,
	OPT_STATUS,
	OPT_WHERE,
	OPT_BY,
	OPT_APPROX,
	OPT_RAW,
	OPT_COMPENSATE,
};

static const struct option long_opts[] = {
	OPTION_DB,
	OPTION_RUN_ID,
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
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "compensate", no_argument, NULL, OPT_COMPENSATE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "by", required_argument, NULL, OPT_BY },
	OPTION_HELP,
	{ 0 },
};

static enum parse_result parse_percent(const char *text, double *out)
{
	char *end;

	*out = strtod(text, &end);
	if (end == text || *end || !(*out >= 0 && *out <= 100)) {
		ferr("--min-percent: '%s' is not a percentage from 0 to 100", text);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

static enum parse_result parse_sort(const char *text, struct analyze_opts *o)
{
	int col = table_col__parse(text);

	if (col < 0) {
		ferr("--sort: unknown column '%s' (function, module, calls, total, self, min, avg, "
		     "p50, p95, p99, max, errors)", text);
		return PARSE_USAGE;
	}
	o->sort_col = (enum table_col)col;
	return PARSE_RUN;
}

/* One option. table_only and tree_only count the options of one view. */
static enum parse_result apply_opt(int c, const char *arg, struct analyze_opts *o,
				   unsigned *table_only, unsigned *tree_only)
{
	*table_only += c == OPT_SORT || c == OPT_LIMIT || c == OPT_APPROX;
	*tree_only += c == OPT_MAX_DEPTH || c == OPT_MIN_PERCENT;
	switch (c) {
	case OPT_DB: return options__db(arg, &o->db_path);
	case OPT_RUN_ID: return options__run_id(arg, &o->run_id);
	case OPT_PID: return options__id("--pid", "process", arg, &o->pid);
	case OPT_THREAD: return options__id("--thread", "thread", arg, &o->tid);
	case OPT_JSON: o->json = true; return PARSE_RUN;
	case 'f': o->function_glob = arg; return PARSE_RUN;
	case 't': o->tree = true; return PARSE_RUN;
	case OPT_CALLS: o->tree = o->calls = true; return PARSE_RUN;
	case OPT_APPROX: o->approx = true; return PARSE_RUN;
	case OPT_RAW: o->raw = true; return PARSE_RUN;
	case OPT_COMPENSATE: o->raw = false; return PARSE_RUN;
	case OPT_SORT: return parse_sort(arg, o);
	case OPT_LIMIT: return options__number("--limit", arg, 0, 1L << 30, &o->limit);
	case OPT_MAX_DEPTH: return options__number("--max-depth", arg, 1, 1L << 20, &o->max_depth);
	case OPT_MIN_PERCENT: return parse_percent(arg, &o->min_percent);
	case OPT_BY:
		if (!strcmp(arg, "name") || !strcmp(arg, "function")) {
			o->by_name = !strcmp(arg, "name");
			return PARSE_RUN;
		}
		ferr("--by takes 'function' (the default) or 'name' (--name's), not '%s'", arg);
		return PARSE_USAGE;
	case OPT_STATUS: o->status = arg; return call_status__check(arg) ? PARSE_USAGE : PARSE_RUN;
	case OPT_WHERE: {
		struct call_where w;

		o->where = arg;
		return call_where__parse(arg, &w) ? PARSE_USAGE : PARSE_RUN;
	}
	default: return PARSE_USAGE; /* getopt_long returned a value it was not given */
	}
}

static enum parse_result parse_args(int argc, char **argv, struct analyze_opts *o)
{
	unsigned table_only = 0, tree_only = 0;
	enum parse_result r;
	int c;

	memset(o, 0, sizeof(*o));
	o->sort_col = COL_TOTAL;
	o->limit = -1;
	o->raw = true; /* compensation is an estimate: only on request */
	options__reset();
	while ((c = getopt_long(argc, argv, ":hf:t", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		}
		if (c == '?' || c == ':')
			return options__bad_option(c, argv, "analyze");
		if ((r = apply_opt(c, optarg, o, &table_only, &tree_only)) != PARSE_RUN)
			return r;
	}
	if (o->tree && table_only) {
		ferr("--sort, --limit and --approx apply to the table, not to --tree");
		return PARSE_USAGE;
	}
	if (o->by_name && (o->tree || table_only || analyze_opts__filtered(o))) {
		ferr("--by name is a table of its own: no --tree, --sort, --limit, --approx, --status "
		     "or --where");
		return PARSE_USAGE;
	}
	if (!o->tree && tree_only) {
		ferr("--max-depth and --min-percent apply to --tree");
		return PARSE_USAGE;
	}
	return options__db_argument(argc, argv, &o->db_path);
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o;
	struct out_style st;
	struct store *s = NULL;
	struct run_query *ss = NULL;
	struct run_row *run = NULL;
	struct func_names *names = NULL;
	enum parse_result r;
	int err;

	if ((r = parse_args(argc, argv, &o)) != PARSE_RUN)
		return options__exit_code(r);
	err = EXIT_FAILED;
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
	if (run_names__find(s, run, &names) || run_query__open(o.db_path, &ss))
		goto cleanup;
	run_query__show_names(ss, names);
	out_style__detect(&st, stdout);
	if (o.by_name ? analyze__by_name(ss, run, &o, &st)
	    : o.tree ? analyze__tree(ss, run, &o, &st) : analyze__table(ss, run, &o, &st))
		goto cleanup;
	err = finish_output();
cleanup:
	run_query__free(ss);
	func_names__free(names);
	store__free(s);
	free(run);
	return err;
}
