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
#include "store/store.h"
#include "core/util.h"

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
		     "Writes one run of DB (default ferret.db) for a viewer.\n\n"
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

static int parse_id(const char *opt, const char *text, int *out)
{
	long v;

	if (parse_long(text, &v) || v <= 0 || v > 0x7fffffff) {
		ferr("%s: '%s' is not a process or thread id", opt, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_format(const char *name, const struct exporter **out)
{
	char names[128];

	*out = exporter__find(name);
	if (*out)
		return 0;
	exporter__list_names(names, sizeof(names));
	ferr("unknown format '%s' (formats: %s)", name, names);
	return -1;
}

/* 0: parsed; 1: --help was printed; -1: bad usage (printed). */
static int parse_args(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_DB = 256, OPT_RUN, OPT_FORMAT, OPT_PID, OPT_THREAD, OPT_FUNCTION, OPT_MIN };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "run-id", required_argument, NULL, OPT_RUN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "thread", required_argument, NULL, OPT_THREAD },
		{ "function", required_argument, NULL, OPT_FUNCTION },
		{ "min-duration", required_argument, NULL, OPT_MIN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err = 0;

	memset(o, 0, sizeof(*o));
	o->format = exporters[0];
	optind = 0; /* glibc: a full reset, so the command can run more than once (tests) */
	opterr = 0;
	while (!err && (c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: o->db_path = optarg; break;
		case OPT_RUN: o->run_id = optarg; break;
		case OPT_FORMAT: err = parse_format(optarg, &o->format); break;
		case 'o': o->output = optarg; break;
		case OPT_PID: err = parse_id("--pid", optarg, &o->filter.pid); break;
		case OPT_THREAD: err = parse_id("--thread", optarg, &o->filter.tid); break;
		case OPT_FUNCTION: o->filter.function_glob = optarg; break;
		case OPT_MIN:
			if (parse_duration(optarg, &o->filter.min_duration_ns)) {
				ferr("--min-duration: '%s' is not a duration (e.g. 50us, 1.5ms)", optarg);
				err = -1;
			}
			break;
		case 'h': usage(stdout); return 1;
		case ':': ferr("option %s needs a value", argv[optind - 1]); return -1;
		default: ferr("unknown option '%s' (try 'ferret export --help')", argv[optind - 1]); return -1;
		}
	}
	if (err)
		return -1;
	if (optind < argc && !o->db_path)
		o->db_path = argv[optind++];
	if (optind < argc) {
		ferr("unexpected argument '%s' (try 'ferret export --help')", argv[optind]);
		return -1;
	}
	if (!o->db_path)
		o->db_path = "ferret.db";
	if (o->output && !*o->output) {
		ferr("-o: empty path (use '-' for stdout)");
		return -1;
	}
	return 0;
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

int cmd_export(int argc, char **argv)
{
	struct output out = { 0 };
	struct export_opts opts;
	struct store *s = NULL;
	struct run_row *run;
	int64_t spans = 0;
	int err;

	err = parse_args(argc, argv, &opts);
	if (err)
		return err > 0 ? 0 : 2;
	run = calloc(1, sizeof(*run));
	if (!run) {
		ferr("out of memory");
		return 1;
	}
	err = store__open(opts.db_path, STORE_READ, &s);
	if (!err)
		err = store__find_run(s, opts.run_id, run);
	if (err)
		goto cleanup;
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
cleanup:
	store__free(s);
	free(run);
	return err ? 1 : 0;
}
