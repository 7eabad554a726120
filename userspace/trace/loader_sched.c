/*
 * loader_sched: the on-CPU/blocked/run-queue programs (bpf/sched.bpf.h): configured before
 * the object loads, attached with the process tracepoints. Off (not loaded at all) with
 * --no-sched and in stack mode.
 */
#include <errno.h>

#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "ferret.skel.h"
#include "loader_int.h"

_Static_assert(sizeof(struct ferret_sched_event) == 32, "ferret_sched_event is 32 bytes");
_Static_assert(FERRET_EV_SCHED_OUT == 18 && FERRET_EV_SCHED_IN == 19 && FERRET_EV_SCHED_WAKEUP == 20,
	       "the sched record numbers");

void loader_sched__configure(struct ferret_bpf *skel, const struct loader_opts *opts)
{
	bool on = opts->sched && !opts->stack_mode;

	bpf_program__set_autoload(skel->progs.on_sched_switch, on);
	bpf_program__set_autoload(skel->progs.on_sched_wakeup, on);
}

int loader_sched__attach(struct loader *l, const struct loader_opts *opts)
{
	if (!opts->sched || opts->stack_mode)
		return 0;
	l->skel->links.on_sched_switch = bpf_program__attach(l->skel->progs.on_sched_switch);
	if (!l->skel->links.on_sched_switch)
		return -errno;
	l->skel->links.on_sched_wakeup = bpf_program__attach(l->skel->progs.on_sched_wakeup);
	if (!l->skel->links.on_sched_wakeup)
		return -errno;
	l->sched = true;
	return 0;
}

bool loader__sched_on(const struct loader *l)
{
	return l->sched;
}
