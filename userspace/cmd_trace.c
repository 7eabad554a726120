/*
 * ferret trace: select functions, attach, record spans until the target exits,
 * the duration ends or a signal arrives; then drain, store and summarize.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "consumer.h"
#include "launch.h"
#include "loader.h"
#include "log.h"
#include "modules.h"
#include "selection.h"
#include "store.h"
#include "trace_target.h"
#include "util.h"

#define DEFAULT_RINGBUF_MB 64

struct trace_opts {
	struct target_spec target;
	int64_t duration_ns; /* 0: until the target exits or a signal */
	const char *db;
	const char *run_id;
	long ringbuf_mb;
};

static atomic_int stop_signal;

static void on_signal(int sig)
{
	atomic_store(&stop_signal, sig);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ferret trace [options] -p PID\n"
		"       ferret trace [options] -- PROGRAM [ARGS...]\n"
		"       ferret trace [options] --all -f BINARY:GLOB\n"
		"\n"
		"  -p, --pid PID          trace every thread of a running process\n"
		"  --all                  trace every process that runs the selected binaries\n"
		"  -f, --function PATTERN GLOB (main executable) or MODULE:GLOB (libc:malloc,\n"
		"                         /usr/lib/x/libfoo.so:foo_*); repeatable. Default: every\n"
		"                         function of the main executable\n"
		"  -x, --exclude PATTERN  leave these out (same forms as -f); repeatable\n"
		"  -d, --duration SECONDS stop after this long (also: Ctrl-C, SIGTERM, target exit)\n"
		"  --db FILE              database to add the run to (default ferret.db)\n"
		"  --run-id NAME          name of the run (default run-DATE-TIME)\n"
		"  --buffer-size MB       ring buffer size, a power of two (default %d)\n"
		"  -v, --verbose          more detail (twice: libbpf's too)\n",
		DEFAULT_RINGBUF_MB);
}

static int add_pattern(char ***list, size_t *n, char *pattern)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	grown[(*n)++] = pattern;
	*list = grown;
	return 0;
}

static int parse_seconds(const char *text, int64_t *ns)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(text, &end);
	if (errno || end == text || *end || s <= 0)
		return -1;
	*ns = (int64_t)(s * 1e9);
	return 0;
}

/* 0: parsed; 1: --help printed; 2: usage error printed. */
static int parse_args(int argc, char **argv, struct trace_opts *o)
{
	enum { OPT_DB = 256, OPT_RUN_ID, OPT_ALL, OPT_BUFFER };
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "function", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "duration", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "run-id", required_argument, NULL, OPT_RUN_ID },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	long pid;
	int c;

	*o = (struct trace_opts){ .db = "ferret.db", .ringbuf_mb = DEFAULT_RINGBUF_MB };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:f:x:d:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_long(optarg, &pid) || pid <= 0 || pid > 1 << 22) {
				ferr("-p needs a process id, not '%s'", optarg);
				return 2;
			}
			o->target.pid = (int)pid;
			break;
		case 'f':
		case 'x':
			if (c == 'f' ? add_pattern(&o->target.includes, &o->target.ninc, optarg)
				     : add_pattern(&o->target.excludes, &o->target.nexc, optarg))
				return 2;
			break;
		case 'd':
			if (parse_seconds(optarg, &o->duration_ns)) {
				ferr("-d needs a number of seconds, not '%s'", optarg);
				return 2;
			}
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_RUN_ID:
			o->run_id = optarg;
			break;
		case OPT_ALL:
			o->target.all = true;
			break;
		case OPT_BUFFER:
			if (parse_long(optarg, &o->ringbuf_mb) || o->ringbuf_mb < 1 || o->ringbuf_mb > 2048 ||
			    (o->ringbuf_mb & (o->ringbuf_mb - 1))) {
				ferr("--buffer-size needs a power of two from 1 to 2048 (MB), not '%s'", optarg);
				return 2;
			}
			break;
		case 'v':
			ferret_verbose++;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			ferr("%s needs a value (see 'ferret trace --help')", argv[optind - 1]);
			return 2;
		default:
			ferr("unknown option '%s' (see 'ferret trace --help')", argv[optind - 1]);
			return 2;
		}
	}
	o->target.argv = optind < argc ? argv + optind : NULL;
	return target_spec__check(&o->target) ? 2 : 0;
}

static bool may_trace(void)
{
	if (geteuid() == 0)
		return true;
	ferr("tracing needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN): run 'sudo ferret trace ...'");
	return false;
}

/* Adds the selection's modules and functions to the run; func_keys[i] for selection index i. */
static int store_functions(struct store *s, const struct selection *sel, int64_t *func_keys)
{
	size_t m, f;

	for (m = 0; m < sel->nmodules; m++) {
		int64_t mkey = store__add_module(s, sel->modules[m].path);

		if (mkey < 0)
			return (int)mkey;
		for (f = sel->modules[m].first_func; f < sel->modules[m].first_func + sel->modules[m].nfuncs; f++) {
			func_keys[f] = store__add_function(s, mkey, sel->funcs[f].name, sel->funcs[f].offset);
			if (func_keys[f] < 0)
				return (int)func_keys[f];
		}
	}
	return 0;
}

static bool pid_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd >= 0 && poll(&p, 1, 0) > 0;
}

/* Waits for a reason to stop: signal, duration, the target's exit, a storage failure. */
static void wait_for_end(const struct trace_opts *o, struct trace_target *t, struct consumer *c)
{
	struct timespec tick = { 0, 20 * 1000000L };
	int64_t deadline = o->duration_ns ? mono_ns() + o->duration_ns : INT64_MAX;

	while (!atomic_load(&stop_signal) && mono_ns() < deadline && !consumer__failed(c)) {
		if (t->launched && launch__wait(&t->child, 0))
			return;
		if (pid_exited(t->pidfd))
			return;
		nanosleep(&tick, NULL);
	}
	/* A signal meant for ferret goes to the command it launched too (Ctrl-C reaches both already). */
	if (t->launched && atomic_load(&stop_signal) == SIGTERM && !t->child.exited) {
		kill(t->child.pid, SIGTERM);
		launch__wait(&t->child, 2000);
	}
}

static void print_summary(const struct store *s, const char *db, struct loader *l,
			  const struct consumer *c, size_t nfuncs)
{
	const struct span_stats *st = consumer__stats(c);
	unsigned long long lost = loader__lost_events(l);

	fprintf(stderr, "ferret: run %s: %lld spans (%lld incomplete), %zu functions, %lld threads, lost %llu events -> %s\n",
		store__run_id(s), (long long)st->spans, (long long)st->incomplete, nfuncs,
		(long long)st->threads, lost, db);
	if (lost)
		fprintf(stderr, "ferret: WARNING: lost %llu events: the ring buffer was full "
			"(a larger --buffer-size or fewer functions helps)\n", lost);
	fdebug("%zu probes attached in %.3f s, detached in %.3f s (%s)", loader__probe_count(l),
	       loader__attach_seconds(l), loader__detach_seconds(l),
	       loader__uses_multi(l) ? "uprobe_multi" : "single uprobes");
	if (st->unmatched_exits)
		fdebug("%lld returns had no recorded entry", (long long)st->unmatched_exits);
}

/* A DB this run created but never used: leave nothing half-written behind. */
static void remove_db_files(const char *db)
{
	char path[4096];

	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
}

struct session {
	struct trace_target target;
	struct selection *sel;
	struct store *store;
	struct loader *loader;
	struct consumer *consumer;
	int64_t *func_keys;
	bool db_created;
};

static int start_tracing(const struct trace_opts *o, struct session *ss)
{
	struct loader_opts lo = {
		.filter_pids = !o->target.all,
		.follow_forks = o->target.argv != NULL,
		.ringbuf_bytes = (uint32_t)o->ringbuf_mb << 20,
		.attach_pid = o->target.pid ? o->target.pid : -1,
	};
	struct run_info info = {
		.run_id = o->run_id,
		.command = ss->target.description,
		.mode = o->target.all ? "all" : o->target.argv ? "command" : "pid",
		.pid = ss->target.pid,
	};
	int err;

	err = loader__open(&lo, &ss->loader);
	if (!err && !o->target.all)
		err = loader__add_pid(ss->loader, ss->target.pid);
	info.start_mono_ns = mono_ns();
	info.start_real_ns = real_ns();
	if (!err)
		err = loader__attach(ss->loader, ss->sel);
	if (!err)
		err = store__begin_run(ss->store, &info);
	if (!err)
		err = store_functions(ss->store, ss->sel, ss->func_keys);
	if (!err)
		err = store__flush(ss->store);
	if (!err)
		err = consumer__start(ss->loader, ss->store, ss->func_keys, ss->sel->nfuncs,
				      isatty(STDERR_FILENO), &ss->consumer);
	return err;
}

static int finish_tracing(const struct trace_opts *o, struct session *ss)
{
	struct run_end end = { 0 };
	int err;

	loader__detach(ss->loader);
	end.end_mono_ns = mono_ns();
	err = consumer__finish(ss->consumer, end.end_mono_ns);
	end.lost_events = (int64_t)loader__lost_events(ss->loader);
	if (ss->target.launched && ss->target.child.exited) {
		end.has_exit_code = true;
		end.exit_code = launch__exit_code(&ss->target.child);
	}
	if (store__end_run(ss->store, &end) && !err)
		err = -EIO;
	print_summary(ss->store, o->db, ss->loader, ss->consumer, ss->sel->nfuncs);
	return err;
}

static void free_session(struct session *ss)
{
	consumer__free(ss->consumer);
	loader__free(ss->loader);
	store__free(ss->store);
	selection__free(ss->sel);
	free(ss->func_keys);
	trace_target__free(&ss->target);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	struct session ss = { 0 };
	int err, rc = 1;

	err = parse_args(argc, argv, &o);
	if (err)
		return err == 1 ? 0 : 2;
	if (!may_trace() || trace_target__resolve(&o.target, &ss.target) ||
	    selection__build(&ss.target.modules, o.target.includes, o.target.ninc, o.target.excludes,
			     o.target.nexc, &ss.sel))
		goto out;
	ss.func_keys = calloc(ss.sel->nfuncs, sizeof(*ss.func_keys));
	ss.db_created = access(o.db, F_OK) != 0;
	if (!ss.func_keys || store__open(o.db, STORE_WRITE, &ss.store))
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (trace_target__launch(&ss.target) || start_tracing(&o, &ss)) {
		trace_target__abort(&ss.target);
		goto out;
	}
	fprintf(stderr, "ferret: tracing %zu functions in %zu modules of %s (Ctrl-C to stop)\n",
		ss.sel->nfuncs, ss.sel->nmodules, ss.target.description);
	trace_target__start(&ss.target);
	wait_for_end(&o, &ss.target, ss.consumer);
	if (finish_tracing(&o, &ss) == 0)
		rc = 0;
	if (ss.target.launched) {
		/* -d may end tracing before the command ends: it runs on, untraced. */
		launch__wait(&ss.target.child, -1);
		rc = rc ? rc : launch__exit_code(&ss.target.child);
	}
	ss.db_created = false;
out:
	free_session(&ss);
	if (ss.db_created && rc)
		remove_db_files(o.db);
	free(o.target.includes);
	free(o.target.excludes);
	return rc;
}
