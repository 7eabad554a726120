/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret export: write a run for a viewer (Speedscope, Perfetto/Chrome,
 * flame graph tools, OpenTelemetry backends).
 *
 * A file is written to a temporary name in its directory and renamed over the
 * requested name only once complete: an error or Ctrl-C never leaves a
 * truncated file behind under that name.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "export/export.h"
#include "core/log.h"
#include "run_names.h"
#include "store/store.h"
#include "core/util.h"
#include "options.h"

#define OUTPUT_BUFFER (1 << 20)

struct export_opts {
	const char *db_path;
	const char *run_id; /* NULL: the latest run */
	const char *output; /* NULL or "-": stdout */
	const struct exporter *format;
	struct span_filter filter;
};

/* Where the bytes go: stdout, a device, or a temporary file renamed at the end. */
struct output {
	FILE *file;
	char *path;	/* what the user asked for, resolved; NULL for stdout */
	char *tmp_path; /* NULL when writing in place */
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
		"  --pid PID          only the spans of this process\n"
		"  --thread TID       only the spans of this thread\n"
		"  --function GLOB    only functions matching GLOB; matching calls stay nested\n"
		"                     under their nearest matching caller\n"
		"  --min-duration D   only calls that took at least D (300ns, 50us, 1.5ms, 2s)\n"
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

enum { OPT_FORMAT = OPT_OWN, OPT_FUNCTION };

static const struct option long_opts[] = {
	OPTION_DB,
	OPTION_RUN_ID,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "thread", required_argument, NULL, OPT_THREAD },
	{ "function", required_argument, NULL, OPT_FUNCTION },
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION },
	OPTION_HELP,
	{ 0 },
};

static enum parse_result apply_opt(int c, const char *arg, struct export_opts *o)
{
	switch (c) {
	case OPT_DB: return options__db(arg, &o->db_path);
	case OPT_RUN_ID: return options__run_id(arg, &o->run_id);
	case OPT_PID: return options__id("--pid", "process", arg, &o->filter.pid);
	case OPT_THREAD: return options__id("--thread", "thread", arg, &o->filter.tid);
	case OPT_MIN_DURATION: return options__duration("--min-duration", arg, &o->filter.min_duration_ns);
	case OPT_FORMAT: return parse_format(arg, &o->format);
	case OPT_FUNCTION: o->filter.function_glob = arg; return PARSE_RUN;
	case 'o':
		if (!*arg) {
			ferr("-o: empty path (use '-' for stdout)");
			return PARSE_USAGE;
		}
		o->output = arg;
		return PARSE_RUN;
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

/* A directory (existing, or named with a trailing '/') gets <run_id><suffix> inside it. */
static char *resolve_path(const char *requested, const char *run_id, const char *suffix)
{
	size_t len = strlen(requested), dir_len;
	bool slash = requested[len - 1] == '/';
	struct stat st;
	char *path, *p;

	if (!slash && (stat(requested, &st) || !S_ISDIR(st.st_mode)))
		return strdup(requested);
	if (asprintf(&path, "%s%s%s%s", requested, slash ? "" : "/", run_id, suffix) < 0)
		return NULL;
	/* A run id is free text: keep it one file name inside the directory. */
	dir_len = len + !slash;
	for (p = path + dir_len; *p; p++)
		if (*p == '/')
			*p = '_';
	return path;
}

static int open_temporary(struct output *o)
{
	char *slash = strrchr(o->path, '/');
	mode_t mask;
	int fd;

	if (asprintf(&o->tmp_path, "%.*s.%s.XXXXXX", slash ? (int)(slash - o->path + 1) : 0,
		     o->path, slash ? slash + 1 : o->path) < 0) {
		o->tmp_path = NULL;
		ferr("out of memory");
		return -1;
	}
	fd = mkstemp(o->tmp_path);
	if (fd < 0) {
		ferr("cannot write %s: %m", o->path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	/* mkstemp makes 0600; an export is an ordinary file: 0666 minus the umask. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		fdebug("chmod %s: %m", o->tmp_path);
	o->file = fdopen(fd, "w");
	if (!o->file) {
		ferr("cannot write %s: %m", o->path);
		close(fd);
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	return 0;
}

static int output__open(struct output *o, const struct export_opts *opts, const char *run_id)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (!opts->output || !strcmp(opts->output, "-")) {
		o->file = stdout;
	} else {
		o->path = resolve_path(opts->output, run_id, opts->format->suffix);
		if (!o->path) {
			ferr("out of memory");
			return -1;
		}
		/* A device or a pipe (-o /dev/null) is written in place, never replaced. */
		if (!stat(o->path, &st) && !S_ISREG(st.st_mode)) {
			o->file = fopen(o->path, "w");
			if (!o->file) {
				ferr("cannot write %s: %m", o->path);
				return -1;
			}
		} else if (open_temporary(o)) {
			return -1;
		}
	}
	setvbuf(o->file, NULL, _IOFBF, OUTPUT_BUFFER);
	return 0;
}

/* Completes (ok) or abandons the output; returns 0 only if the file is in place.
 * o->path stays for the caller's message: output__free() releases it. */
static int output__close(struct output *o, bool ok)
{
	int err = ok ? 0 : -1;

	if (o->file && o->file != stdout) {
		if (fclose(o->file) && !err) {
			ferr("cannot write %s: %m", o->path);
			err = -1;
		}
	} else if (o->file && fflush(o->file) && !err) {
		ferr("cannot write stdout: %m");
		err = -1;
	}
	if (o->tmp_path) {
		if (!err && rename(o->tmp_path, o->path)) {
			ferr("cannot rename %s to %s: %m", o->tmp_path, o->path);
			err = -1;
		}
		if (err)
			unlink(o->tmp_path);
	}
	free(o->tmp_path);
	o->tmp_path = NULL;
	o->file = NULL;
	return err;
}

static void output__free(struct output *o)
{
	free(o->path);
	o->path = NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	export_interrupted = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
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
	catch_signals();
	err = output__open(&out, &opts, run->run_id);
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
