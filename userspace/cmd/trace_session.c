/* trace_session: what `ferret trace` says at the end of a run (see trace_session.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include "trace/aggregates.h"
#include "trace/budget.h"
#include "trace/consumer.h"
#include "trace/loader.h"
#include "trace/stall_watch.h"
#include "trace_report.h"
#include "trace_session.h"
#include "trace_usdt.h"

/* After the run: the share of calls on single-stepped probes and the costliest ones. */
static void report_probe_costs(struct session *ss)
{
	uint64_t *calls = calloc(ss->sel->nfuncs, sizeof(*calls));
	size_t i;

	if (!calls)
		return;
	for (i = 0; i < ss->sel->nfuncs; i++)
		calls[i] = ss->agg ? aggregates__calls(ss->agg, (uint32_t)i)
				   : consumer__calls(ss->consumer, (uint32_t)i);
	trace_report__costs(ss->sel, calls);
	free(calls);
}

/* --stall: how many calls were open too long (each reported as it happened). */
static void stall_report(const struct stall_watch *w)
{
	char limit[32], recorded[96] = "";
	int64_t n = stall_watch__stalls(w), kept = stall_watch__recorded(w);

	fmt_duration(stall_watch__limit_ns(w), true, limit, sizeof(limit));
	if (n)
		snprintf(recorded, sizeof(recorded), kept == n ? " (reported above, recorded in the run's stalls table)"
			 : " (reported above; %lld of them recorded in the run's stalls table)", (long long)kept);
	fprintf(stderr, "ferret: %lld call%s open longer than --stall %s%s\n", (long long)n, plural(n), limit,
		recorded);
}

static void print_counts(const struct trace_opts *o, struct session *ss)
{
	const struct span_counts *st = consumer__counts(ss->consumer);
	struct loader_counters k;
	unsigned long long lost;
	char unstored[256] = "";
	const char *why;
	int64_t n = store__unstored_spans(ss->store, &why);

	loader__counters(ss->loader, &k);
	lost = loader__lost_events(ss->loader);
	if (n)
		snprintf(unstored, sizeof(unstored), ", %lld of them not stored (%s)", (long long)n, why);
	fprintf(stderr, "ferret: run %s: %lld span%s (%lld incomplete)%s, %zu function%s, %lld thread%s, lost %llu events -> %s\n",
		store__run_id(ss->store), (long long)st->spans, plural(st->spans), (long long)st->incomplete, unstored,
		ss->sel->nfuncs, plural((long long)ss->sel->nfuncs), (long long)st->threads, plural(st->threads),
		lost, o->db);
	if (o->stall_ns)
		stall_report(ss->watch);
	if (k.forks)
		fprintf(stderr, "ferret: followed %llu processes: the command and %llu it or its children forked\n",
			(unsigned long long)k.forks + 1, (unsigned long long)k.forks);
	if (k.lost_events)
		fprintf(stderr, "ferret: WARNING: lost %llu events: the ring buffer was full "
			"(a larger --buffer-size, --min-duration or fewer functions helps)\n",
			(unsigned long long)k.lost_events);
	if (k.deep_dropped)
		fprintf(stderr, "ferret: WARNING: %llu calls deeper than %d frames were not recorded\n",
			(unsigned long long)k.deep_dropped, LOADER_STACK_DEPTH);
	if (st->no_return)
		fprintf(stderr, "ferret: WARNING: %lld calls nested past the kernel's %d pending return probes "
			"per thread got none%s: stored as no_return, their ends are not known\n",
			(long long)st->no_return, LOADER_MAX_RETURN_PROBES,
			budget__removed(ss->budget) ? ", or were open when --overhead removed their probes" : "");
	if (budget__removed(ss->budget))
		fprintf(stderr, "ferret: --overhead removed the probes of %zu function%s (ferret analyze marks "
			"them): their figures count the calls until then\n", budget__removed(ss->budget),
			plural((long long)budget__removed(ss->budget)));
	if (st->lost)
		fprintf(stderr, "ferret: WARNING: %lld calls were open when their thread lost events: "
			"stored as lost, their ends are not known\n", (long long)st->lost);
	if (k.no_stack)
		fprintf(stderr, "ferret: WARNING: %llu calls lost: no memory for their thread's stack\n",
			(unsigned long long)k.no_stack);
	if (ss->agg)
		fprintf(stderr, "ferret: every call is counted and timed per function (ferret analyze shows them)%s\n",
			aggregates__demoted(ss->agg) ? "; some functions went over --max-rate" : "");
	fdebug("%zu probes attached in %.3f s, detached in %.3f s (%s)", loader__probe_count(ss->loader),
	       loader__attach_seconds(ss->loader), loader__detach_seconds(ss->loader),
	       loader__uses_multi(ss->loader) ? "uprobe_multi" : "single uprobes");
	if (consumer__errors(ss->consumer))
		fprintf(stderr, "ferret: %lld call%s returned an error (--error)\n",
			(long long)consumer__errors(ss->consumer), plural(consumer__errors(ss->consumer)));
	if (st->unmatched_exits)
		fdebug("%lld returns had no recorded entry", (long long)st->unmatched_exits);
}

void trace_session__summary(const struct trace_opts *o, struct session *ss)
{
	print_counts(o, ss);
	trace_usdt__report(ss->usdt, consumer__usdt_counts(ss->consumer), consumer__counts(ss->consumer));
	report_probe_costs(ss);
}
