/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret export: write a run for a viewer (Speedscope, Perfetto/Chrome,
 * flame graph tools, OpenTelemetry backends).
 *
 * A file is written to a temporary name in its directory and renamed over the
 * requested name only once complete: an error or Ctrl-C never leaves a
 * truncated file behind under that name.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "export/export.h"
#include "core/log.h"
#include "run_names.h"
#include "store/store.h"
#include "core/util.h"
#include "options.h"
#include "output_file.h"

struct export_opts {
	const char *db_path;
	const char *run_id; /* NULL: the latest run */
	const char *output; /* NULL or "-": stdout */
	const struct exporter *format;
	struct span_filter filter;
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ferret export [DB] [options]\n"
		     "Writes one run of DB (default " DEFAULT_DB ") for a viewer.\n\n"
		     "  --db PATH          the database (the same as the DB argument)\n"
		     "  --run-id ID        the run to export (default: the latest)\n"
		     "  --format FORMAT    output format (default speedscope):\n");
	for (i = 0; exporters[i]; i++)
		fprintf(out, "                       %-11s %s\n", exporters[i]->name,
			exporters[i]->description);
	fprintf(out,
		"  -o, --output PATH  a file; '-' for stdout (the default); a directory (or a path\n"
		"                     ending in '/') gets <run_id>.speedscope.json (or .json,\n"
		"                     .folded, .otlp.json)\n"
		OPTIONS_SPAN_FILTER_HELP
		"  -h, --help         this help\n");
}

static enum parse_result parse_format(const char *name, const struct exporter **out)
{
	char names[128];

	*out = exporter__find(name);
	if (*out)
		return PARSE_RUN;
	exporter__list_names(names, sizeof(names));
	ferr("unknown format '%s' (formats: %s)", name, names);
	return PARSE_USAGE;
}

enum { OPT_FORMAT = OPT_OWN };

static const struct option long_opts[] = {
	OPTION_DB,
	OPTION_RUN_ID,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	OPTIONS_SPAN_FILTER,
	OPTION_HELP,
	{ 0 },
};

static enum parse_result apply_opt(int c, const char *arg, struct export_opts *o)
{
	enum parse_result r = options__span_filter(c, arg, &o->filter);

	if (r != PARSE_HELP)
		return r;
	switch (c) {
	case OPT_DB: return options__db(arg, &o->db_path);
	case OPT_RUN_ID: return options__run_id(arg, &o->run_id);
	case OPT_FORMAT: return parse_format(arg, &o->format);
	case 'o': return options__output(arg, &o->output);
	default: return PARSE_USAGE; /* getopt_long returned a value it was not given */
	}
}

static enum parse_result parse_args(int argc, char **argv, struct export_opts *o)
{
	enum parse_result r;
	int c;

	memset(o, 0, sizeof(*o));
	o->format = exporters[0];
	options__reset();
	while ((c = getopt_long(argc, argv, ":ho:", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		}
		if (c == '?' || c == ':')
			return options__bad_option(c, argv, "export");
		if ((r = apply_opt(c, optarg, o)) != PARSE_RUN)
			return r;
	}
	return options__db_argument(argc, argv, &o->db_path);
}

/* What the run saw but the file does not hold: the export misses those calls too. */
static void warn_missing(const struct run_row *run)
{
	if (run->lost_events)
		fwarn("run %s lost %lld events: the export misses those calls", run->run_id,
		      (long long)run->lost_events);
	if (run->unstored_spans)
		fwarn("run %s: %lld calls were seen but not stored (a write failed): the export misses "
		      "them", run->run_id, (long long)run->unstored_spans);
}

int cmd_export(int argc, char **argv)
{
	struct output out = { 0 };
	struct export_opts opts;
	struct store *s = NULL;
	struct run_row *run;
	struct func_names *names = NULL;
	int64_t spans = 0;
	enum parse_result r;
	int err;

	if ((r = parse_args(argc, argv, &opts)) != PARSE_RUN)
		return options__exit_code(r);
	run = calloc(1, sizeof(*run));
	if (!run) {
		ferr("out of memory");
		return EXIT_FAILED;
	}
	err = store__open(opts.db_path, STORE_READ, &s);
	if (!err)
		err = store__find_run(s, opts.run_id, run);
	if (!err)
		err = run_names__find(s, run, &names);
	if (err)
		goto cleanup;
	store__show_names(s, names);
	output__catch_signals();
	err = output__open(&out, opts.output, run->run_id, opts.format->suffix);
	if (!err) {
		struct export_target to = { out.file, out.path ? out.path : "stdout" };

		err = export__run(opts.format, s, run, &opts.filter, &to, &spans);
	}
	if (out.file)
		err = output__close(&out, !err) || err;
	if (out.path && !err)
		fprintf(stderr, "ferret: wrote %lld span%s of run %s (%s) to %s\n", (long long)spans,
			spans == 1 ? "" : "s", run->run_id, opts.format->name, out.path);
	output__free(&out);
	if (!err)
		warn_missing(run);
cleanup:
	store__free(s);
	func_names__free(names);
	free(run);
	return err ? EXIT_FAILED : EXIT_OK;
}
