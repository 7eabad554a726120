/* ferret diff [DB] RUN_A RUN_B | A.db:RUN B.db:RUN: two runs compared, function by function
 * (or call path by call path with --tree). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/run_diff.h"
#include "commands.h"
#include "core/log.h"
#include "options.h"
#include "run_ref.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret diff [DB] RUN_A RUN_B     (DB defaults to " DEFAULT_DB ")\n"
		"       ferret diff A.db:RUN_A B.db:RUN_B\n"
		"\n"
		"Per function, the change from run A to run B of calls, total, self, avg, p95 and\n"
		"errors, absolute and in percent, largest change of total first.\n"
		"\n"
		"  -t, --tree         the merged call trees (every thread's, one per run) instead\n"
		"  --threshold PCT    hide functions whose calls and total changed by less than PCT%%\n"
		"  --limit N          rows shown (default 20 as text, all with --json; 0: all)\n"
		"  --json             machine-readable output\n");
}

enum { OPT_JSON = OPT_OWN, OPT_THRESHOLD, OPT_LIMIT };

static const struct option long_opts[] = {
	OPTION_DB,
	{ "tree", no_argument, NULL, 't' },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "json", no_argument, NULL, OPT_JSON },
	OPTION_HELP,
	{ 0 },
};

struct diff_opts {
	const char *db;
	bool tree, json;
	double threshold;
	long limit;
	struct run_ref s[2];
};

static enum parse_result parse_threshold(const char *text, double *out)
{
	char *end;

	*out = strtod(text, &end);
	if (end == text || *end || !(*out >= 0 && *out <= 1e9)) {
		ferr("--threshold: '%s' is not a percentage (0 or more)", text);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

static enum parse_result parse_args(int argc, char **argv, struct diff_opts *o)
{
	enum parse_result r = PARSE_RUN;
	int c, npos;

	options__reset();
	while ((c = getopt_long(argc, argv, ":ht", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return PARSE_HELP;
		case '?': case ':': return options__bad_option(c, argv, "diff");
		case OPT_DB: r = options__db(optarg, &o->db); break;
		case 't': o->tree = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_THRESHOLD: r = parse_threshold(optarg, &o->threshold); break;
		case OPT_LIMIT: r = options__number("--limit", optarg, 0, 1L << 30, &o->limit); break;
		default: return PARSE_USAGE;
		}
		if (r != PARSE_RUN)
			return r;
	}
	npos = argc - optind;
	if (npos == 3 && (r = options__db(argv[optind++], &o->db)) != PARSE_RUN)
		return r;
	/* "diff DB RUN": a database and one run, not two runs of ferret.db */
	if ((npos != 2 && npos != 3) || (npos == 2 && !o->db && run_ref__is_file(argv[optind]) &&
					 !strchr(argv[optind + 1], ':'))) {
		ferr("diff needs two runs: ferret diff [DB] RUN_A RUN_B, or A.db:RUN_A B.db:RUN_B");
		return PARSE_USAGE;
	}
	if (run_ref__parse(argv[optind], o->db ? o->db : DEFAULT_DB, &o->s[0]) ||
	    run_ref__parse(argv[optind + 1], o->db ? o->db : DEFAULT_DB, &o->s[1])) {
		ferr("out of memory");
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

static int run_diff(struct diff_opts *o)
{
	struct diff_print p = { .a = &o->s[0].run, .b = &o->s[1].run, .db_a = o->s[0].db,
				.db_b = o->s[1].db, .threshold = o->threshold,
				.limit = o->limit >= 0 ? o->limit : o->json ? 0 : 20 };
	struct out_style st;
	struct run_diff d;
	int err;

	if (run_ref__open(&o->s[0]) || run_ref__open(&o->s[1]))
		return -1;
	if (o->tree && (!o->s[0].run.spans || !o->s[1].run.spans)) {
		ferr("run %s has no spans to draw a tree from (drop --tree)",
		     o->s[0].run.spans ? o->s[1].run.run_id : o->s[0].run.run_id);
		return -1;
	}
	run_diff__init(&d);
	err = o->tree ? run_diff__tree(&d, o->s[0].q, &o->s[0].run, o->s[1].q, &o->s[1].run)
		      : run_diff__functions(&d, o->s[0].q, &o->s[0].run, o->s[1].q, &o->s[1].run);
	if (!err) {
		run_diff__threshold(&d, o->threshold);
		out_style__detect(&st, stdout);
		err = o->json ? diff_out__json(&d, &p, stdout) : diff_out__text(&d, &p, &st);
		if (err)
			ferr("out of memory");
	}
	run_diff__free(&d);
	return err;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { .limit = -1 };
	enum parse_result r = parse_args(argc, argv, &o);
	int err = EXIT_FAILED;

	if (r == PARSE_RUN && !run_diff(&o))
		err = finish_output();
	else if (r != PARSE_RUN)
		err = options__exit_code(r);
	run_ref__free(&o.s[0]);
	run_ref__free(&o.s[1]);
	return err;
}
