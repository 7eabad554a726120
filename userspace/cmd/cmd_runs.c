/* SPDX-License-Identifier: BSD-2-Clause */
/* ferret runs [DB] [--json]: the runs stored in a database, oldest first. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "store/store.h"
#include "core/utf8.h"
#include "core/util.h"
#include "options.h"

#define COMMAND_WIDTH 60 /* longer command lines are cut, with "..." */
#define COLUMNS 7

struct run_list {
	struct run_row *rows;
	size_t len, cap;
};

static const char *const headers[COLUMNS] = { "RUN ID", "COMMAND", "START", "DURATION",
					      "SPANS",	"LOST",	   "EXIT" };
static const bool right_aligned[COLUMNS] = { false, false, false, true, true, true, true };

static void usage(FILE *out)
{
	fprintf(out, "usage: ferret runs [DB] [options]\n"
		     "\n"
		     "Lists the runs stored in DB (default " DEFAULT_DB "), oldest first:\n"
		     "run id, command, wall-clock start, duration, spans (and calls not stored after\n"
		     "a write failed), lost events, exit code.\n"
		     "\n"
		     "  --db PATH   the database (the same as the DB argument)\n"
		     "  --json      print a JSON array of runs instead of the table\n"
		     "  -h, --help  this help\n");
}

static int collect_run(const struct run_row *run, void *ctx)
{
	struct run_list *list = ctx;

	if (grow_array((void **)&list->rows, &list->cap, list->len + 1, sizeof(*list->rows))) {
		ferr("out of memory");
		return -1;
	}
	list->rows[list->len++] = *run;
	return 0;
}

/* Free text (a run id, a command line) for a cell: escaped for the terminal (an ESC or a
 * line break in it would garble the table or the terminal), cut to width columns. */
static int text_cell(const char *text, size_t width, char *out, size_t len)
{
	char *safe = utf8__terminal_dup(text);

	if (!safe)
		return -1;
	utf8__fit(safe, width, "...", out, len);
	free(safe);
	return 0;
}

static void format_start(int64_t real_ns, char *out, size_t len)
{
	time_t t = (time_t)(real_ns / 1000000000LL);
	struct tm tm;

	if (real_ns <= 0 || !localtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, len, "-");
}

/* A run without an end (still being traced, or the tracer died) has end == start. */
static bool run_ended(const struct run_row *run)
{
	return run->end_mono_ns > run->start_mono_ns;
}

static int fill_cells(const struct run_row *run, char cells[COLUMNS][COMMAND_WIDTH * 4 + 8])
{
	const size_t len = sizeof(cells[0]);

	/* A run id is shown whole (it is what --run-id takes), as far as the cell holds. */
	if (text_cell(run->run_id, len, cells[0], len) ||
	    text_cell(run->command, COMMAND_WIDTH, cells[1], len))
		return -1;
	format_start(run->start_real_ns, cells[2], len);
	if (run_ended(run))
		fmt_duration(run->end_mono_ns - run->start_mono_ns, false, cells[3], len);
	else
		snprintf(cells[3], len, "-");
	if (run->unstored_spans) /* seen, not stored: the count alone would hide them */
		snprintf(cells[4], len, "%lld (+%lld unstored)", (long long)run->spans,
			 (long long)run->unstored_spans);
	else
		snprintf(cells[4], len, "%lld", (long long)run->spans);
	snprintf(cells[5], len, "%lld", (long long)run->lost_events);
	if (run->has_exit_code)
		snprintf(cells[6], len, "%d", run->exit_code);
	else
		snprintf(cells[6], len, "-");
	return 0;
}

static void print_row(char cells[COLUMNS][COMMAND_WIDTH * 4 + 8], const size_t *widths)
{
	size_t col, pad;

	for (col = 0; col < COLUMNS; col++) {
		pad = widths[col] - utf8__width(cells[col]);
		if (right_aligned[col])
			printf("%s%*s%s", col ? "  " : "", (int)pad, "", cells[col]);
		else if (col == COLUMNS - 1)
			printf("%s%s", col ? "  " : "", cells[col]);
		else
			printf("%s%s%*s", col ? "  " : "", cells[col], (int)pad, "");
	}
	putchar('\n');
}

static int print_table(const struct run_list *list)
{
	char (*cells)[COLUMNS][COMMAND_WIDTH * 4 + 8] = calloc(list->len + 1, sizeof(*cells));
	size_t widths[COLUMNS] = { 0 }, i, col;

	if (!cells) {
		ferr("out of memory");
		return EXIT_FAILED;
	}
	for (col = 0; col < COLUMNS; col++)
		snprintf(cells[0][col], sizeof(cells[0][col]), "%s", headers[col]);
	for (i = 0; i < list->len; i++) {
		if (fill_cells(&list->rows[i], cells[i + 1])) {
			free(cells);
			return EXIT_FAILED;
		}
	}
	for (i = 0; i <= list->len; i++)
		for (col = 0; col < COLUMNS; col++)
			if (utf8__width(cells[i][col]) > widths[col])
				widths[col] = utf8__width(cells[i][col]);
	for (i = 0; i <= list->len; i++)
		print_row(cells[i], widths);
	free(cells);
	return EXIT_OK;
}

/* A number, or null when the run has none (no end, no exit code). */
static void kv_int_or_null(struct jsonw *w, const char *key, bool has, int64_t value)
{
	jsonw__key(w, key);
	if (has)
		jsonw__int(w, value);
	else
		jsonw__string(w, NULL); /* null */
}

static void run_json(struct jsonw *w, const struct run_row *run)
{
	char start[32];

	format_start(run->start_real_ns, start, sizeof(start));
	jsonw__begin_object(w);
	jsonw__kv_string(w, "run_id", run->run_id);
	jsonw__kv_string(w, "command", run->command);
	jsonw__kv_string(w, "mode", run->mode);
	jsonw__kv_int(w, "pid", run->pid);
	jsonw__kv_string(w, "start", start);
	jsonw__kv_int(w, "start_real_ns", run->start_real_ns);
	jsonw__kv_int(w, "start_ns", run->start_mono_ns);
	jsonw__kv_int(w, "end_ns", run->end_mono_ns);
	kv_int_or_null(w, "duration_ns", run_ended(run), run->end_mono_ns - run->start_mono_ns);
	jsonw__kv_int(w, "spans", run->spans);
	jsonw__kv_int(w, "unstored_spans", run->unstored_spans);
	jsonw__kv_int(w, "threads", run->threads);
	jsonw__kv_int(w, "functions", run->functions);
	jsonw__kv_int(w, "lost_events", run->lost_events);
	kv_int_or_null(w, "exit_code", run->has_exit_code, run->exit_code);
	jsonw__kv_string(w, "host", run->host);
	jsonw__kv_string(w, "kernel", run->kernel);
	jsonw__kv_string(w, "version", run->version);
	jsonw__end_object(w);
}

/* A JSON array of the runs, one run a line. */
static int print_json(const struct run_list *list)
{
	struct jsonw *w = jsonw__new(stdout);
	size_t i;

	if (!w)
		return EXIT_FAILED;
	jsonw__begin_array(w);
	for (i = 0; i < list->len; i++) {
		jsonw__newline(w);
		run_json(w, &list->rows[i]);
	}
	if (list->len)
		jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__end_line(w);
	jsonw__free(w);
	return EXIT_OK;
}

enum { OPT_JSON = OPT_OWN };

static enum parse_result parse_args(int argc, char **argv, const char **db, bool *json)
{
	static const struct option long_opts[] = {
		OPTION_DB,
		{ "json", no_argument, NULL, OPT_JSON },
		OPTION_HELP,
		{ 0 },
	};
	int c;

	options__reset();
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return PARSE_HELP;
		}
		if (c == OPT_JSON)
			*json = true;
		else if (c != OPT_DB)
			return options__bad_option(c, argv, "runs");
		else if (options__db(optarg, db))
			return PARSE_USAGE;
	}
	return options__db_argument(argc, argv, db);
}

int cmd_runs(int argc, char **argv)
{
	struct run_list list = { 0 };
	enum parse_result r;
	const char *db = NULL;
	struct store *s = NULL;
	bool json = false;
	int err;

	if ((r = parse_args(argc, argv, &db, &json)) != PARSE_RUN)
		return options__exit_code(r);
	if (store__open(db, STORE_READ, &s))
		return EXIT_FAILED;
	err = store__list_runs(s, collect_run, &list) ? EXIT_FAILED : EXIT_OK;
	if (!err && !list.len && !json)
		ferr("%s holds no runs", db);
	else if (!err)
		err = json ? print_json(&list) : print_table(&list);
	if (!err)
		err = finish_output();
	store__free(s);
	free(list.rows);
	return err;
}
