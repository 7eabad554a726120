#include <stdio.h>

#include "analyze_sched.h"
#include "core/syscall_names.h"

/* The call's blocked time to its system call's slot; when all are taken, it replaces the
 * smallest if it is larger. */
static void add_syscall(struct sched_sum *s, int32_t nr, int64_t ns)
{
	uint8_t i, min = 0;

	for (i = 0; i < s->nnr; i++)
		if (s->nr[i] == nr) {
			s->nr_ns[i] = add_ns(s->nr_ns[i], ns);
			return;
		}
	if (s->nnr < SCHED_SUM_SYSCALLS) {
		s->nr[s->nnr] = nr;
		s->nr_ns[s->nnr++] = ns;
		return;
	}
	for (i = 1; i < s->nnr; i++)
		if (s->nr_ns[i] < s->nr_ns[min])
			min = i;
	if (ns > s->nr_ns[min]) {
		s->nr[min] = nr;
		s->nr_ns[min] = ns;
	}
}

void sched_sum__add(struct sched_sum *s, const struct open_call *c)
{
	if (!c->has_sched) {
		s->unknown++;
		return;
	}
	s->known++;
	s->cpu_ns = add_ns(s->cpu_ns, c->cpu_ns);
	s->blocked_ns = add_ns(s->blocked_ns, c->blocked_ns);
	s->runq_ns = add_ns(s->runq_ns, c->runq_ns);
	if (c->blocked_ns > 0)
		add_syscall(s, c->blocked_in, c->blocked_ns);
}

void sched_sum__merge(struct sched_sum *s, const struct sched_sum *from)
{
	uint8_t i;

	s->known += from->known;
	s->unknown += from->unknown;
	s->cpu_ns = add_ns(s->cpu_ns, from->cpu_ns);
	s->blocked_ns = add_ns(s->blocked_ns, from->blocked_ns);
	s->runq_ns = add_ns(s->runq_ns, from->runq_ns);
	for (i = 0; i < from->nnr; i++)
		add_syscall(s, from->nr[i], from->nr_ns[i]);
}

int32_t sched_sum__blocked_in(const struct sched_sum *s)
{
	uint8_t i, best = 0;

	if (!s->nnr)
		return -1;
	for (i = 1; i < s->nnr; i++)
		if (s->nr_ns[i] > s->nr_ns[best] || (s->nr_ns[i] == s->nr_ns[best] && s->nr[i] < s->nr[best]))
			best = i;
	return s->nr[best];
}

const char *sched__syscall_name(int32_t nr, char *buf, size_t len)
{
	const char *name = syscall_name(nr);

	if (nr == -1)
		return "(no syscall)";
	if (name)
		return name;
	snprintf(buf, len, "syscall_%d", nr);
	return buf;
}

/* part of whole, in whole percent, rounded down (100% only when all of it). */
static int percent(int64_t part, int64_t whole)
{
	return whole > 0 ? (int)((double)part * 100.0 / (double)whole) : 0;
}

void sched_sum__label(const struct sched_sum *s, char *buf, size_t len)
{
	int64_t total = add_ns(add_ns(s->cpu_ns, s->blocked_ns), s->runq_ns);
	char name[32];
	int p;

	buf[0] = '\0';
	if (!sched_sum__complete(s) || total <= 0)
		return;
	if (s->blocked_ns >= s->cpu_ns && s->blocked_ns >= s->runq_ns) {
		snprintf(buf, len, "(blocked %d%% in %s)", percent(s->blocked_ns, total),
			 sched__syscall_name(sched_sum__blocked_in(s), name, sizeof(name)));
	} else if (s->runq_ns > s->cpu_ns) {
		snprintf(buf, len, "(runq %d%%)", percent(s->runq_ns, total));
	} else {
		p = percent(s->cpu_ns, total);
		if (p >= 95)
			snprintf(buf, len, "(cpu)");
		else
			snprintf(buf, len, "(cpu %d%%)", p);
	}
}
