/* ferret: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "core/log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret <command> [options]\n"
		"\n"
		"  trace    record every call of the selected functions as spans in SQLite\n"
		"           ferret trace -p PID | --all -f BIN:GLOB | -- PROGRAM [ARGS...]\n"
		"  run      ferret run [options] PROGRAM [ARGS...]: ferret trace [options] -- PROGRAM [ARGS...]\n"
		"  analyze  statistics table or call tree of a run: ferret analyze [DB] [--tree]\n"
		"  diff     two runs compared, per function or call path: ferret diff [DB] RUN_A RUN_B\n"
		"  top      a live view of the run being traced: ferret top [DB] [--stall TIME]\n"
		"  export   write a run for a viewer: ferret export [DB] --format speedscope|chrome|folded|otlp\n"
		"  view     one run as one self-contained HTML page: ferret view [DB] -o report.html\n"
		"  runs     list the runs stored in a database: ferret runs [DB]\n"
		"  list     the functions a binary or process has, and the probe each would get\n"
		"           ferret list BINARY [MODULE:GLOB...] | -p PID [MODULE:GLOB...]\n"
		"\n"
		"'ferret <command> --help' or 'ferret help <command>' describes a command's options.\n"
		"ferret %s\n",
		FERRET_VERSION);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{ "trace", cmd_trace },	    { "run", cmd_trace },   { "analyze", cmd_analyze },
		{ "export", cmd_export },   { "runs", cmd_runs },	    { "list", cmd_list },
		{ "view", cmd_view },
		{ "diff", cmd_diff },	    { "top", cmd_top },
	};
	char *help_argv[4] = { "help", NULL, "--help", NULL };
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ferret %s\n", FERRET_VERSION);
		return 0;
	}
	/* "ferret help CMD" is "ferret CMD --help"; "ferret help" the list of commands. */
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		help_argv[1] = argv[2];
		argc = 3;
		argv = help_argv;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	ferr("unknown command '%s' (try 'ferret --help')", argv[1]);
	return 2;
}
