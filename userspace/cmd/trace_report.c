/* What ferret trace says about its probes: how they were placed, and what they cost. */
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/util.h"
#include "trace_report.h"

#define COSTLIEST_NAMED 3
#define HOT_STEPPED_CALLS 1000 /* a single-stepped function called this often is worth a warning */

void trace_report__placement(const size_t kinds[PROBE_KIND_COUNT], size_t moved)
{
	fprintf(stderr,
		"ferret: probes: %zu on 5-byte nops, %zu on push, %zu on jumps or 1-byte nops, "
		"%zu single-stepped; %zu moved past their first instructions\n",
		kinds[PROBE_NOP5], kinds[PROBE_PUSH], kinds[PROBE_EMULATED], kinds[PROBE_STEPPED],
		moved);
}

static uint64_t cost_ns(const struct selection *sel, const uint64_t *calls, size_t i)
{
	return calls[i] * probe_kind__call_cost_ns((enum probe_kind)sel->funcs[i].probe_kind);
}

/* The indices of the COSTLIEST_NAMED costliest functions, costliest first; how many. */
static size_t costliest(const struct selection *sel, const uint64_t *calls,
			size_t top[COSTLIEST_NAMED])
{
	size_t i, k, n = 0;

	for (i = 0; i < sel->nfuncs; i++) {
		if (!calls[i])
			continue;
		if (n == COSTLIEST_NAMED && cost_ns(sel, calls, i) <= cost_ns(sel, calls, top[n - 1]))
			continue;
		k = n < COSTLIEST_NAMED ? n++ : n - 1; /* the free slot, or the cheapest one's */
		for (; k > 0 && cost_ns(sel, calls, top[k - 1]) < cost_ns(sel, calls, i); k--)
			top[k] = top[k - 1];
		top[k] = i;
	}
	return n;
}

static const char *kind_word(int kind)
{
	return kind == PROBE_STEPPED ? "single-stepped" : kind == PROBE_NOP5 ? "nop5" : "emulated";
}

void trace_report__costs(const struct selection *sel, const uint64_t *calls)
{
	uint64_t all = 0, stepped = 0, hot_stepped = 0;
	size_t i, top[COSTLIEST_NAMED], n, used = 0;
	char names[512] = "";

	for (i = 0; i < sel->nfuncs; i++) {
		all += calls[i];
		if (sel->funcs[i].probe_kind == PROBE_STEPPED) {
			stepped += calls[i];
			hot_stepped += calls[i] >= HOT_STEPPED_CALLS;
		}
	}
	if (!all)
		return;
	fprintf(stderr, "ferret: calls on single-stepped probes: %llu of %llu (%.1f %%)\n",
		(unsigned long long)stepped, (unsigned long long)all, 100.0 * (double)stepped / (double)all);
	if (!hot_stepped)
		return;
	n = costliest(sel, calls, top);
	for (i = 0; i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s (%llu calls, %s, ~%.2f s)", i ? ", " : "",
					 sel->funcs[top[i]].name, (unsigned long long)calls[top[i]],
					 kind_word(sel->funcs[top[i]].probe_kind),
					 (double)cost_ns(sel, calls, top[i]) / 1e9);
	fwarn("the costliest probes: %s; leave hot functions out with -x, or build with -pg "
	      "-mfentry -mnop-mcount (5-byte nop entries)", names);
}
