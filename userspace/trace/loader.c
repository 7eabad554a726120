#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "ferret.skel.h"
#include "closer.h"
#include "loader_int.h"
#include "core/log.h"
#include "core/util.h"

/* The ABI's layout, as the BPF side (built with -target bpf) sees it. */
_Static_assert(sizeof(struct ferret_event) == 24, "ferret_event is 24 bytes on both sides");
_Static_assert(sizeof(struct ferret_entry_event) == 32, "ferret_entry_event is 32 bytes");
_Static_assert(sizeof(struct ferret_thread_event) == 40, "ferret_thread_event is 40 bytes");
_Static_assert(sizeof(struct ferret_go_event) == 48, "ferret_go_event is 48 bytes");
_Static_assert(sizeof(struct ferret_span_event) == 56, "ferret_span_event is 56 bytes");
_Static_assert(sizeof(struct ferret_frame) == 40, "ferret_frame is 40 bytes");
_Static_assert(sizeof(struct ferret_stack) == 8 + FERRET_STACK_DEPTH * 40,
	       "ferret_stack has no padding");
_Static_assert(sizeof(struct func_figures) == (5 + FUNC_FIGURES_BUCKETS) * 8,
	       "func_figures has no padding");
_Static_assert(sizeof(struct ferret_counters) == 6 * 8, "ferret_counters is 6 counters");
/* -A, -R's records (loader_args.c). */
_Static_assert(sizeof(struct ferret_arg_plan) == 8, "ferret_arg_plan is 8 bytes");
_Static_assert(sizeof(struct ferret_args_event) == 80, "ferret_args_event is 80 bytes");
_Static_assert(sizeof(struct ferret_args_str_event) == 88, "ferret_args_str_event's fixed part is 88 bytes");
_Static_assert(sizeof(struct ferret_ret_event) == 32, "ferret_ret_event is 32 bytes");
_Static_assert(LOADER_ARG_STRS == FERRET_ARG_STRS && LOADER_STRING_MAX == FERRET_STR_MAX,
	       "loader.h's string limits are the BPF side's");
/* What loader.h promises its users. */
_Static_assert(LOADER_STACK_DEPTH == FERRET_STACK_DEPTH, "loader.h's stack depth is the kernel's");
_Static_assert(LOADER_MAX_RETURN_PROBES == FERRET_MAX_URETPROBE_DEPTH, "loader.h's return probe limit");
_Static_assert(LOADER_PROBE_GENS == FERRET_PROBE_GENS, "loader.h's link generations");
_Static_assert((int)LOADER_PROBE_TRACED == FERRET_PROBE_TRACED && (int)LOADER_PROBE_COUNT_ONLY == FERRET_PROBE_COUNT_ONLY &&
		       (int)LOADER_PROBE_REMOVED == FERRET_PROBE_REMOVED,
	       "loader.h's probe states are the BPF side's");


static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && ferret_verbose < 2)
		return 0;
	if (!ferret_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void destroy_link(void *link)
{
	bpf_link__destroy(link);
}

/* --all: no pid filter at all, so processes forked by traced ones are traced too. */
static bool all_processes(const struct loader_opts *opts)
{
	return !opts->filter_pids && opts->attach_pid < 0;
}

static int open_skeleton(const struct loader_opts *opts, bool multi, struct ferret_bpf **out)
{
	struct ferret_bpf *skel = ferret_bpf__open();
	int err;

	if (!skel)
		return -errno;
	skel->rodata->filter_pids = opts->filter_pids;
	skel->rodata->follow_forks = opts->follow_forks;
	skel->rodata->all_processes = all_processes(opts);
	skel->rodata->main_pid = (__u32)opts->main_pid;
	/* --all: ferret's own calls (SQLite's mallocs) would trace themselves. */
	skel->rodata->self_pid = all_processes(opts) ? (__u32)getpid() : 0;
	skel->rodata->stack_mode = opts->stack_mode;
	skel->rodata->emit_spans = opts->emit_spans || !opts->stack_mode;
	skel->rodata->min_duration_ns = opts->min_duration_ns;
	skel->rodata->probe_states = opts->probe_states;
	bpf_program__set_autoload(skel->progs.on_entry_multi, multi);
	bpf_program__set_autoload(skel->progs.on_exit_multi, multi);
	bpf_program__set_autoload(skel->progs.on_entry_single, !multi);
	bpf_program__set_autoload(skel->progs.on_exit_single, !multi);
	bpf_program__set_autoload(skel->progs.on_go_entry_multi, multi);
	bpf_program__set_autoload(skel->progs.on_go_ret_multi, multi);
	bpf_program__set_autoload(skel->progs.on_go_end_multi, multi);
	bpf_program__set_autoload(skel->progs.on_go_entry_single, !multi);
	bpf_program__set_autoload(skel->progs.on_go_ret_single, !multi);
	bpf_program__set_autoload(skel->progs.on_go_end_single, !multi);
	loader_sched__configure(skel, opts);
	err = bpf_map__set_max_entries(skel->maps.events, opts->ringbuf_bytes);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.func_stats, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.demoted, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.probe_state, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.func_hits, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = loader_args__configure(skel, opts);
	if (!err && !opts->stack_mode) {
		/* Event mode never touches the stack maps: keep their memory. */
		bpf_map__set_max_entries(skel->maps.stacks, 1);
	}
	if (!err)
		err = ferret_bpf__load(skel);
	if (!err)
		err = loader_args__fill(skel, opts);
	if (err) {
		ferret_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

static int dispatch_event(void *ctx, void *data, size_t size)
{
	struct loader *l = ctx;

	return l->handler ? l->handler(l->handler_ctx, data, size) : 0;
}

static int attach_task_programs(struct loader *l, const struct loader_opts *opts)
{
	if (opts->follow_forks || all_processes(opts)) {
		l->skel->links.on_fork = bpf_program__attach(l->skel->progs.on_fork);
		if (!l->skel->links.on_fork)
			return -errno;
	}
	l->skel->links.on_rename = bpf_program__attach(l->skel->progs.on_rename);
	if (!l->skel->links.on_rename)
		return -errno;
	l->skel->links.on_exec = bpf_program__attach(l->skel->progs.on_exec);
	if (!l->skel->links.on_exec)
		return -errno;
	l->skel->links.on_exit_task = bpf_program__attach(l->skel->progs.on_exit_task);
	if (!l->skel->links.on_exit_task)
		return -errno;
	return loader_sched__attach(l, opts);
}

int loader__open(const struct loader_opts *opts, struct loader **out)
{
	struct loader *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->usdt_lock, NULL);
	libbpf_set_print(print_libbpf);
	if (closer__new(destroy_link, &l->closer))
		l->closer = NULL; /* links are then closed one by one, waiting */
	l->attach_pid = opts->attach_pid;
	l->nfuncs = opts->nfuncs;
	l->probe_state = calloc(opts->nfuncs ? opts->nfuncs : 1, 1);
	if (!l->probe_state) {
		loader__free(l);
		return -ENOMEM;
	}
	l->multi = !getenv("FERRET_NO_UPROBE_MULTI");
	if (!l->multi)
		fwarn("FERRET_NO_UPROBE_MULTI is set: attaching one uprobe per function "
		      "(slower to attach and detach)");
	err = open_skeleton(opts, l->multi, &l->skel);
	if (err == -EINVAL && l->multi) {
		/* Kernels before 6.6 reject the uprobe.multi attach type at load (EINVAL). */
		fwarn("this kernel has no uprobe_multi: attaching one uprobe per function "
		      "(slower to attach and detach)");
		l->multi = false;
		err = open_skeleton(opts, false, &l->skel);
	}
	if (err) {
		ferr("cannot load the BPF programs: %s%s", strerror(-err),
		     err == -EPERM ? " (run ferret as root)" : "");
		goto fail;
	}
	err = attach_task_programs(l, opts);
	if (err) {
		ferr("cannot attach the process tracepoints: %s", strerror(-err));
		goto fail;
	}
	l->ring = ring_buffer__new(bpf_map__fd(l->skel->maps.events), dispatch_event, l, NULL);
	if (!l->ring) {
		err = -errno;
		ferr("cannot open the ring buffer: %s", strerror(-err));
		goto fail;
	}
	*out = l;
	return 0;
fail:
	loader__free(l);
	return err;
}

int loader__add_pid(struct loader *l, int pid)
{
	__u32 key = (__u32)pid;
	__u8 one = 1;

	if (bpf_map__update_elem(l->skel->maps.pids, &key, sizeof(key), &one, sizeof(one), BPF_ANY)) {
		ferr("cannot add pid %d to the filter: %s", pid, strerror(errno));
		return -errno;
	}
	return 0;
}

int loader__set_handler(struct loader *l, loader_event_fn fn, void *ctx)
{
	l->handler = fn;
	l->handler_ctx = ctx;
	return 0;
}

int loader__poll(struct loader *l, int timeout_ms)
{
	int n = timeout_ms ? ring_buffer__poll(l->ring, timeout_ms) : ring_buffer__consume(l->ring);

	return n == -EINTR ? 0 : n;
}

uint64_t loader__lost_events(const struct loader *l)
{
	struct loader_counters k;

	loader__counters(l, &k);
	return k.lost_events + k.deep_dropped + k.no_stack;
}

void loader__counters(const struct loader *l, struct loader_counters *out)
{
	out->lost_events = __atomic_load_n(&l->skel->bss->counters.lost_events, __ATOMIC_RELAXED);
	out->deep_dropped = __atomic_load_n(&l->skel->bss->counters.deep_dropped, __ATOMIC_RELAXED);
	out->no_stack = __atomic_load_n(&l->skel->bss->counters.no_stack, __ATOMIC_RELAXED);
	out->no_return = __atomic_load_n(&l->skel->bss->counters.no_return, __ATOMIC_RELAXED);
	out->forks = __atomic_load_n(&l->skel->bss->counters.forks, __ATOMIC_RELAXED);
}

bool loader__followed_alive(const struct loader *l)
{
	__u32 key;

	/* The BPF side removes a followed process from the filter when its last thread exits. */
	return !bpf_map__get_next_key(l->skel->maps.pids, NULL, &key, sizeof(key));
}

int loader__func_figures(const struct loader *l, uint32_t func_id, struct func_figures *sum)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, b;
	struct func_figures *percpu;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	if (bpf_map__lookup_elem(l->skel->maps.func_stats, &func_id, sizeof(func_id), percpu,
				 (size_t)ncpus * sizeof(*percpu), 0)) {
		free(percpu);
		return -errno;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		const struct func_figures *c = &percpu[cpu];

		sum->calls += c->calls;
		sum->total_ns += c->total_ns;
		sum->sum_ns += c->sum_ns;
		if (c->min_ns && (!sum->min_ns || c->min_ns < sum->min_ns))
			sum->min_ns = c->min_ns;
		if (c->max_ns > sum->max_ns)
			sum->max_ns = c->max_ns;
		for (b = 0; b < FUNC_FIGURES_BUCKETS; b++)
			sum->hist[b] += c->hist[b];
	}
	free(percpu);
	return 0;
}

int loader__demote(struct loader *l, uint32_t func_id)
{
	__u8 one = 1;

	if (bpf_map__update_elem(l->skel->maps.demoted, &func_id, sizeof(func_id), &one, sizeof(one),
				 BPF_ANY))
		return -errno;
	return 0;
}

/* A kernel stack's open calls, as loader.h gives them: the excess over the depth was never kept. */
static uint32_t open_frames_of(const struct ferret_stack *st, struct open_frame *frames)
{
	uint32_t n = st->depth < FERRET_STACK_DEPTH ? st->depth : FERRET_STACK_DEPTH, i;

	for (i = 0; i < n; i++)
		frames[i] = (struct open_frame){
			.start_ns = st->frames[i].start_ns,
			.span_id = st->frames[i].span_id,
			.func_id = st->frames[i].func_id,
			.nested = (st->frames[i].flags & FERRET_FRAME_NESTED) != 0,
			.no_return = (st->frames[i].flags & FERRET_FRAME_NO_RETURN) != 0,
			.sends_span = !(st->frames[i].flags & FERRET_FRAME_DEMOTED),
			.parent_id = st->frames[i].parent_id,
			.depth = st->frames[i].depth,
		};
	return n;
}

int loader__open_stacks(const struct loader *l, loader_open_stack_fn cb, void *ctx)
{
	struct ferret_stack *st = malloc(sizeof(*st));
	struct open_frame *frames = calloc(FERRET_STACK_DEPTH, sizeof(*frames));
	__u32 key, next, n;
	bool first = true;
	int err = 0;

	if (!st || !frames) {
		free(st);
		free(frames);
		return -ENOMEM;
	}
	while (!err && !bpf_map__get_next_key(l->skel->maps.stacks, first ? NULL : &key, &next,
					      sizeof(next))) {
		first = false;
		key = next;
		if (bpf_map__lookup_elem(l->skel->maps.stacks, &key, sizeof(key), st, sizeof(*st), 0))
			continue; /* the thread exited meanwhile */
		n = open_frames_of(st, frames);
		err = cb(ctx, st->pid, key, frames, n);
	}
	free(st);
	free(frames);
	return err;
}

uint64_t loader__func_hits(const struct loader *l, uint32_t func_id)
{
	int ncpus = libbpf_num_possible_cpus(), cpu;
	uint64_t sum = 0;
	__u64 *percpu;

	if (ncpus <= 0 || func_id >= l->nfuncs || !(percpu = calloc((size_t)ncpus, sizeof(*percpu))))
		return 0;
	if (!bpf_map__lookup_elem(l->skel->maps.func_hits, &func_id, sizeof(func_id), percpu,
				  (size_t)ncpus * sizeof(*percpu), 0))
		for (cpu = 0; cpu < ncpus; cpu++)
			sum += percpu[cpu];
	free(percpu);
	return sum;
}

size_t loader__followed_pids(const struct loader *l, int *pids, size_t max)
{
	__u32 key, next;
	size_t n = 0;
	bool first = true;

	while (n < max && !bpf_map__get_next_key(l->skel->maps.pids, first ? NULL : &key, &next,
						 sizeof(next))) {
		first = false;
		key = next;
		pids[n++] = (int)key;
	}
	return n;
}

bool loader__uses_multi(const struct loader *l)
{
	return l->multi;
}

size_t loader__probe_count(const struct loader *l)
{
	return l->probes;
}

double loader__attach_seconds(const struct loader *l)
{
	return l->attach_s;
}

double loader__detach_seconds(const struct loader *l)
{
	return l->detach_s;
}

void loader__free(struct loader *l)
{
	if (!l)
		return;
	loader__detach(l);
	closer__free(l->closer);
	pthread_mutex_destroy(&l->usdt_lock);
	free(l->links);
	free(l->module_gen);
	free(l->probe_state);
	ring_buffer__free(l->ring);
	ferret_bpf__destroy(l->skel);
	free(l);
}

bool loader__call_record(const void *data, size_t size, struct loader_call_record *out)
{
	const struct ferret_event *e = data;

	if (size < sizeof(*e) || (e->type != FERRET_EV_ENTRY && e->type != FERRET_EV_EXIT))
		return false;
	*out = (struct loader_call_record){ .ts_ns = e->ts_ns, .tid = e->tid, .func_id = e->func_id,
					    .entry = e->type == FERRET_EV_ENTRY };
	return true;
}
