/* SPDX-License-Identifier: BSD-2-Clause */
/* calibrate: per-kind probe costs, measured on ferret's own functions (see calibrate.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "core/log.h"
#include "core/util.h"
#include "loader.h"

/* The targets, each with an untraced twin of the same bytes: their first instruction is all
 * that matters, so they are written out. */
#define CALIB_FN(name, body) \
	".p2align 4\n.type " name ",@function\n" name ": " body "\n.size " name ",.-" name "\n"
#define NOP5_BODY ".byte 0x0f,0x1f,0x44,0x00,0x00\n ret"
#define PUSH_BODY "push %rbp\n pop %rbp\n ret"
#define EMULATED_BODY "jmp 1f\n1: ret"
#define STEPPED_BODY "xor %eax,%eax\n ret"
__asm__(".text\n"
	CALIB_FN("ferret_calib_nop5", NOP5_BODY) CALIB_FN("ferret_twin_nop5", NOP5_BODY)
	CALIB_FN("ferret_calib_push", PUSH_BODY) CALIB_FN("ferret_twin_push", PUSH_BODY)
	CALIB_FN("ferret_calib_emulated", EMULATED_BODY) CALIB_FN("ferret_twin_emulated", EMULATED_BODY)
	CALIB_FN("ferret_calib_stepped", STEPPED_BODY) CALIB_FN("ferret_twin_stepped", STEPPED_BODY));
void ferret_calib_nop5(void), ferret_twin_nop5(void);
void ferret_calib_push(void), ferret_twin_push(void);
void ferret_calib_emulated(void), ferret_twin_emulated(void);
void ferret_calib_stepped(void), ferret_twin_stepped(void);

#define WARM_UP 64 /* calls before timing: the kernel optimizes a nop5 probe at its first hit */
#define BATCHES 15 /* per kind: their mean, less the TRIM quickest and TRIM slowest, is the figure */
#define TRIM 2
#define ROUND_GAP_NS 10000000 /* between rounds of batches: a moment's load meets few of them */
#define CONSUMER_POLL_MS 10 /* as the run's consumer (consumer.c) */

static const struct target {
	enum probe_kind kind;
	void (*fn)(void), (*twin)(void);
	int batch; /* calls per batch: ~1 ms traced */
} targets[] = {
	{ PROBE_NOP5, ferret_calib_nop5, ferret_twin_nop5, 600 },
	{ PROBE_PUSH, ferret_calib_push, ferret_twin_push, 500 },
	{ PROBE_EMULATED, ferret_calib_emulated, ferret_twin_emulated, 500 },
	{ PROBE_STEPPED, ferret_calib_stepped, ferret_twin_stepped, 70 },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* The mapped file holding addr and addr's offset in it, from /proc/self/maps. */
static int locate(uintptr_t addr, char *path, size_t len, uint64_t *offset)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096 + 128];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		int name_at = 0;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &off, &name_at) < 3 ||
		    !name_at || addr < start || addr >= end || line[name_at] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, len, "%s", line + name_at);
		*offset = addr - start + off;
		err = 0;
	}
	fclose(f);
	return err;
}

#define SPACING 400 /* iterations of the caller's work between two calls: ~0.1 µs */
static volatile unsigned long calib_sink;

/* Calls fn n times, with a little work of the caller's between calls (back-to-back traced
 * calls cost less than calls among other code: the kernel's paths stay hot); the calling
 * thread's CPU time it took (waiting for a CPU is no probe's cost). The pointer is
 * volatile: every call is made. */
static int64_t cpu_of_calls(void (*fn)(void), int n)
{
	void (*volatile call)(void) = fn;
	int64_t start = thread_cpu_ns();
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < SPACING; k++)
			calib_sink += (unsigned long)k;
		call();
	}
	return thread_cpu_ns() - start;
}

/* One target's calls as recorded: each timed call's own duration (its entry record's
 * timestamp to its return record's). */
struct recorded {
	uint64_t entry_ts;
	bool open;
	int skip; /* returns of warm-up calls still to come */
	int64_t *durations;
	size_t n, cap;
};

/* The ring buffer's consumer: a thread of its own polling as the run's does, so that the
 * probes write to a ring buffer being read, as in a run. */
struct recorder {
	struct loader *loader;
	struct recorded r[NTARGETS]; /* by func_id */
	size_t n;
	atomic_bool stop;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct recorder *rc = ctx;
	struct loader_call_record c;
	struct recorded *r;

	if (!loader__call_record(data, size, &c) || c.func_id >= rc->n)
		return 0;
	r = &rc->r[c.func_id];
	if (c.entry) {
		r->entry_ts = c.ts_ns;
		r->open = true;
	} else if (r->open) {
		r->open = false;
		if (r->skip > 0)
			r->skip--;
		else if (r->n < r->cap)
			r->durations[r->n++] = (int64_t)(c.ts_ns - r->entry_ts);
	}
	return 0;
}

static void *consume(void *arg)
{
	struct recorder *rc = arg;

	while (!atomic_load(&rc->stop))
		loader__poll(rc->loader, CONSUMER_POLL_MS);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* A median: a call the scheduler or an interrupt disturbed moves a mean, not it. */
static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

/* The mean of v less its TRIM least and TRIM greatest values: a run pays the probes' mean
 * cost, whose batches spread (caches, other work on the machine), but not a batch or two
 * that a burst of load met. n > 2 * TRIM. */
static int64_t trimmed_mean(int64_t *v, size_t n)
{
	int64_t sum = 0;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = TRIM; i < n - TRIM; i++)
		sum += v[i];
	return sum / (int64_t)(n - 2 * TRIM);
}

/* Each target's whole cost: batches of its untraced twin's calls and of its traced calls in
 * turn, in rounds over the targets spread over ~0.2 s, so that a moment of load on the
 * machine falls on a batch or two of each, not on one kind's figure; per target, each batch's CPU time difference per call, the
 * median batch's. base_ns[i]: one untraced call of target i (its loop included), the
 * quickest batch's. */
static void time_targets(const size_t *which, size_t n, struct probe_cost costs[PROBE_KIND_COUNT],
			 int64_t *base_ns)
{
	int64_t est[NTARGETS][BATCHES];
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		cpu_of_calls(targets[which[i]].twin, WARM_UP);
		cpu_of_calls(targets[which[i]].fn, WARM_UP);
		base_ns[i] = INT64_MAX;
	}
	for (b = 0; b < BATCHES; b++) {
		if (b)
			nanosleep(&(struct timespec){ .tv_nsec = ROUND_GAP_NS }, NULL);
		for (i = 0; i < n; i++) {
			const struct target *t = &targets[which[i]];
			int64_t untraced = cpu_of_calls(t->twin, t->batch), traced = cpu_of_calls(t->fn, t->batch);

			est[i][b] = (traced - untraced) / t->batch;
			base_ns[i] = untraced < base_ns[i] ? untraced : base_ns[i];
		}
	}
	for (i = 0; i < n; i++) {
		struct probe_cost *cost = &costs[targets[which[i]].kind];

		base_ns[i] /= targets[which[i]].batch;
		cost->call_ns = trimmed_mean(est[i], BATCHES);
		cost->call_ns = cost->call_ns < 0 ? 0 : cost->call_ns;
	}
}

/* The part of the cost inside a call's own duration, once its records are all in: the
 * median recorded duration less the untraced call's time. */
static void inside_part(const struct target *t, struct recorded *r, int64_t base_ns,
			struct probe_cost *cost)
{
	size_t want = (size_t)t->batch * BATCHES;

	if (r->n < want * 9 / 10) { /* records lost: no figure */
		fdebug("calibration: %s: %zu of %zu calls recorded", probe_kind__name(t->kind), r->n, want);
		return;
	}
	cost->measured = true;
	cost->calls = (int64_t)want;
	cost->inside_ns = median(r->durations, r->n) - base_ns;
	/* noise: a call's own part is within its whole cost */
	cost->inside_ns = cost->inside_ns < 0 ? 0 : cost->inside_ns > cost->call_ns ? cost->call_ns
									       : cost->inside_ns;
}

static int recorder__init(struct recorder *rc, struct loader *l, const size_t *which, size_t n)
{
	size_t i;

	memset(rc, 0, sizeof(*rc));
	rc->loader = l;
	rc->n = n;
	atomic_init(&rc->stop, false);
	for (i = 0; i < n; i++) {
		rc->r[i].cap = (size_t)targets[which[i]].batch * BATCHES;
		rc->r[i].skip = WARM_UP;
		if (!(rc->r[i].durations = calloc(rc->r[i].cap, sizeof(int64_t))))
			return -ENOMEM;
	}
	return 0;
}

static void recorder__free(struct recorder *rc)
{
	size_t i;

	for (i = 0; i < rc->n; i++)
		free(rc->r[i].durations);
}

/* Every target timed while the consumer thread drains the ring buffer; then what is left
 * drained and each target's inside part taken from its records. */
static int measure_all(struct loader *l, const size_t *which, size_t n,
		       struct probe_cost costs[PROBE_KIND_COUNT])
{
	int64_t base[NTARGETS];
	struct recorder rc;
	pthread_t thread;
	size_t i;
	int err;

	if ((err = recorder__init(&rc, l, which, n)) || (err = loader__set_handler(l, on_record, &rc)) ||
	    (err = -pthread_create(&thread, NULL, consume, &rc))) {
		loader__set_handler(l, NULL, NULL);
		recorder__free(&rc);
		return err;
	}
	time_targets(which, n, costs, base);
	atomic_store(&rc.stop, true);
	pthread_join(thread, NULL);
	while (loader__poll(l, 0) > 0)
		;
	loader__set_handler(l, NULL, NULL);
	for (i = 0; i < n; i++)
		inside_part(&targets[which[i]], &rc.r[i], base[i], &costs[targets[which[i]].kind]);
	recorder__free(&rc);
	return 0;
}

/* The targets of the kinds this ferret sees where expected, as a one-module selection. */
static size_t build_selection(struct selection *sel, struct sel_module *mod, struct sel_func *funcs,
			      size_t *which, char *path, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < NTARGETS; i++) {
		uint32_t skip;
		uint64_t offset = 0;
		char p[4096];

		if (probe_site__classify((const uint8_t *)(uintptr_t)targets[i].fn, 8, &skip) !=
			    targets[i].kind || skip || locate((uintptr_t)targets[i].fn, p, sizeof(p), &offset) ||
		    (n && strcmp(p, path))) {
			fdebug("calibration: no %s target", probe_kind__name(targets[i].kind));
			continue;
		}
		snprintf(path, len, "%s", p);
		funcs[n] = (struct sel_func){ .module = 0, .name = probe_kind__name(targets[i].kind),
					      .offset = offset, .probe_kind = (int)targets[i].kind };
		funcs[n].symbol = funcs[n].name;
		which[n++] = i;
	}
	*mod = (struct sel_module){ .path = path, .first_func = 0, .nfuncs = n };
	*sel = (struct selection){ .modules = mod, .nmodules = 1, .funcs = funcs, .nfuncs = n };
	return n;
}

int calibrate__probe_costs(struct probe_cost costs[PROBE_KIND_COUNT], bool sched)
{
	struct loader_opts lo = { .filter_pids = true, .ringbuf_bytes = 4u << 20, .sched = sched,
				  .attach_pid = getpid(), .main_pid = getpid(), .nfuncs = NTARGETS };
	struct sel_func funcs[NTARGETS];
	struct sel_module mod;
	struct selection sel;
	size_t which[NTARGETS], i, n;
	int64_t start = mono_ns();
	struct loader *l = NULL;
	char path[4096] = "";
	int err;

	memset(costs, 0, PROBE_KIND_COUNT * sizeof(*costs));
	n = build_selection(&sel, &mod, funcs, which, path, sizeof(path));
	err = n ? loader__open(&lo, &l) : -ENOENT;
	fdebug("calibration: BPF programs loaded in %.3f s", (double)(mono_ns() - start) / 1e9);
	if (!err)
		err = loader__attach(l, &sel);
	if (!err)
		err = measure_all(l, which, n, costs);
	loader__free(l);
	for (i = 0, n = 0; i < PROBE_KIND_COUNT; i++)
		n += costs[i].measured;
	if (err || !n) {
		fwarn("cannot measure the probes' cost (%s): durations will be shown as measured",
		      err ? strerror(-err) : "no call recorded");
		return err ? err : -EIO;
	}
	for (i = 0; i < PROBE_KIND_COUNT; i++)
		if (costs[i].measured)
			fdebug("calibration: a %s probe adds %" PRId64 " ns a call, %" PRId64 " ns of it inside the call",
			       probe_kind__name((enum probe_kind)i), costs[i].call_ns, costs[i].inside_ns);
	fdebug("calibration took %.3f s", (double)(mono_ns() - start) / 1e9);
	return 0;
}
