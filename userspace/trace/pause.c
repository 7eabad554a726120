#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <time.h>

#include "core/util.h"
#include "pause.h"

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

/* The thread's state letter from /proc/TID/stat; 0: it is gone. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512], *close_paren, state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (close_paren = strrchr(buf, ')')) && close_paren[1] == ' ')
		state = close_paren[2];
	fclose(f);
	return state;
}

/* Waits until the thread is in its ptrace stop ('t') or gone. */
static int wait_stopped(pid_t tid, int64_t deadline_ns)
{
	struct timespec tick = { 0, 200 * 1000 };
	char st;

	while ((st = thread_state(tid)) && st != 't') {
		if (mono_ns() > deadline_ns)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
	return 0;
}

/* A thread that runs no code (exited, a zombie leader) needs no stop; *added: one was seized. */
static int seize(struct pause *p, pid_t tid, int64_t deadline_ns, size_t *added)
{
	char st = thread_state(tid);

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

/* Seizes the threads of pid not seized yet; *added: how many. */
static int stop_process(struct pause *p, int pid, int64_t deadline_ns, size_t *added)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int err = 0;
	long tid;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0; /* the process is gone */
	while (!err && (d = readdir(dir))) {
		if (parse_long(d->d_name, &tid) || seized(p, (pid_t)tid))
			continue;
		err = seize(p, (pid_t)tid, deadline_ns, added);
	}
	closedir(dir);
	return err;
}

int pause__stop(const int *pids, size_t npids, int timeout_ms, struct pause **out)
{
	struct pause *p = calloc(1, sizeof(*p));
	int64_t deadline = mono_ns() + (int64_t)timeout_ms * 1000000;
	size_t i, added;
	int err = 0;

	if (!p)
		return -ENOMEM;
	/* Until a pass finds no thread it had not stopped: a running one may have started one. */
	do {
		added = 0;
		for (i = 0; !err && i < npids; i++)
			err = stop_process(p, pids[i], deadline, &added);
	} while (!err && added);
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
		       thread_state(p->tids[i]) && !wait_stopped(p->tids[i], mono_ns() + 1000000000LL))
			;
	free(p->tids);
	free(p);
}
