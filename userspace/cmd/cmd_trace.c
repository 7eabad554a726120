/*
 * ferret trace: select functions, attach, record spans until the target exits,
 * the duration ends or a signal arrives; then drain, store and summarize.
 */
#include <errno.h>
#include <limits.h>
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

#include "analyze/analyze.h"
#include "trace/aggregates.h"
#include "trace/calibrate.h"
#include "trace/capture.h"
#include "trace/budget.h"
#include "commands.h"
#include "trace/consumer.h"
#include "trace/follow.h"
#include "trace/launch.h"
#include "trace/loader.h"
#include "core/log.h"
#include "elf/elf_syms.h"
#include "elf/modules.h"
#include "trace/probe_site.h"
#include "trace/stall_watch.h"
#include "trace_report.h"
#include "trace_usdt.h"
#include "elf/selection.h"
#include "store/store.h"
#include "trace/trace_target.h"
#include "core/util.h"
#include "options.h"
#include "trace_options.h"
#include "trace_live.h"
#include "trace_session.h"

#define TICK_MS 20 /* how often the end is looked for */

static atomic_int stop_signal;

/* The first signal stops tracing; a second one also stops waiting for a database lock. */
static void on_signal(int sig)
{
	if (atomic_exchange(&stop_signal, sig))
		store__give_up_lock_waits();
}

/* Nothing to do: the write that raised it fails with EPIPE or EFBIG instead. */
static void on_write_signal(int sig)
{
	(void)sig;
}

/* A closed pipe (ferret trace ... 2>&1 | head) or a file size limit (ulimit -f) would kill
 * the tracer mid-run and lose the run: the failed write is an error like any other. A
 * handler rather than SIG_IGN, which the traced command would inherit through exec. */
static void survive_write_signals(void)
{
	struct sigaction sa = { .sa_handler = on_write_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGXFSZ, &sa, NULL);
}

static bool may_trace(void)
{
	if (geteuid() == 0)
		return true;
	ferr("tracing needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN): run 'sudo ferret trace ...'");
	return false;
}

/* Adds the selection's modules and functions to the run; func_keys[i] for selection index i. */
static int store_functions(struct store *s, const struct trace_target *t,
			   const struct selection *sel, int64_t *func_keys)
{
	size_t m, f;

	for (m = 0; m < sel->nmodules; m++) {
		int64_t mkey = store__add_module(s, trace_target__shown_path(t, sel->modules[m].path),
						 sel->modules[m].build_id);

		if (mkey < 0)
			return (int)mkey;
		for (f = sel->modules[m].first_func; f < sel->modules[m].first_func + sel->modules[m].nfuncs; f++) {
			func_keys[f] = store__add_function(s, mkey, sel->funcs[f].name, sel->funcs[f].symbol,
							   sel->funcs[f].offset);
			if (func_keys[f] < 0)
				return (int)func_keys[f];
			/* Go's probes (entry and RET, no return probe) are not calibrated. */
			if (store__set_function_probe(s, func_keys[f], sel->modules[m].go ? NULL :
						      probe_kind__name((enum probe_kind)sel->funcs[f].probe_kind)))
				return -EIO;
		}
	}
	return 0;
}

static bool pid_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd >= 0 && poll(&p, 1, 0) > 0;
}

/* A database this run created goes to the user who ran sudo as soon as it exists, with the
 * files beside it, so that user reads the run (analyze, export) without root, even while it
 * is traced. Its mode stays 0600. SQLite, as root, gives a -wal it creates later the
 * database's owner. */
static void give_to_sudo_user(const char *db)
{
	uid_t uid;
	gid_t gid;

	if (sudo_user(&uid, &gid))
		db__give_files(db, uid, gid);
}

/* What a traced call costs here, measured before the run; stack mode's calls are not all
 * stored, so their durations cannot be compensated: nothing is measured for them. */
static void calibrate(const struct trace_opts *o, struct session *ss)
{
	if (!o->no_calibrate && !trace_options__stack_mode(o))
		calibrate__probe_costs(ss->costs, !o->no_sched);
}

static int store_probe_costs(struct store *s, const struct probe_cost costs[PROBE_KIND_COUNT])
{
	int k, err = 0;

	for (k = 0; !err && k < PROBE_KIND_COUNT; k++) {
		struct probe_cost_row row = { .probe = probe_kind__name((enum probe_kind)k),
					      .calls = costs[k].calls, .call_ns = costs[k].call_ns,
					      .inside_ns = costs[k].inside_ns };

		if (costs[k].measured)
			err = store__add_probe_cost(s, &row);
	}
	return err;
}

/* The kernel's return probe replaces the return address with its trampoline, which
 * the unwinder cannot step through: an exception crossing a traced call aborts. */
static void warn_unwinding(const struct selection *sel)
{
	const char *module = selection__unwinding_module(sel);

	if (module)
		fwarn("%s throws C++ exceptions or Rust panics: one that unwinds through a traced "
		      "function ends the program (return probes hide the return address from the "
		      "unwinder); leave such functions out with -x", module);
}

/* -v: where each traced module's function names came from. */
static void report_name_sources(const struct selection *sel)
{
	char text[PATH_MAX + 256];
	size_t i, k, len, counts[FUNC_SOURCE_COUNT];

	for (i = 0; ferret_verbose && i < sel->nsyms; i++) {
		const char *debug = elf_syms__debug_file(sel->syms[i]);

		elf_syms__count_sources(sel->syms[i], counts);
		for (k = 0, len = 0, text[0] = '\0'; k < FUNC_SOURCE_COUNT && len < sizeof(text); k++)
			if (counts[k])
				len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%zu %s%s%s",
							len ? ", " : "", counts[k], func_source__name(k),
							k == FUNC_SRC_DEBUG_FILE && debug ? " " : "",
							k == FUNC_SRC_DEBUG_FILE && debug ? debug : "");
		fdebug("%s: %zu functions: %s", elf_syms__path(sel->syms[i]),
		       elf_syms__count(sel->syms[i]), text);
	}
}

/* A launched command is done once it and every process it forked (all followed) have
 * exited: children that outlive it are traced to their end. */
static bool command_done(struct session *ss, bool *said)
{
	if (!launch__wait(&ss->target.child, 0))
		return false;
	if (!loader__followed_alive(ss->loader))
		return true;
	if (!*said)
		fprintf(stderr, "ferret: the command exited (%d); tracing the processes it forked "
			"until they exit (Ctrl-C to stop)\n", launch__exit_code(&ss->target.child));
	*said = true;
	return false;
}

/* Waits for a reason to stop: signal, duration, the target's exit, a storage failure. */
static void wait_for_end(const struct trace_opts *o, struct session *ss)
{
	struct timespec tick = { 0, TICK_MS * 1000000L };
	int64_t deadline = o->duration_ns ? mono_ns() + o->duration_ns : INT64_MAX;
	int64_t next_rate_check = mono_ns(), next_budget_check = mono_ns();
	struct trace_target *t = &ss->target;
	bool said = false;

	while (!atomic_load(&stop_signal) && mono_ns() < deadline && !consumer__failed(ss->consumer)) {
		if (t->launched && command_done(ss, &said))
			return;
		if (pid_exited(t->pidfd))
			return;
		if (o->max_rate && mono_ns() >= next_rate_check) {
			aggregates__check_rates(ss->agg, ss->loader, o->max_rate, mono_ns(), ss->sel);
			next_rate_check += 1000000000LL;
		}
		if (o->overhead && mono_ns() >= next_budget_check) {
			budget__check(ss->budget, ss->loader, ss->consumer, t->child.follower, mono_ns());
			next_budget_check = mono_ns() + 1000000000LL;
		}
		if (ss->live)
			trace_live__wait(ss->live, TICK_MS);
		else
			nanosleep(&tick, NULL);
	}
	/* A signal meant for ferret goes to the command it launched too (Ctrl-C reaches both
	 * already): traced while it ends, and reaped so that its exit code is stored. */
	if (t->launched && atomic_load(&stop_signal) && !t->child.exited) {
		if (atomic_load(&stop_signal) == SIGTERM)
			kill(t->child.pid, SIGTERM);
		launch__wait(&t->child, 2000);
	}
}

static int start_tracing(const struct trace_opts *o, struct session *ss)
{
	struct loader_opts lo = {
		/* -p: the probes' own process filter (attach_pid) is cheaper than a map lookup. */
		.filter_pids = !o->target.all && !o->target.pid,
		.follow_forks = o->target.argv != NULL,
		.ringbuf_bytes = (uint32_t)o->ringbuf_mb << 20,
		/* A followed command: breakpoints in its processes only (follow.h). */
		.attach_pid = o->target.pid ? o->target.pid
			    : ss->target.child.follower ? ss->target.pid : -1,
		.main_pid = ss->target.pid,
		.stack_mode = trace_options__stack_mode(o),
		.emit_spans = !o->aggregate,
		.min_duration_ns = (uint64_t)o->min_duration_ns,
		.nfuncs = (uint32_t)ss->sel->nfuncs,
		.probe_states = budget__needs_probe_states(ss->budget),
		.arg_plans = ss->capture ? ss->capture->loader : NULL,
		.string_size = (uint32_t)o->string_size,
		.sched = !o->no_sched,
	};
	struct run_info info = {
		.run_id = o->run_id,
		.command = ss->target.description,
		.mode = o->target.all ? "all" : o->target.argv ? "command" : "pid",
		.pid = ss->target.pid,
		.min_duration_ns = o->min_duration_set ? o->min_duration_ns : -1,
		.aggregate = o->aggregate,
		.max_rate = o->max_rate,
	};
	/* the status line would write over --live's view (its messages wait: trace_live.h) */
	bool status_line = !o->live && isatty(STDERR_FILENO);
	int err = 0;

	calibrate(o, ss);
	if (trace_options__stack_mode(o))
		err = aggregates__new(ss->sel->nfuncs, &ss->agg);
	if (!err)
		err = loader__open(&lo, &ss->loader);
	if (!err && o->overhead && !loader__uses_multi(ss->loader)) {
		ferr("--overhead needs the kernel's uprobe_multi links");
		err = -ENOTSUP;
	}
	if (!err)
		err = budget__apply_states(ss->budget, ss->loader);
	if (!err && !o->target.all)
		err = loader__add_pid(ss->loader, ss->target.pid);
	if (!err && ss->target.child.follower)
		follower__set_loader(ss->target.child.follower, ss->loader);
	info.start_mono_ns = mono_ns();
	info.start_real_ns = real_ns();
	if (!err)
		err = loader__attach(ss->loader, ss->sel);
	if (!err)
		err = loader__attach_usdt(ss->loader, ss->usdt);
	if (!err)
		err = store__begin_run(ss->store, &info);
	if (!err)
		err = store_probe_costs(ss->store, ss->costs);
	if (!err)
		err = store_functions(ss->store, &ss->target, ss->sel, ss->func_keys);
	if (!err)
		err = trace_usdt__store(ss->usdt, ss->store, &ss->target);
	if (!err)
		err = capture__store_specs(ss->capture, ss->store, ss->func_keys);
	if (!err)
		err = store__flush(ss->store);
	/* made before the consumer's thread uses the store; without --stall, not needed to trace */
	if (!err && !trace_options__stack_mode(o) &&
	    !(ss->watch = stall_watch__new(ss->store, o->stall_ns, status_line)) && o->stall_ns)
		err = -EIO;
	if (!err)
		err = consumer__start(ss->loader, ss->store, ss->func_keys, ss->sel->nfuncs, ss->usdt,
				      ss->capture, status_line, &ss->consumer);
	if (!err && ss->watch)
		consumer__set_watch(ss->consumer, ss->watch);
	return err;
}

static int finish_tracing(const struct trace_opts *o, struct session *ss)
{
	struct run_end end = { 0 };
	int err;

	launch__unfollow(&ss->target.child); /* it attaches probes: done before they go */
	loader__detach(ss->loader);
	end.end_mono_ns = mono_ns();
	err = consumer__finish(ss->consumer, end.end_mono_ns, ss->agg);
	if (!err && ss->agg)
		err = aggregates__store(ss->agg, ss->store, ss->func_keys);
	if (!err)
		err = budget__store(ss->budget, ss->loader, ss->consumer, ss->store, ss->func_keys);
	end.lost_events = (int64_t)loader__lost_events(ss->loader);
	end.no_return_spans = consumer__counts(ss->consumer)->no_return;
	end.lost_spans = consumer__counts(ss->consumer)->lost;
	if (ss->target.launched && ss->target.child.exited) {
		end.has_exit_code = true;
		end.exit_code = launch__exit_code(&ss->target.child);
	}
	/* Calls that could not be stored were counted, and make the trace a failure. */
	if (store__end_run(ss->store, &end))
		err = err ? err : -EIO;
	else /* analyze's figures: without them (a warning), analyze reads the spans */
		analyze__store_figures(ss->store, o->db, store__run_id(ss->store));
	if (store__unstored_spans(ss->store, NULL) && !err)
		err = -EIO;
	trace_session__summary(o, ss);
	return err;
}

static void free_session(struct session *ss)
{
	trace_live__free(ss->live); /* first: the terminal back, ferret's messages out */
	consumer__free(ss->consumer);
	stall_watch__free(ss->watch);
	loader__free(ss->loader);
	aggregates__free(ss->agg);
	budget__free(ss->budget);
	store__free(ss->store);
	capture__free(ss->capture);
	selection__free(ss->sel);
	usdt_plan__free(ss->usdt);
	free(ss->func_keys);
	trace_target__free(&ss->target);
}

/* Stack mode keeps each thread's calls in the kernel; Go's calls belong to goroutines. */
static int refuse_go_in_stack_mode(const struct trace_opts *o, const struct selection *sel)
{
	size_t m;

	for (m = 0; trace_options__stack_mode(o) && m < sel->nmodules; m++) {
		if (!sel->modules[m].go)
			continue;
		ferr("%s is Go code: --min-duration, --aggregate and --max-rate do not trace Go "
		     "functions (their calls are kept per goroutine, in userspace)",
		     sel->modules[m].path);
		return -ENOTSUP;
	}
	return 0;
}

/* -A, -R, --error matched against the selection: a spec that names nothing is bad input. */
static int build_capture(const struct trace_opts *o, struct session *ss)
{
	struct capture_request req = { .specs = o->specs, .nspecs = o->nspecs, .rules = o->rules,
				       .nrules = o->nrules, .string_size = (uint32_t)o->string_size,
				       .all_args = o->all_args, .errors_auto = o->errors_auto,
				       .names = o->names, .nnames = o->nnames };
	int err = capture__build(ss->sel, &req, &ss->capture);

	/* Where the types came from: arg_specs has no place to say it. */
	if (!err && o->all_args && ss->capture && ss->capture->typed_builtin)
		fprintf(stderr, "ferret: -a: %zu function%s typed from DWARF, %zu from ferret's table of libc "
			"prototypes (no DWARF for them)\n", ss->capture->typed, ss->capture->typed == 1 ? "" : "s",
			ss->capture->typed_builtin);
	return err;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o;
	struct session ss = { 0 };
	int rc = EXIT_FAILED;
	bool passed_on = false; /* rc is the command's exit code */
	enum parse_result r;

	if ((r = trace_options__parse(argc, argv, &o)) != PARSE_RUN) {
		trace_options__free(&o);
		return options__exit_code(r);
	}
	survive_write_signals();
	if (!may_trace() || trace_target__resolve(&o.target, &ss.target) ||
	    selection__build(&ss.target.modules, o.target.includes, o.target.ninc, o.target.excludes,
			     o.target.nexc, &ss.sel) || refuse_go_in_stack_mode(&o, ss.sel) ||
	    trace_usdt__plan(&o, &ss.target, &ss.usdt))
		goto out;
	if (build_capture(&o, &ss)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (probe_site__place_all(ss.sel, ss.probe_kinds, &ss.probes_moved) ||
	    ((o.overhead || o.ncount_only) &&
	     budget__new(ss.sel, o.overhead, o.count_only, o.ncount_only, &ss.budget)))
		goto out;
	ss.func_keys = calloc(ss.sel->nfuncs, sizeof(*ss.func_keys));
	if (!ss.func_keys || store__open(o.db, STORE_WRITE, &ss.store))
		goto out;
	ss.db_created = store__created(ss.store); /* only then is the file ours to remove */
	if (ss.db_created)
		give_to_sudo_user(o.db);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.live) /* the view's terminal closed: the run is written as after Ctrl-C */
		signal(SIGHUP, on_signal);
	if ((o.live && trace_live__prepare(&o, &ss.target, &ss.live)) || trace_target__launch(&ss.target) ||
	    start_tracing(&o, &ss)) {
		trace_target__abort(&ss.target);
		goto out;
	}
	fprintf(stderr, "ferret: tracing %zu function%s in %zu module%s of %s (Ctrl-C to stop)\n",
		ss.sel->nfuncs, plural((long long)ss.sel->nfuncs), ss.sel->nmodules,
		plural((long long)ss.sel->nmodules), ss.target.description);
	trace_report__placement(ss.probe_kinds, ss.probes_moved);
	warn_unwinding(ss.sel);
	report_name_sources(ss.sel);
	if (ss.live && trace_live__start(ss.live, o.db, store__run_id(ss.store), o.stall_ns))
		fwarn("tracing without the live view");
	trace_target__start(&ss.target);
	wait_for_end(&o, &ss);
	trace_live__stop(ss.live);
	if (finish_tracing(&o, &ss) == 0)
		rc = 0;
	trace_live__report(ss.live);
	if (ss.target.launched) {
		/* -d may end tracing before the command ends: it runs on, untraced. */
		launch__wait(&ss.target.child, -1);
		passed_on = rc == 0;
		rc = rc ? rc : launch__exit_code(&ss.target.child);
	}
	ss.db_created = false;
out:
	free_session(&ss);
	if (ss.db_created && rc) /* a DB this run created but never used: nothing half-written stays */
		db__remove_files(o.db);
	trace_options__free(&o);
	if (passed_on)
		launch__end_like_child(&ss.target.child);
	return rc;
}
