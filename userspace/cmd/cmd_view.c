/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret view: one run as one self-contained HTML file (export/view.h): the call tree,
 * the calls, flame chart and flame graph, the statistics table, all in the page, which
 * opens from disk and loads nothing else.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "commands.h"
#include "core/log.h"
#include "export/view.h"
#include "options.h"
#include "output_file.h"
#include "run_names.h"
#include "run_ref.h"

struct view_opts {
	const char *db_path;
	const char *run_id; /* NULL: the latest run */
	const char *output; /* NULL: <run_id>.html here; "-": stdout */
	const char *diff;   /* --diff RUN_B or OTHER.db:RUN_B; NULL: none */
	struct span_filter filter;
};

enum { OPT_DIFF = OPT_OWN };

static void usage(FILE *out)
{
	fprintf(out, "usage: ferret view [DB] [options]\n"
		     "Writes one run of DB (default " DEFAULT_DB ") as one HTML file that opens from\n"
		     "disk in a browser, with nothing else to load.\n\n"
		     "  --db PATH          the database (the same as the DB argument)\n"
		     "  --run-id ID        the run to show (default: the latest)\n"
		     "  -o, --output PATH  the file (default <run_id>.html here); '-' for stdout; a\n"
		     "                     directory (or a path ending in '/') gets <run_id>.html\n"
		     "  --diff RUN_B       a Diff view: the run compared with RUN_B of DB (or\n"
		     "                     OTHER.db:RUN_B), as ferret diff compares them; whole runs,\n"
		     "                     so no span filter with it\n"
		     OPTIONS_SPAN_FILTER_HELP
		     "  -h, --help         this help\n");
}

static const struct option long_opts[] = {
	OPTION_DB, OPTION_RUN_ID, { "output", required_argument, NULL, 'o' }, OPTIONS_SPAN_FILTER,
	{ "diff", required_argument, NULL, OPT_DIFF }, OPTION_HELP, { 0 },
};

static enum parse_result apply_opt(int c, const char *arg, struct view_opts *o)
{
	enum parse_result r = options__span_filter(c, arg, &o->filter);

	if (r != PARSE_HELP)
		return r;
	switch (c) {
	case OPT_DB: return options__db(arg, &o->db_path);
	case OPT_RUN_ID: return options__run_id(arg, &o->run_id);
	case 'o': return options__output(arg, &o->output);
	case OPT_DIFF: o->diff = arg; return PARSE_RUN;
	default: return PARSE_USAGE;
	}
}

static enum parse_result parse_args(int argc, char **argv, struct view_opts *o)
{
	enum parse_result r;
	int c;

	memset(o, 0, sizeof(*o));
	options__reset();
	while ((c = getopt_long(argc, argv, ":ho:", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		}
		if (c == '?' || c == ':')
			return options__bad_option(c, argv, "view");
		if ((r = apply_opt(c, optarg, o)) != PARSE_RUN)
			return r;
	}
	if (o->diff && (o->filter.pid || o->filter.tid || o->filter.function_glob || o->filter.min_duration_ns)) {
		ferr("view: --diff compares whole runs: no --pid, --thread, --function or --min-duration with it");
		return PARSE_USAGE;
	}
	return options__db_argument(argc, argv, &o->db_path);
}

static int write_view(const struct view_opts *opts, struct store *s, struct run_query *ss,
		      const struct run_row *run, const struct view_diff *diff)
{
	struct output out = { 0 };
	int64_t spans = 0;
	int err;

	output__catch_signals();
	err = output__open(&out, opts->output ? opts->output : "./", run->run_id, view_exporter.suffix);
	if (!err) {
		struct export_target to = { out.file, out.path ? out.path : "stdout" };

		err = view__run(s, ss, run, &opts->filter, diff, &to, &spans);
	}
	if (out.file)
		err = output__close(&out, !err) || err;
	if (out.path && !err)
		fprintf(stderr, "ferret: wrote the view of %lld span%s of run %s to %s\n", (long long)spans,
			spans == 1 ? "" : "s", run->run_id, out.path);
	output__free(&out);
	return err;
}

/* --diff's run B opened (run A is the page's): exit 2 when it is not there. */
static int open_diff_run(const struct view_opts *opts, struct run_ref *b)
{
	if (run_ref__parse(opts->diff, opts->db_path, b)) {
		ferr("out of memory");
		return EXIT_FAILED;
	}
	return run_ref__open(b) ? EXIT_USAGE : EXIT_OK;
}

/* The page of run, with the Diff view of run B when asked: the functions always, the merged
 * trees when both runs have spans. */
static int view_with_diff(const struct view_opts *opts, struct store *s, struct run_query *ss,
			  const struct run_row *run)
{
	struct run_diff fns, tree;
	struct run_ref b = { 0 };
	struct view_diff vd = { .functions = &fns, .b = &b.run, .db_a = opts->db_path };
	int err;

	if (!opts->diff)
		return write_view(opts, s, ss, run, NULL) ? EXIT_FAILED : EXIT_OK;
	run_diff__init(&fns);
	run_diff__init(&tree);
	if ((err = open_diff_run(opts, &b)) == EXIT_OK) {
		vd.db_b = b.db;
		err = run_diff__functions(&fns, ss, run, b.q, &b.run) ? EXIT_FAILED : EXIT_OK;
		if (!err && run->spans && b.run.spans) {
			vd.tree = &tree;
			err = run_diff__tree(&tree, ss, run, b.q, &b.run) ? EXIT_FAILED : EXIT_OK;
		}
		if (!err && write_view(opts, s, ss, run, &vd))
			err = EXIT_FAILED;
	}
	run_diff__free(&fns);
	run_diff__free(&tree);
	run_ref__free(&b);
	return err;
}

int cmd_view(int argc, char **argv)
{
	struct view_opts opts;
	struct store *s = NULL;
	struct run_query *ss = NULL;
	struct func_names *names = NULL;
	struct run_row *run;
	enum parse_result r;
	int err;

	if ((r = parse_args(argc, argv, &opts)) != PARSE_RUN)
		return options__exit_code(r);
	if (!(run = calloc(1, sizeof(*run)))) {
		ferr("out of memory");
		return EXIT_FAILED;
	}
	err = store__open(opts.db_path, STORE_READ, &s);
	if (!err)
		err = store__find_run(s, opts.run_id, run);
	if (!err)
		err = run_names__find(s, run, &names);
	if (!err)
		err = run_query__open(opts.db_path, &ss);
	if (!err) {
		store__show_names(s, names);
		run_query__show_names(ss, names);
		err = view_with_diff(&opts, s, ss, run);
	} else {
		err = EXIT_FAILED;
	}
	run_query__free(ss);
	store__free(s);
	func_names__free(names);
	free(run);
	return err;
}
