#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <time.h>

#include "core/util.h"
#include "pause.h"
#include "trace_target.h"

struct pause {
	pid_t *tids; /* seized */
	size_t n, cap;
};

static bool seized(const struct pause *p, pid_t tid)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->tids[i] == tid)
			return true;
	return false;
}

/* Waits until the thread is in its ptrace stop ('t') or gone. */
static int wait_stopped(pid_t tid, int64_t deadline_ns)
{
	struct timespec tick = { 0, 200 * 1000 };
	char st;

	while ((st = trace_target__thread_state(tid)) && st != 't') {
		if (mono_ns() > deadline_ns)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
	return 0;
}

/* A thread that runs no code (exited, a zombie leader) needs no stop; *added: one was seized. */
static int seize(struct pause *p, pid_t tid, int64_t deadline_ns, size_t *added)
{
	char st = trace_target__thread_state(tid);

	if (!st || st == 'Z' || st == 'X')
		return 0;
	if (grow_array((void **)&p->tids, &p->cap, p->n + 1, sizeof(*p->tids)))
		return -ENOMEM;
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL))
		return errno == ESRCH ? 0 : -errno; /* ESRCH: it exited */
	p->tids[p->n++] = tid;
	++*added;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) && errno != ESRCH)
		return -errno;
	return wait_stopped(tid, deadline_ns);
}

/* A pass over one process: its threads not seized yet get seized. */
struct stop_pass {
	struct pause *p;
	int64_t deadline_ns;
	size_t added;
};

static int stop_thread(int tid, void *arg)
{
	struct stop_pass *pass = arg;

	if (seized(pass->p, (pid_t)tid))
		return 0;
	return seize(pass->p, (pid_t)tid, pass->deadline_ns, &pass->added);
}

int pause__stop(const int *pids, size_t npids, int timeout_ms, struct pause **out)
{
	struct pause *p = calloc(1, sizeof(*p));
	struct stop_pass pass = { p, mono_ns() + (int64_t)timeout_ms * 1000000, 0 };
	size_t i;
	int err = 0;

	if (!p)
		return -ENOMEM;
	/* Until a pass finds no thread it had not stopped: a running one may have started one. */
	do {
		pass.added = 0;
		for (i = 0; !err && i < npids; i++)
			err = trace_target__each_thread(pids[i], stop_thread, &pass);
	} while (!err && pass.added);
	if (err) {
		pause__resume(p);
		return err;
	}
	*out = p;
	return 0;
}

void pause__resume(struct pause *p)
{
	size_t i;

	if (!p)
		return;
	/* Detaching needs the thread in its stop: one that had not reached it yet gets there. */
	for (i = 0; i < p->n; i++)
		while (ptrace(PTRACE_DETACH, p->tids[i], NULL, NULL) && errno == ESRCH &&
		       trace_target__thread_state(p->tids[i]) && !wait_stopped(p->tids[i], mono_ns() + 1000000000LL))
			;
	free(p->tids);
	free(p);
}
