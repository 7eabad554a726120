#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/util.h"
#include "sched_time.h"

enum run_state {
	ST_UNKNOWN,  /* no call record seen yet, or records lost */
	ST_RUNNING,  /* on a CPU */
	ST_RUNQ,     /* runnable, waiting for a CPU */
	ST_BLOCKED,  /* asleep in system call nr */
};

struct syscall_ns {
	int32_t nr;
	int64_t ns;
};

/* An open span: the thread's counters at its start and its blocked time per system call. */
struct open_mark {
	int64_t span_id;
	int64_t cpu0, blocked0, runq0;
	bool unknown;
	bool across_gap; /* open across the thread's unresolved gap */
	struct syscall_ns *tally; /* kept when the slot is reused */
	size_t ntally, tally_cap;
};

struct thread_sched {
	int state;
	int64_t since; /* the last transition */
	int32_t nr;    /* ST_BLOCKED: the system call */
	bool has_out_exec;
	int64_t out_exec; /* its on-CPU ns (the scheduler's) at its last SCHED_OUT */
	/* A call record found it on a CPU while it waited in the run queue: its return to one
	 * was not seen. That wait (gap_ns, up to the record, `since`) is split between the run
	 * queue and the CPU at its next SCHED_OUT, by the scheduler's count of its on-CPU time
	 * (resolve_gap); until then it counts nowhere, and a span open across it is not known
	 * if it ends first. */
	bool gap;
	int64_t gap_ns;
	int64_t cpu, blocked, runq;
	bool has_mark;
	uint32_t lost_mark; /* of its last record */
	struct open_mark *marks;
	size_t nmarks, marks_cap;
};

struct sched_time {
	struct thread_sched *threads;
	size_t nthreads, cap;
	struct hashmap index_of; /* (thread key, 0) -> index in threads */
};

struct sched_time *sched_time__new(void)
{
	return calloc(1, sizeof(struct sched_time));
}

void sched_time__free(struct sched_time *st)
{
	size_t i, m;

	if (!st)
		return;
	for (i = 0; i < st->nthreads; i++) {
		for (m = 0; m < st->threads[i].marks_cap; m++)
			free(st->threads[i].marks[m].tally);
		free(st->threads[i].marks);
	}
	free(st->threads);
	hashmap__free(&st->index_of);
	free(st);
}

static struct thread_sched *find(struct sched_time *st, int64_t thread)
{
	uint32_t i;

	return hashmap__get(&st->index_of, thread, 0, &i) ? &st->threads[i] : NULL;
}

/* The thread's state, created (not known) on first sight; NULL: out of memory. */
static struct thread_sched *get(struct sched_time *st, int64_t thread)
{
	struct thread_sched *t = find(st, thread);

	if (t)
		return t;
	if (st->nthreads >= UINT32_MAX ||
	    grow_array((void **)&st->threads, &st->cap, st->nthreads + 1, sizeof(*st->threads)) ||
	    hashmap__put(&st->index_of, thread, 0, (uint32_t)st->nthreads))
		return NULL;
	t = &st->threads[st->nthreads++];
	memset(t, 0, sizeof(*t));
	return t;
}

static void forget_open_spans(struct thread_sched *t)
{
	size_t m;

	for (m = 0; m < t->nmarks; m++)
		t->marks[m].unknown = true;
	t->gap = false;
}

/* At a SCHED_OUT at ts with on-CPU count exec_ns, on a CPU since the record that ended the
 * gap: the CPU's share of the gap is what it ran beyond that. Spans opened after the gap
 * get it in their starting counters too, so theirs stay as they were. */
static void resolve_gap(struct thread_sched *t, int64_t ts, int64_t exec_ns)
{
	int64_t gap_cpu = exec_ns - t->out_exec - (ts - t->since), gap_runq = t->gap_ns - gap_cpu;
	size_t m;

	t->gap = false;
	for (m = 0; m < t->nmarks; m++) {
		struct open_mark *mk = &t->marks[m];

		if (gap_cpu < 0 || gap_runq < 0)
			mk->unknown |= mk->across_gap;
		else if (!mk->across_gap) {
			mk->cpu0 += gap_cpu;
			mk->runq0 += gap_runq;
		}
		mk->across_gap = false;
	}
	if (gap_cpu >= 0 && gap_runq >= 0) {
		t->cpu += gap_cpu;
		t->runq += gap_runq;
	}
}

static int tally_add(struct open_mark *mk, int32_t nr, int64_t ns)
{
	size_t i;

	for (i = 0; i < mk->ntally; i++)
		if (mk->tally[i].nr == nr) {
			mk->tally[i].ns += ns;
			return 0;
		}
	if (grow_array((void **)&mk->tally, &mk->tally_cap, mk->ntally + 1, sizeof(*mk->tally)))
		return -ENOMEM;
	mk->tally[mk->ntally++] = (struct syscall_ns){ .nr = nr, .ns = ns };
	return 0;
}

/* The time since the last transition goes to the state it was in; records timed a little
 * out of order (clocks of two CPUs) count from the last transition, so nothing is counted
 * twice. */
static int advance(struct thread_sched *t, int64_t ts)
{
	int64_t d = ts > t->since ? ts - t->since : 0;
	size_t m;

	t->since += d;
	switch (t->state) {
	case ST_RUNNING: t->cpu += d; break;
	case ST_RUNQ: t->runq += d; break;
	case ST_BLOCKED:
		t->blocked += d;
		for (m = 0; m < t->nmarks; m++)
			if (!t->marks[m].unknown && d && tally_add(&t->marks[m], t->nr, d))
				return -ENOMEM;
		break;
	default: break;
	}
	return 0;
}

/* Waiting for a CPU since t->since, the thread leaves one at ts: its return to it was not
 * seen. It ran exec_ns - out_exec of that time, at its end (no call record came between, or
 * sched_time__running would have seen it back). false: that does not fit. */
static bool ran_unseen(struct thread_sched *t, int64_t ts, int64_t exec_ns)
{
	int64_t span = ts > t->since ? ts - t->since : 0, ran = exec_ns - t->out_exec;

	if (t->state != ST_RUNQ || !t->has_out_exec || ran < 0 || ran > span)
		return false;
	t->runq += span - ran;
	t->cpu += ran;
	t->since += span;
	t->state = ST_RUNNING;
	return true;
}

int sched_time__out(struct sched_time *st, int64_t thread, int64_t ts, bool runnable, int32_t nr,
		    int64_t exec_ns)
{
	struct thread_sched *t = find(st, thread);

	if (!t || t->state == ST_UNKNOWN)
		return 0;
	if (t->state == ST_RUNNING && t->gap && t->has_out_exec)
		resolve_gap(t, ts, exec_ns);
	if (t->state != ST_RUNNING && !ran_unseen(t, ts, exec_ns))
		forget_open_spans(t);
	if (advance(t, ts))
		return -ENOMEM;
	t->state = runnable ? ST_RUNQ : ST_BLOCKED;
	t->nr = nr;
	t->has_out_exec = true;
	t->out_exec = exec_ns;
	return 0;
}

/* A wakeup of a thread not asleep (it was woken before it left the CPU) changes nothing. */
int sched_time__wakeup(struct sched_time *st, int64_t thread, int64_t ts)
{
	struct thread_sched *t = find(st, thread);

	if (!t || t->state != ST_BLOCKED)
		return 0;
	if (advance(t, ts))
		return -ENOMEM;
	t->state = ST_RUNQ;
	return 0;
}

/* Back on a CPU: asleep with no wakeup seen (none sent), the whole time was blocked. */
int sched_time__in(struct sched_time *st, int64_t thread, int64_t ts)
{
	struct thread_sched *t = find(st, thread);

	if (!t || t->state == ST_UNKNOWN)
		return 0;
	if (t->state == ST_RUNNING) /* its leaving was not seen */
		forget_open_spans(t);
	if (advance(t, ts))
		return -ENOMEM;
	t->state = ST_RUNNING;
	return 0;
}

int sched_time__running(struct sched_time *st, int64_t thread, int64_t ts)
{
	struct thread_sched *t = get(st, thread);

	if (!t)
		return -ENOMEM;
	if (t->state == ST_RUNNING)
		return 0;
	if (t->state == ST_RUNQ && t->has_out_exec) { /* back on a CPU unseen: see gap */
		size_t m;

		for (m = 0; m < t->nmarks; m++)
			t->marks[m].across_gap = true;
		t->gap = true;
		t->gap_ns = ts > t->since ? ts - t->since : 0;
		t->since += t->gap_ns;
		t->state = ST_RUNNING;
		return 0;
	}
	if (t->state == ST_UNKNOWN) {
		forget_open_spans(t);
		t->since = ts;
	} else { /* a record that put it back on a CPU was not seen */
		forget_open_spans(t);
		if (advance(t, ts))
			return -ENOMEM;
	}
	t->state = ST_RUNNING;
	return 0;
}

void sched_time__lost(struct sched_time *st, int64_t thread)
{
	struct thread_sched *t = find(st, thread);

	if (!t)
		return;
	forget_open_spans(t);
	t->state = ST_UNKNOWN;
	t->has_out_exec = false;
}

void sched_time__lost_mark(struct sched_time *st, int64_t thread, uint32_t mark)
{
	struct thread_sched *t = find(st, thread);

	if (!t)
		return;
	if (t->has_mark && t->lost_mark != mark)
		sched_time__lost(st, thread);
	t->has_mark = true;
	t->lost_mark = mark;
}

/* The thread's counters at ts, with the part since its last transition. */
static void counters_at(const struct thread_sched *t, int64_t ts, int64_t *cpu, int64_t *blocked,
			int64_t *runq)
{
	int64_t d = ts - t->since;

	*cpu = t->cpu + (t->state == ST_RUNNING ? d : 0);
	*blocked = t->blocked + (t->state == ST_BLOCKED ? d : 0);
	*runq = t->runq + (t->state == ST_RUNQ ? d : 0);
}

/* Whether counters can be read at ts: the state is known and ts not before its last change. */
static bool readable_at(const struct thread_sched *t, int64_t ts)
{
	return t->state != ST_UNKNOWN && ts >= t->since;
}

int sched_time__open(struct sched_time *st, int64_t thread, int64_t span_id, int64_t ts)
{
	struct thread_sched *t = get(st, thread);
	struct open_mark *mk;
	size_t old_cap;

	if (!t)
		return -ENOMEM;
	old_cap = t->marks_cap;
	if (grow_array((void **)&t->marks, &t->marks_cap, t->nmarks + 1, sizeof(*t->marks)))
		return -ENOMEM;
	memset(t->marks + old_cap, 0, (t->marks_cap - old_cap) * sizeof(*t->marks));
	mk = &t->marks[t->nmarks++];
	mk->span_id = span_id;
	mk->ntally = 0;
	mk->unknown = !readable_at(t, ts);
	mk->across_gap = false;
	if (!mk->unknown)
		counters_at(t, ts, &mk->cpu0, &mk->blocked0, &mk->runq0);
	return 0;
}

/* The system call with the most blocked time in the span, counting the sleep it is in now. */
static int32_t blocked_most(const struct thread_sched *t, const struct open_mark *mk, int64_t ts)
{
	int64_t best_ns = -1, now = t->state == ST_BLOCKED ? ts - t->since : 0, ns;
	int32_t best = SCHED_NO_SYSCALL;
	size_t i;
	bool now_counted = false;

	for (i = 0; i < mk->ntally; i++) {
		ns = mk->tally[i].ns;
		if (now && mk->tally[i].nr == t->nr) {
			ns += now;
			now_counted = true;
		}
		if (ns > best_ns) {
			best_ns = ns;
			best = mk->tally[i].nr;
		}
	}
	if (now && !now_counted && now > best_ns)
		best = t->nr;
	return best;
}

/* Takes mark m out of t's list (its tally buffer moves to the free slot at the end). */
static void remove_mark(struct thread_sched *t, size_t m)
{
	struct open_mark gone = t->marks[m];

	memmove(&t->marks[m], &t->marks[m + 1], (t->nmarks - m - 1) * sizeof(*t->marks));
	t->marks[--t->nmarks] = gone;
}

void sched_time__close(struct sched_time *st, int64_t thread, int64_t span_id, int64_t ts,
		       struct sched_figures *out)
{
	struct thread_sched *t = find(st, thread);
	const struct open_mark *mk;
	int64_t cpu, blocked, runq;
	size_t m;

	memset(out, 0, sizeof(*out));
	out->blocked_in = SCHED_NO_SYSCALL;
	if (!t)
		return;
	for (m = t->nmarks; m-- > 0;)
		if (t->marks[m].span_id == span_id)
			break;
	if (m == (size_t)-1)
		return;
	mk = &t->marks[m];
	if (!mk->unknown && !mk->across_gap && readable_at(t, ts)) {
		counters_at(t, ts, &cpu, &blocked, &runq);
		out->known = true;
		out->cpu_ns = cpu - mk->cpu0;
		out->blocked_ns = blocked - mk->blocked0;
		out->runq_ns = runq - mk->runq0;
		if (out->blocked_ns)
			out->blocked_in = blocked_most(t, mk, ts);
	}
	remove_mark(t, m);
}
