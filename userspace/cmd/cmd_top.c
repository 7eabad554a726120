/* ferret top [DB]: a live view of the run being traced, from its database (any terminal, any
 * user who may read the file): per function calls/s, avg, p99 and errors over the last
 * seconds, the calls open longest, and with --stall each call open too long, once. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/live_window.h"
#include "commands.h"
#include "core/log.h"
#include "options.h"
#include "top_screen.h"
#include "top_watch.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret top [DB] [options]     (DB defaults to " DEFAULT_DB ")\n"
		"\n"
		"A live view of the run being traced (ferret trace, in another terminal; ferret\n"
		"trace --live shows it in the tracer's own), redrawn every second; q quits.\n"
		"\n"
		"  --run-id ID        the run to watch (default: the latest)\n"
		"  --window SECONDS   the figures' last seconds (default 5, at most 60)\n"
		"  --stall TIME       report each call open longer than TIME (30s, 500ms) once,\n"
		"                     with its thread and call chain (printed again on exit)\n"
		"  -n, --iterations N redraw N times, then exit\n");
}

enum { OPT_WINDOW = OPT_OWN, OPT_STALL };

static const struct option long_opts[] = {
	OPTION_DB,
	OPTION_RUN_ID,
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "iterations", required_argument, NULL, 'n' },
	OPTION_HELP,
	{ 0 },
};

static enum parse_result parse_args(int argc, char **argv, struct top_watch_opts *t,
				    long *iterations)
{
	enum parse_result r = PARSE_RUN;
	int c;

	options__reset();
	while ((c = getopt_long(argc, argv, ":hn:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return PARSE_HELP;
		case '?': case ':': return options__bad_option(c, argv, "top");
		case OPT_DB: r = options__db(optarg, &t->db); break;
		case OPT_RUN_ID: r = options__run_id(optarg, &t->run_id); break;
		case OPT_WINDOW: r = options__number("--window", optarg, 1, LIVE_WINDOW_MAX_S, &t->window_s); break;
		case OPT_STALL: r = options__duration("--stall", optarg, &t->stall_ns); break;
		case 'n': r = options__number("--iterations", optarg, 1, 1L << 30, iterations); break;
		default: return PARSE_USAGE;
		}
		if (r != PARSE_RUN)
			return r;
	}
	return options__db_argument(argc, argv, &t->db);
}

int cmd_top(int argc, char **argv)
{
	struct top_watch_opts o = { .window_s = 5, .own_stalls = true };
	struct top_watch *t;
	struct out_style st;
	long iterations = 0, n;
	enum parse_result r = parse_args(argc, argv, &o, &iterations);
	int err = 0;

	if (r != PARSE_RUN)
		return options__exit_code(r);
	if (top_watch__open(&o, &t))
		return EXIT_FAILED;
	out_style__detect(&st, stdout);
	top_term__start(true);
	for (n = 0; !err && (!iterations || n < iterations); n++) {
		if ((err = top_watch__refresh(t)) || (err = top_watch__draw(t, stdout, &st)))
			break;
		if ((!iterations || n + 1 < iterations) && top_term__wait(1000))
			break;
	}
	top_term__stop();
	if (err == -ENOMEM)
		ferr("out of memory");
	if (!err) /* the shell's screen keeps what was reported */
		top_watch__print_stalls(t, stdout);
	top_watch__free(t);
	return err ? EXIT_FAILED : finish_output();
}
