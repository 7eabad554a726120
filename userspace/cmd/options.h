/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options: what every subcommand spells alike. The database (--db or the DB argument,
 * default ferret.db), the run id, process and thread ids, durations, getopt's errors,
 * the exit codes: 0 done, 1 bad input (or a failure), 2 usage error; and the check that
 * stdout was written.
 * Each helper prints its own one-line error.
 */
#ifndef FERRET_OPTIONS_H
#define FERRET_OPTIONS_H

#include <getopt.h>
#include <stdint.h>

#include "store/store.h"

#define DEFAULT_DB "ferret.db"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* What parsing a command's options decided: run it, or exit (--help; a usage error). */
enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_USAGE };

/* Long options shared by several commands; a command's own values start at OPT_OWN. */
enum { OPT_DB = 256, OPT_RUN_ID, OPT_PID, OPT_THREAD, OPT_MIN_DURATION, OPT_FUNCTION, OPT_OWN };
#define OPTION_DB { "db", required_argument, NULL, OPT_DB }
#define OPTION_RUN_ID { "run-id", required_argument, NULL, OPT_RUN_ID }
#define OPTION_HELP { "help", no_argument, NULL, 'h' }

/* The span filters of export and view (store's span_filter), their options and help. */
#define OPTIONS_SPAN_FILTER                                                                      \
	{ "pid", required_argument, NULL, OPT_PID }, { "thread", required_argument, NULL, OPT_THREAD }, \
	{ "function", required_argument, NULL, OPT_FUNCTION },                                     \
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION }
#define OPTIONS_SPAN_FILTER_HELP                                                                 \
	"  --pid PID          only the spans of this process\n"                                     \
	"  --thread TID       only the spans of this thread\n"                                      \
	"  --function GLOB    only functions matching GLOB; matching calls stay nested\n"           \
	"                     under their nearest matching caller\n"                                \
	"  --min-duration D   only calls that took at least D (300ns, 50us, 1.5ms, 2s)\n"
/* c (getopt_long's value) when it is a span filter's: PARSE_RUN with *f set, or PARSE_USAGE
 * (printed); PARSE_HELP when c is not one of them. */
enum parse_result options__span_filter(int c, const char *arg, struct span_filter *f);

/* Call before a command's first getopt_long: a full rescan (a test may parse more than
 * once) and errors reported by options__bad_option, not by getopt. */
void options__reset(void);
/* Reports getopt_long's '?' (unknown option) or ':' (missing value). Returns PARSE_USAGE. */
enum parse_result options__bad_option(int c, char **argv, const char *command);
/* The exit code of a command whose parsing ended with r (not PARSE_RUN). */
int options__exit_code(enum parse_result r);

/* Each returns PARSE_RUN, or PARSE_USAGE after printing why text is not one. */
/* opt's value: a process (kind "process") or thread ("thread") id. */
enum parse_result options__id(const char *opt, const char *kind, const char *text, int *id);
/* A whole number from min to max. */
enum parse_result options__number(const char *opt, const char *text, long min, long max, long *out);
/* A duration with its unit: 50us, 1.5ms, 2s. */
enum parse_result options__duration(const char *opt, const char *text, int64_t *ns);
/* A positive number of seconds: 0.5, 10. */
enum parse_result options__seconds(const char *opt, const char *text, int64_t *ns);
enum parse_result options__run_id(const char *text, const char **run_id);
/* -o PATH of export and view: a file, '-' for stdout, or a directory ending in '/'. */
enum parse_result options__output(const char *path, const char **output);
/* The database, given once: by --db or as the DB argument. */
enum parse_result options__db(const char *path, const char **db);
/* After getopt_long: the optional DB argument (nothing else); *db defaults to DEFAULT_DB. */
enum parse_result options__db_argument(int argc, char **argv, const char **db);

/* The end of a command's output: flushes stdout. EXIT_OK, or EXIT_FAILED after saying
 * it could not be written (a full disk, a closed pipe): never a silent exit 0. */
int finish_output(void);

#endif /* FERRET_OPTIONS_H */
