/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_comp: durations compensated for the probes' own cost. A traced call's recorded
 * duration holds part of its own probes' cost (inside_ns: from its entry record to its
 * return record) and the whole cost (call_ns) of every traced call below it; both are
 * taken off, each call's by its function's probe kind, as calibrated when the run started
 * (run_probe_costs), from the duration and from the on-CPU time alike (the cost is CPU
 * time). Never below 0 nor below its children's time; calls whose end is unknown keep their
 * duration.
 */
#include <stdio.h>
#include <string.h>

#include "analyze.h"

struct cost_list {
	struct probe_comp *pc;
	size_t used, n;
};

static int add_cost(void *ctx, const char *probe, int64_t calls, int64_t call_ns, int64_t inside_ns)
{
	struct cost_list *l = ctx;

	(void)calls;
	(void)inside_ns;
	if (l->used < sizeof(l->pc->costs))
		l->used += (size_t)snprintf(l->pc->costs + l->used, sizeof(l->pc->costs) - l->used,
					    "%s%lld ns per %s call", l->n ? ", " : "",
					    (long long)call_ns, probe);
	l->n++;
	return 0;
}

int probe_comp__load(struct probe_comp *pc, struct run_query *ss, const struct run_row *run, bool raw)
{
	struct cost_list l = { .pc = pc };
	int err;

	memset(pc, 0, sizeof(*pc));
	if ((err = run_query__probe_costs(ss, run->run_key, add_cost, &l)))
		return err;
	pc->calibrated = l.n > 0;
	pc->on = pc->calibrated && !raw;
	return 0;
}

void probe_comp__print(const struct out_style *st, const struct probe_comp *pc)
{
	if (pc->on)
		fprintf(st->out, "durations compensated for probe cost (%s), an estimate; without --compensate: as measured\n", pc->costs);
	else if (pc->calibrated)
		fprintf(st->out, "durations as measured: probes cost %s (--compensate subtracts it)\n", pc->costs);
	else
		fprintf(st->out, "durations as measured: the run has no probe calibration "
			"(traced with --no-calibrate or --min-duration/--aggregate/--max-rate)\n");
}

void probe_comp__json(struct jsonw *w, const struct probe_comp *pc)
{
	jsonw__kv_string(w, "durations", pc->on ? "compensated" : "measured");
}

void probe_comp__pop(struct open_call *c, struct func_info *fi, struct open_call *parent)
{
	/* Not below its children's (compensated) time either: no self time is negative. */
	if (span_status__returned(c->status)) {
		c->duration_ns = probe_comp__duration(c->duration_ns, fi->inside_ns, c->probe_ns);
		if (c->duration_ns < c->children_ns)
			c->duration_ns = c->children_ns;
		/* The probes' cost is CPU time (as calibrated): its on-CPU time pays it, so
		 * on-CPU + blocked + run-queue time is still the duration. */
		if (c->has_sched)
			c->cpu_ns = probe_comp__duration(c->cpu_ns, fi->inside_ns, c->probe_ns);
	}
	if (parent)
		parent->probe_ns = add_ns(add_ns(parent->probe_ns, c->probe_ns), fi->call_ns);
}
