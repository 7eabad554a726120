/* SPDX-License-Identifier: BSD-2-Clause */
/* calibrate: per-kind probe costs, measured on ferret's own functions (see calibrate.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "core/log.h"
#include "core/util.h"
#include "loader.h"

/* The targets: their first instruction is all that matters, so they are written out. */
__asm__(".text\n"
	".p2align 4\n.type ferret_calib_nop5,@function\n"
	"ferret_calib_nop5: .byte 0x0f,0x1f,0x44,0x00,0x00\n ret\n"
	".size ferret_calib_nop5,.-ferret_calib_nop5\n"
	".p2align 4\n.type ferret_calib_push,@function\n"
	"ferret_calib_push: push %rbp\n pop %rbp\n ret\n"
	".size ferret_calib_push,.-ferret_calib_push\n"
	".p2align 4\n.type ferret_calib_emulated,@function\n"
	"ferret_calib_emulated: jmp 1f\n1: ret\n"
	".size ferret_calib_emulated,.-ferret_calib_emulated\n"
	".p2align 4\n.type ferret_calib_stepped,@function\n"
	"ferret_calib_stepped: xor %eax,%eax\n ret\n"
	".size ferret_calib_stepped,.-ferret_calib_stepped\n");
void ferret_calib_nop5(void);
void ferret_calib_push(void);
void ferret_calib_emulated(void);
void ferret_calib_stepped(void);

#define ROUNDS 3 /* untraced: the best of these */
#define WARM_UP 64 /* calls before timing: the kernel optimizes a nop5 probe at its first hit */

static const struct target {
	enum probe_kind kind;
	void (*fn)(void);
	int calls; /* traced: a few ms each */
} targets[] = {
	{ PROBE_NOP5, ferret_calib_nop5, 5000 },
	{ PROBE_PUSH, ferret_calib_push, 4000 },
	{ PROBE_EMULATED, ferret_calib_emulated, 4000 },
	{ PROBE_STEPPED, ferret_calib_stepped, 600 },
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

/* Calls fn n times; the time it took. The pointer is volatile: every call is made. */
static int64_t time_calls(void (*fn)(void), int n)
{
	void (*volatile call)(void) = fn;
	int64_t start = mono_ns();
	int i;

	for (i = 0; i < n; i++)
		call();
	return mono_ns() - start;
}

/* One target's calls as recorded: the gaps between consecutive entries (a whole traced
 * call each, loop included) and each call's own duration. */
struct recorded {
	uint32_t func_id;
	uint64_t entry_ts;
	bool open, any;
	int64_t *gaps, *durations;
	size_t ngaps, n, cap;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct recorded *r = ctx;
	struct loader_call_record c;

	if (!loader__call_record(data, size, &c) || c.func_id != r->func_id)
		return 0;
	if (c.entry) {
		if (r->any && r->ngaps < r->cap)
			r->gaps[r->ngaps++] = (int64_t)(c.ts_ns - r->entry_ts);
		r->entry_ts = c.ts_ns;
		r->open = r->any = true;
	} else if (r->open && r->n < r->cap) {
		r->durations[r->n++] = (int64_t)(c.ts_ns - r->entry_ts);
		r->open = false;
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Medians: a call the scheduler interrupted (other work on the CPUs) moves a mean, not them. */
static int64_t median(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return v[n / 2];
}

/* Times one target traced; base_ns: one untraced call (its loop included). */
static int measure(struct loader *l, const struct target *t, uint32_t func_id, int64_t base_ns,
		   struct probe_cost *cost)
{
	struct recorded r = { .func_id = func_id, .cap = (size_t)t->calls };

	r.gaps = calloc(r.cap, sizeof(*r.gaps));
	r.durations = calloc(r.cap, sizeof(*r.durations));
	if (!r.gaps || !r.durations) {
		free(r.gaps);
		free(r.durations);
		return -ENOMEM;
	}
	loader__set_handler(l, on_record, &r);
	time_calls(t->fn, WARM_UP);
	loader__poll(l, 0);
	r.n = r.ngaps = 0;
	r.any = false;
	time_calls(t->fn, t->calls);
	loader__poll(l, 0);
	loader__set_handler(l, NULL, NULL);
	if (r.n < r.cap * 9 / 10 || r.ngaps < r.cap * 9 / 10) { /* records lost: no figure */
		fdebug("calibration: %s: %zu of %zu calls recorded", probe_kind__name(t->kind), r.n, r.cap);
	} else {
		cost->measured = true;
		cost->calls = t->calls;
		cost->call_ns = median(r.gaps, r.ngaps) - base_ns;
		cost->inside_ns = median(r.durations, r.n) - base_ns;
		cost->call_ns = cost->call_ns < 0 ? 0 : cost->call_ns;
		/* noise: a call's own part is within its whole cost */
		cost->inside_ns = cost->inside_ns < 0 ? 0 : cost->inside_ns > cost->call_ns ? cost->call_ns
											       : cost->inside_ns;
	}
	free(r.gaps);
	free(r.durations);
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

int calibrate__probe_costs(struct probe_cost costs[PROBE_KIND_COUNT])
{
	struct loader_opts lo = { .filter_pids = true, .ringbuf_bytes = 4u << 20,
				  .attach_pid = getpid(), .main_pid = getpid(), .nfuncs = NTARGETS };
	struct sel_func funcs[NTARGETS];
	struct sel_module mod;
	struct selection sel;
	size_t which[NTARGETS], i, n;
	int64_t base[NTARGETS], start = mono_ns();
	struct loader *l = NULL;
	char path[4096] = "";
	int err, round;

	memset(costs, 0, PROBE_KIND_COUNT * sizeof(*costs));
	n = build_selection(&sel, &mod, funcs, which, path, sizeof(path));
	for (i = 0; i < n; i++) /* untraced: the best of the rounds */
		for (base[i] = INT64_MAX, round = 0; round < ROUNDS; round++) {
			int64_t took = time_calls(targets[which[i]].fn, targets[which[i]].calls);

			base[i] = took < base[i] ? took : base[i];
		}
	err = n ? loader__open(&lo, &l) : -ENOENT;
	fdebug("calibration: BPF programs loaded in %.3f s", (double)(mono_ns() - start) / 1e9);
	if (!err)
		err = loader__attach(l, &sel);
	for (i = 0; !err && i < n; i++)
		err = measure(l, &targets[which[i]], (uint32_t)i, base[i] / targets[which[i]].calls,
			      &costs[targets[which[i]].kind]);
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
