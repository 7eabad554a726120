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
#include "loader.h"
#include "core/log.h"
#include "core/util.h"

/* The ABI's layout, as the BPF side (built with -target bpf) sees it. */
_Static_assert(sizeof(struct ferret_event) == 24, "ferret_event is 24 bytes on both sides");
_Static_assert(sizeof(struct ferret_thread_event) == 40, "ferret_thread_event is 40 bytes");
_Static_assert(sizeof(struct ferret_go_event) == 48, "ferret_go_event is 48 bytes");
_Static_assert(sizeof(struct ferret_span_event) == 56, "ferret_span_event is 56 bytes");
_Static_assert(sizeof(struct ferret_frame) == 40, "ferret_frame is 40 bytes");
_Static_assert(sizeof(struct ferret_stack) == 8 + FERRET_STACK_DEPTH * 40,
	       "ferret_stack has no padding");
_Static_assert(sizeof(struct func_figures) == (5 + FUNC_FIGURES_BUCKETS) * 8,
	       "func_figures has no padding");
_Static_assert(sizeof(struct ferret_counters) == 6 * 8, "ferret_counters is 6 counters");
/* What loader.h promises its users. */
_Static_assert(LOADER_STACK_DEPTH == FERRET_STACK_DEPTH, "loader.h's stack depth is the kernel's");
_Static_assert(LOADER_MAX_RETURN_PROBES == FERRET_MAX_URETPROBE_DEPTH, "loader.h's return probe limit");
_Static_assert(LOADER_PROBE_GENS == FERRET_PROBE_GENS, "loader.h's link generations");
_Static_assert((int)LOADER_PROBE_TRACED == FERRET_PROBE_TRACED && (int)LOADER_PROBE_COUNT_ONLY == FERRET_PROBE_COUNT_ONLY &&
		       (int)LOADER_PROBE_REMOVED == FERRET_PROBE_REMOVED,
	       "loader.h's probe states are the BPF side's");

struct loader {
	struct ferret_bpf *skel;
	struct ring_buffer *ring;
	struct kept_link {
		struct bpf_link *link;
		int pid;    /* the process it is filtered on (-1: none) */
		bool entry; /* closed before the return probes, so that no call loses its return */
		int module; /* uprobe_multi: the module whose functions it probes (-1: other links) */
		bool replaced; /* --overhead put new links in its place: destroyed once processes run */
	} *links;
	size_t nlinks, cap;
	/* probe_state[f]: enum ferret_probe_state; module_gen[m]: the generation of module m's
	 * live uprobe_multi links, which --overhead replaces. */
	uint8_t *module_gen;
	size_t nmodules;
	uint8_t *probe_state;
	uint32_t nfuncs;
	size_t probes;
	int attach_pid; /* the process the links being attached filter on */
	const struct selection *sel; /* what loader__attach attached, for loader__attach_pid */
	struct closer *closer;	     /* detaches links in the background, together */
	bool multi;
	double attach_s, detach_s;
	loader_event_fn handler;
	void *handler_ctx;
};

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
	err = bpf_map__set_max_entries(skel->maps.events, opts->ringbuf_bytes);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.func_stats, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.demoted, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.probe_state, opts->nfuncs ? opts->nfuncs : 1);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.func_hits, opts->nfuncs ? opts->nfuncs : 1);
	if (!err && !opts->stack_mode) {
		/* Event mode never touches the stack maps: keep their memory. */
		bpf_map__set_max_entries(skel->maps.stacks, 1);
	}
	if (!err)
		err = ferret_bpf__load(skel);
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
	return l->skel->links.on_exit_task ? 0 : -errno;
}

int loader__open(const struct loader_opts *opts, struct loader **out)
{
	struct loader *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	libbpf_set_print(print_libbpf);
	if (closer__new(destroy_link, &l->closer))
		l->closer = NULL; /* links are then closed one by one, waiting */
	l->attach_pid = opts->attach_pid;
	l->nfuncs = opts->nfuncs;
	l->probe_state = calloc(opts->nfuncs ? opts->nfuncs : 1, 1);
	if (!l->probe_state) {
		free(l);
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

static void close_link(struct loader *l, struct bpf_link *link)
{
	if (l->closer)
		closer__add(l->closer, link);
	else
		bpf_link__destroy(link);
}

static int keep_link(struct loader *l, struct bpf_link *link, bool entry, int module)
{
	if (grow_array((void **)&l->links, &l->cap, l->nlinks + 1, sizeof(*l->links))) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	l->links[l->nlinks++] = (struct kept_link){ link, l->attach_pid, entry, module, false };
	return 0;
}

/* Whether function f gets an entry (or return) probe: a count-only one has no return probe,
 * a removed one none at all. */
static bool gets_probe(const struct loader *l, size_t f, bool ret)
{
	return ret ? l->probe_state[f] == FERRET_PROBE_TRACED : l->probe_state[f] != FERRET_PROBE_REMOVED;
}

/* One link, kept, for all of a module's entries (or returns) that get a probe, of link
 * generation gen, filtered on attach_pid; none if none do. */
static int attach_module_multi(struct loader *l, const struct selection *sel, size_t m, bool ret,
			       uint8_t gen)
{
	const struct sel_module *mod = &sel->modules[m];
	unsigned long *offsets = calloc(mod->nfuncs ? mod->nfuncs : 1, sizeof(*offsets));
	__u64 *cookies = calloc(mod->nfuncs ? mod->nfuncs : 1, sizeof(*cookies));
	LIBBPF_OPTS(bpf_uprobe_multi_opts, opts);
	struct bpf_link *link;
	size_t i, n = 0;
	int err = 0;

	if (!offsets || !cookies) {
		err = -ENOMEM;
		goto out;
	}
	for (i = mod->first_func; i < mod->first_func + mod->nfuncs; i++) {
		if (!gets_probe(l, i, ret))
			continue;
		offsets[n] = sel->funcs[i].offset + sel->funcs[i].probe_skip;
		cookies[n++] = i | (__u64)gen << 32;
	}
	if (!n)
		goto out;
	opts.offsets = offsets;
	opts.cookies = cookies;
	opts.cnt = n;
	opts.retprobe = ret;
	link = bpf_program__attach_uprobe_multi(ret ? l->skel->progs.on_exit_multi
						    : l->skel->progs.on_entry_multi,
						l->attach_pid, mod->path, NULL, &opts);
	if (!link) {
		err = -errno;
		ferr("cannot attach %zu %s to %s: %s", n, ret ? "uretprobes" : "uprobes", mod->path,
		     strerror(-err));
		goto out;
	}
	l->probes += n;
	err = keep_link(l, link, !ret, (int)m);
out:
	free(offsets);
	free(cookies);
	return err;
}

/* A module's return and entry links of generation gen. Returns first: a call entered once
 * the entry probe is there then always has a return probe (one entered before it returns
 * unmatched, and is dropped), where the other order leaves the calls entered meanwhile open
 * for good. */
static int attach_module_links(struct loader *l, const struct selection *sel, size_t m, uint8_t gen)
{
	int err = attach_module_multi(l, sel, m, true, gen);

	if (!err)
		err = attach_module_multi(l, sel, m, false, gen);
	return err;
}

static int attach_func_single(struct loader *l, const struct selection *sel, size_t f, bool ret)
{
	const struct sel_func *fn = &sel->funcs[f];
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = f, .retprobe = ret);
	struct bpf_link *link;

	if (!gets_probe(l, f, ret))
		return 0;
	link = bpf_program__attach_uprobe_opts(ret ? l->skel->progs.on_exit_single
						   : l->skel->progs.on_entry_single,
					       l->attach_pid, sel->modules[fn->module].path,
					       fn->offset + fn->probe_skip, &opts);
	if (!link) {
		ferr("cannot attach to %s in %s: %s", fn->name, sel->modules[fn->module].path,
		     strerror(errno));
		return -errno;
	}
	l->probes++;
	return keep_link(l, link, !ret, -1);
}

/* Go code's probes (go_returns.h): which program, where, with which cookies. */
enum go_probe { GO_ENTRY, GO_RET, GO_END };

static struct bpf_program *go_program(const struct loader *l, enum go_probe which)
{
	const struct ferret_bpf *k = l->skel;

	if (which == GO_ENTRY)
		return l->multi ? k->progs.on_go_entry_multi : k->progs.on_go_entry_single;
	if (which == GO_RET)
		return l->multi ? k->progs.on_go_ret_multi : k->progs.on_go_ret_single;
	return l->multi ? k->progs.on_go_end_multi : k->progs.on_go_end_single;
}

/* n probes of one kind in a module: one uprobe_multi link, or one link each. */
static int attach_go_sites(struct loader *l, const char *path, enum go_probe which,
			   const unsigned long *offsets, const __u64 *cookies, size_t n)
{
	static const char *const what[] = { "entry", "RET", "goroutine exit" };
	struct bpf_link *link;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < (l->multi ? (n > 0) : n); i++) {
		if (l->multi) {
			LIBBPF_OPTS(bpf_uprobe_multi_opts, opts, .offsets = offsets, .cookies = cookies,
				    .cnt = n);
			link = bpf_program__attach_uprobe_multi(go_program(l, which), l->attach_pid,
								path, NULL, &opts);
		} else {
			LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookies[i]);
			link = bpf_program__attach_uprobe_opts(go_program(l, which), l->attach_pid,
							       path, offsets[i], &opts);
		}
		if (!link) {
			err = -errno;
			ferr("cannot attach %zu Go %s probe%s to %s: %s", l->multi ? n : 1, what[which],
			     (l->multi ? n : 1) > 1 ? "s" : "", path, strerror(-err));
			return err;
		}
		l->probes += l->multi ? n : 1;
		err = keep_link(l, link, which == GO_ENTRY, -1);
	}
	return err;
}

/* A Go module: entries past the stack check, every RET, and runtime.goexit0. */
static int attach_go_module(struct loader *l, const struct selection *sel, size_t m)
{
	const struct sel_module *mod = &sel->modules[m];
	size_t i, k, n = 0, nrets = 0;
	unsigned long *offsets;
	__u64 *cookies;
	int err;

	for (i = 0; i < mod->nfuncs; i++)
		nrets += sel->funcs[mod->first_func + i].nrets;
	offsets = calloc(mod->nfuncs + nrets + 1, sizeof(*offsets));
	cookies = calloc(mod->nfuncs + nrets + 1, sizeof(*cookies));
	if (!offsets || !cookies) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < mod->nfuncs; i++) {
		offsets[i] = sel->funcs[mod->first_func + i].offset + sel->funcs[mod->first_func + i].probe_skip;
		cookies[i] = mod->first_func + i;
	}
	err = attach_go_sites(l, mod->path, GO_ENTRY, offsets, cookies, mod->nfuncs);
	for (i = 0; i < mod->nfuncs; i++) {
		const struct sel_func *fn = &sel->funcs[mod->first_func + i];

		for (k = 0; k < fn->nrets; k++, n++) {
			offsets[n] = fn->ret_offsets[k];
			cookies[n] = mod->first_func + i;
		}
	}
	if (!err)
		err = attach_go_sites(l, mod->path, GO_RET, offsets, cookies, n);
	offsets[0] = mod->go_exit_offset;
	cookies[0] = 0;
	if (!err)
		err = attach_go_sites(l, mod->path, GO_END, offsets, cookies, 1);
out:
	free(offsets);
	free(cookies);
	return err;
}

static int attach_selection(struct loader *l, const struct selection *sel)
{
	size_t i, n = l->multi ? sel->nmodules : sel->nfuncs;
	int err = 0;

	for (i = 0; !err && i < sel->nmodules; i++)
		if (sel->modules[i].go)
			err = attach_go_module(l, sel, i);
	for (i = 0; !err && i < n; i++) {
		if (sel->modules[l->multi ? i : sel->funcs[i].module].go)
			continue;
		if (l->multi) {
			err = attach_module_links(l, sel, i, l->module_gen[i]);
		} else {
			err = attach_func_single(l, sel, i, true); /* returns first, as above */
			if (!err)
				err = attach_func_single(l, sel, i, false);
		}
	}
	return err;
}

int loader__attach(struct loader *l, const struct selection *sel)
{
	int64_t start = mono_ns();
	int err;

	free(l->module_gen);
	l->module_gen = calloc(sel->nmodules ? sel->nmodules : 1, sizeof(*l->module_gen));
	if (!l->module_gen)
		return -ENOMEM;
	l->nmodules = sel->nmodules;
	l->sel = sel;
	err = attach_selection(l, sel);
	l->attach_s = (double)(mono_ns() - start) / 1e9;
	return err;
}

int loader__attach_pid(struct loader *l, int pid)
{
	int first = l->attach_pid;
	size_t probes = l->probes;
	int err;

	if (!l->sel)
		return -EINVAL;
	l->attach_pid = pid;
	err = attach_selection(l, l->sel);
	l->attach_pid = first;
	l->probes = probes; /* the count is of the selection's probes, not of their copies */
	if (err)
		loader__detach_pid(l, pid);
	return err;
}

void loader__detach_pid(struct loader *l, int pid)
{
	size_t i, kept = 0;

	for (i = 0; i < l->nlinks; i++) {
		if (l->links[i].pid == pid)
			close_link(l, l->links[i].link);
		else
			l->links[kept++] = l->links[i];
	}
	l->nlinks = kept;
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

void loader__detach(struct loader *l)
{
	int64_t start = mono_ns();
	size_t i;
	int entries;

	/* Entries first: a call entered then still gets its return probe. */
	for (entries = 1; entries >= 0; entries--) {
		for (i = 0; i < l->nlinks; i++)
			if (l->links[i].entry == entries)
				close_link(l, l->links[i].link);
		if (l->closer)
			closer__wait(l->closer); /* with those of exited processes still closing */
	}
	if (l->nlinks)
		l->detach_s = (double)(mono_ns() - start) / 1e9;
	l->nlinks = 0;
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

/* The function's probe_state map value: its state and its module's live link generation. */
static int write_probe_state(struct loader *l, uint32_t func_id)
{
	__u8 gen = l->sel ? l->module_gen[l->sel->funcs[func_id].module] : 0;
	__u8 v = (__u8)(l->probe_state[func_id] | gen << FERRET_PROBE_GEN_SHIFT);

	if (bpf_map__update_elem(l->skel->maps.probe_state, &func_id, sizeof(func_id), &v, sizeof(v),
				 BPF_ANY))
		return -errno;
	return 0;
}

int loader__set_probe_state(struct loader *l, uint32_t func_id, enum loader_probe_state state)
{
	if (func_id >= l->nfuncs)
		return -EINVAL;
	l->probe_state[func_id] = (uint8_t)state;
	return write_probe_state(l, func_id);
}

/* Whether links[i] is a live uprobe_multi link of module m (filtered on a process). */
static bool live_module_link(const struct loader *l, size_t i, size_t m)
{
	return l->links[i].module == (int)m && !l->links[i].replaced;
}

/* Module m's links once more, of generation gen, for every process that has some: the new
 * ones are kept after links[old_n]. */
static int attach_module_copies(struct loader *l, const struct selection *sel, size_t m, uint8_t gen,
				size_t old_n)
{
	int first = l->attach_pid;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < old_n; i++) {
		if (!live_module_link(l, i, m))
			continue;
		for (j = 0; j < i && !(live_module_link(l, j, m) && l->links[j].pid == l->links[i].pid); j++)
			;
		if (j < i)
			continue; /* that process's copies are made */
		l->attach_pid = l->links[i].pid;
		err = attach_module_links(l, sel, m, gen);
	}
	l->attach_pid = first;
	return err;
}

int loader__replace_module_links(struct loader *l, const struct selection *sel, size_t m)
{
	size_t old_n = l->nlinks, probes = l->probes, i;
	uint8_t gen;
	int err;

	if (!l->multi || m >= l->nmodules || sel != l->sel || sel->modules[m].go)
		return -EINVAL;
	for (i = 0; i < old_n; i++)
		if (l->links[i].module == (int)m && l->links[i].replaced)
			return -EINVAL; /* the last replacement's links are not dropped yet */
	gen = (uint8_t)((l->module_gen[m] + 1) % FERRET_PROBE_GENS);
	err = attach_module_copies(l, sel, m, gen, old_n);
	l->probes = probes; /* the count is of the selection's probes, not of their copies */
	if (err) { /* the old links stay live */
		for (i = old_n; i < l->nlinks; i++)
			close_link(l, l->links[i].link);
		l->nlinks = old_n;
		return err;
	}
	/* The new links go live; the old ones are kept to destroy once the processes run. */
	for (i = 0; i < old_n; i++)
		if (l->links[i].module == (int)m)
			l->links[i].replaced = true;
	l->module_gen[m] = gen;
	for (i = sel->modules[m].first_func; !err && i < sel->modules[m].first_func + sel->modules[m].nfuncs; i++)
		err = write_probe_state(l, (uint32_t)i);
	return err;
}

void loader__drop_replaced_links(struct loader *l)
{
	size_t i, kept = 0;

	for (i = 0; i < l->nlinks; i++) {
		if (l->links[i].replaced)
			close_link(l, l->links[i].link);
		else
			l->links[kept++] = l->links[i];
	}
	l->nlinks = kept;
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
