#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "follow.h"
#include "loader.h"
#include "trace_target.h"
#include "core/log.h"
#include "core/util.h"

/* Threads are seized too (CLONE), so that a fork by any thread is seen; exec events
 * replace the SIGTRAP a traced exec would get. */
#define FOLLOW_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
			PTRACE_O_TRACEEXEC)
/* Interrupts the thread's waitpid when it must stop; blocked nowhere else matters. */
#define WAKE_SIGNAL SIGURG

struct follower {
	pthread_t thread;
	pthread_mutex_t lock; /* loader, the command's status, procs */
	pthread_cond_t seized;
	int main_pid, seize_err;
	bool seize_done, running;
	atomic_bool stop, done;
	struct loader *loader;
	bool main_exited;
	int main_status;
	int *procs; /* the processes with links of their own */
	size_t nprocs, cap;
};

static void on_wake(int sig)
{
	(void)sig;
}

static bool known_process(const struct follower *f, int pid, size_t *at)
{
	size_t i;

	for (i = 0; i < f->nprocs; i++)
		if (f->procs[i] == pid) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

/* A new task, stopped before its first instruction: a new process gets its links now.
 * Its parent's fork event and its own first stop come in either order: both call this. */
static void take_new_task(struct follower *f, int tid)
{
	int err;

	if (trace_target__process_of(tid) != tid || known_process(f, tid, NULL))
		return; /* a thread: its process's links cover it */
	pthread_mutex_lock(&f->lock);
	if (f->loader && !grow_array((void **)&f->procs, &f->cap, f->nprocs + 1, sizeof(*f->procs))) {
		int64_t start = mono_ns();

		err = loader__attach_pid(f->loader, tid);
		fdebug("process %d: probes attached in %.1f ms", tid, (double)(mono_ns() - start) / 1e6);
		if (err)
			fwarn("cannot attach the probes to process %d: its calls are not traced (%s)",
			      tid, strerror(-err));
		f->procs[f->nprocs++] = tid; /* known either way: tried once */
	}
	pthread_mutex_unlock(&f->lock);
}

static void task_ended(struct follower *f, int tid, int status)
{
	size_t at;

	pthread_mutex_lock(&f->lock);
	if (tid == f->main_pid) {
		f->main_exited = true;
		f->main_status = status;
	}
	if (known_process(f, tid, &at)) {
		if (f->loader)
			loader__detach_pid(f->loader, tid);
		f->procs[at] = f->procs[--f->nprocs];
	}
	pthread_mutex_unlock(&f->lock);
}

/* A non-leader thread's exec leaves the links on the old leader, whose mm is gone. */
static void exec_done(struct follower *f, int tid)
{
	unsigned long former = 0;

	if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &former) || (int)former == tid ||
	    !known_process(f, tid, NULL))
		return;
	pthread_mutex_lock(&f->lock);
	if (f->loader) {
		loader__detach_pid(f->loader, tid);
		if (loader__attach_pid(f->loader, tid))
			fwarn("cannot attach the probes to process %d after its exec: its calls are "
			      "not traced", tid);
	}
	pthread_mutex_unlock(&f->lock);
}

static void task_stopped(struct follower *f, int tid, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;
	unsigned long child = 0;

	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (!ptrace(PTRACE_GETEVENTMSG, tid, 0, &child))
			take_new_task(f, (int)child);
		break;
	case PTRACE_EVENT_EXEC:
		exec_done(f, tid);
		break;
	case PTRACE_EVENT_STOP:
		/* A new task's first stop (perhaps in a group-stop), or a group-stop (SIGSTOP,
		 * SIGTSTP, ...): the latter stays stopped, as without ferret, until SIGCONT. */
		take_new_task(f, tid);
		if (sig != SIGTRAP) {
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		break;
	case 0:
		ptrace(PTRACE_CONT, tid, 0, sig); /* a signal for the tracee: delivered as sent */
		return;
	}
	ptrace(PTRACE_CONT, tid, 0, 0);
}

static void report_seized(struct follower *f, int err)
{
	pthread_mutex_lock(&f->lock);
	f->seize_err = err;
	f->seize_done = true;
	pthread_cond_signal(&f->seized);
	pthread_mutex_unlock(&f->lock);
}

static void *follow_thread(void *arg)
{
	struct follower *f = arg;
	sigset_t only_wake;
	int status;
	pid_t tid;

	sigfillset(&only_wake);
	sigdelset(&only_wake, WAKE_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &only_wake, NULL);
	/* The tracer is this thread: it alone may resume the tracees. */
	report_seized(f, ptrace(PTRACE_SEIZE, f->main_pid, 0, FOLLOW_OPTIONS) ? -errno : 0);
	while (!f->seize_err && !atomic_load(&f->stop)) {
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0 && errno == EINTR)
			continue;
		if (tid < 0)
			break; /* ECHILD: every followed process is gone */
		if (WIFSTOPPED(status))
			task_stopped(f, tid, status);
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			task_ended(f, tid, status);
	}
	atomic_store(&f->done, true);
	return NULL;
}

/* Each followed process holds two descriptors (links) per traced module. */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int follower__start(int pid, struct follower **out)
{
	struct sigaction sa = { .sa_handler = on_wake }; /* no SA_RESTART: waitpid returns */
	struct follower *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->main_pid = pid;
	if (grow_array((void **)&f->procs, &f->cap, 1, sizeof(*f->procs))) {
		free(f);
		return -ENOMEM;
	}
	f->procs[f->nprocs++] = pid; /* its links are loader__attach's, filtered on it */
	raise_fd_limit();
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->seized, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(WAKE_SIGNAL, &sa, NULL);
	err = -pthread_create(&f->thread, NULL, follow_thread, f);
	if (!err) {
		f->running = true;
		pthread_mutex_lock(&f->lock);
		while (!f->seize_done)
			pthread_cond_wait(&f->seized, &f->lock);
		err = f->seize_err;
		pthread_mutex_unlock(&f->lock);
	}
	if (err) {
		follower__free(f);
		return err;
	}
	*out = f;
	return 0;
}

void follower__set_loader(struct follower *f, struct loader *l)
{
	pthread_mutex_lock(&f->lock);
	f->loader = l;
	pthread_mutex_unlock(&f->lock);
}

bool follower__reaped(struct follower *f, int *status)
{
	bool exited;

	pthread_mutex_lock(&f->lock);
	exited = f->main_exited;
	if (exited)
		*status = f->main_status;
	pthread_mutex_unlock(&f->lock);
	return exited;
}

void follower__stop(struct follower *f)
{
	struct timespec tick = { 0, 5 * 1000000L };

	if (!f->running)
		return;
	atomic_store(&f->stop, true);
	/* Again until it is out: a wake-up sent just before its waitpid would be missed. */
	while (!atomic_load(&f->done)) {
		pthread_kill(f->thread, WAKE_SIGNAL);
		nanosleep(&tick, NULL);
	}
	pthread_join(f->thread, NULL);
	f->running = false;
}

void follower__free(struct follower *f)
{
	if (!f)
		return;
	follower__stop(f);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->seized);
	free(f->procs);
	free(f);
}
