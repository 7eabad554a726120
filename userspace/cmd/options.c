/* SPDX-License-Identifier: BSD-2-Clause */
/* options: the option parsing every subcommand shares (see options.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "options.h"

#define MAX_ID (1 << 22) /* PID_MAX_LIMIT: the largest process or thread id Linux hands out */

void options__reset(void)
{
	optind = 0; /* glibc: 0 also resets getopt's state inside a bundle of short options */
	opterr = 0;
}

enum parse_result options__bad_option(int c, char **argv, const char *command)
{
	char name[64];

	/* optopt names a short option; a long one is the argument getopt just passed. */
	if (optopt > 0 && optopt < 256 && isalnum(optopt))
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
	if (c == ':')
		ferr("%s needs a value (see 'ferret %s --help')", name, command);
	else
		ferr("unknown option '%s' (see 'ferret %s --help')", name, command);
	return PARSE_USAGE;
}

int options__exit_code(enum parse_result r)
{
	return r == PARSE_USAGE ? EXIT_USAGE : EXIT_OK;
}

enum parse_result options__span_filter(int c, const char *arg, struct span_filter *f)
{
	switch (c) {
	case OPT_PID: return options__id("--pid", "process", arg, &f->pid);
	case OPT_THREAD: return options__id("--thread", "thread", arg, &f->tid);
	case OPT_MIN_DURATION: return options__duration("--min-duration", arg, &f->min_duration_ns);
	case OPT_FUNCTION: f->function_glob = arg; return PARSE_RUN;
	default: return PARSE_HELP;
	}
}

enum parse_result options__id(const char *opt, const char *kind, const char *text, int *id)
{
	long v;

	if (parse_long(text, &v)) {
		ferr("%s needs a %s id, not '%s'", opt, kind, text);
		return PARSE_USAGE;
	}
	if (v <= 0 || v > MAX_ID) {
		ferr("%s: must be positive and at most %d (a %s id), not '%s'", opt, MAX_ID, kind, text);
		return PARSE_USAGE;
	}
	*id = (int)v;
	return PARSE_RUN;
}

enum parse_result options__number(const char *opt, const char *text, long min, long max, long *out)
{
	if (parse_long(text, out) || *out < min || *out > max) {
		ferr("%s needs a number from %ld to %ld, not '%s'", opt, min, max, text);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

enum parse_result options__duration(const char *opt, const char *text, int64_t *ns)
{
	char *end;

	if (parse_duration(text, ns)) {
		if (strtod(text, &end) >= 0 && end != text && !*end)
			ferr("%s needs a unit: '%s' alone could be ns, us, ms or s (write 50us, 2ms, 1s)",
			     opt, text);
		else
			ferr("%s needs a duration such as 50us, 2ms or 1s, not '%s'", opt, text);
		return PARSE_USAGE;
	}
	return PARSE_RUN;
}

enum parse_result options__seconds(const char *opt, const char *text, int64_t *ns)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(text, &end);
	if (errno || end == text || *end || !(s > 0 && s < 1e9)) {
		ferr("%s needs a number of seconds, not '%s'", opt, text);
		return PARSE_USAGE;
	}
	*ns = (int64_t)(s * 1e9);
	return PARSE_RUN;
}

enum parse_result options__run_id(const char *text, const char **run_id)
{
	if (!*text) {
		ferr("--run-id needs a name, not ''");
		return PARSE_USAGE;
	}
	*run_id = text;
	return PARSE_RUN;
}

enum parse_result options__output(const char *path, const char **output)
{
	if (!*path) {
		ferr("-o: empty path (use '-' for stdout)");
		return PARSE_USAGE;
	}
	*output = path;
	return PARSE_RUN;
}

enum parse_result options__db(const char *path, const char **db)
{
	if (*db) {
		ferr("one database at a time: '%s' and '%s'", *db, path);
		return PARSE_USAGE;
	}
	if (!*path) {
		ferr("the database needs a file name, not ''");
		return PARSE_USAGE;
	}
	*db = path;
	return PARSE_RUN;
}

enum parse_result options__db_argument(int argc, char **argv, const char **db)
{
	while (optind < argc)
		if (options__db(argv[optind++], db))
			return PARSE_USAGE;
	if (!*db)
		*db = DEFAULT_DB;
	return PARSE_RUN;
}

int finish_output(void)
{
	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		ferr("cannot write the output: %s", errno ? strerror(errno) : "write error");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
