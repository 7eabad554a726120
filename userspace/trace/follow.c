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

/* --overhead's hold (follower__hold): asked by another thread, done by this one, the tracer. */
enum hold_phase { HOLD_NONE, HOLD_ASKED, HOLD_HELD, HOLD_FAILED, HOLD_RELEASE };

/* How a task stopped for the hold goes on once released: PTRACE_CONT with this signal (0:
 * none), or RESUME_LISTEN for a task in a group-stop. */
#define RESUME_LISTEN (-1)

struct held_task {
	int tid, resume;
	bool stopped, gone; /* in a ptrace stop; exited */
};

struct follower {
	pthread_t thread;
	pthread_mutex_t lock; /* loader, the command's status, procs, hold */
	pthread_cond_t seized, hold_changed;
	int main_pid, seize_err;
	bool seize_done, running;
	atomic_bool stop, done;
	struct loader *loader;
	bool main_exited;
	int main_status;
	int *procs; /* the processes with links of their own */
	size_t nprocs, cap;
	enum hold_phase hold;
	int hold_timeout_ms;
	struct held_task *held;
	size_t nheld, held_cap;
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

/* Handles a ptrace stop of tid; returns how it goes on (resume_task): held tasks go on later. */
static int task_stopped(struct follower *f, int tid, int status)
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
		/* A new task's first stop (perhaps in a group-stop), a hold's interrupt, or a
		 * group-stop (SIGSTOP, SIGTSTP, ...): the latter stays stopped, as without ferret,
		 * until SIGCONT. */
		take_new_task(f, tid);
		if (sig != SIGTRAP)
			return RESUME_LISTEN;
		break;
	case 0:
		return sig; /* a signal for the tracee: delivered as sent */
	}
	return 0;
}

static void resume_task(int tid, int resume)
{
	if (resume == RESUME_LISTEN)
		ptrace(PTRACE_LISTEN, tid, 0, 0);
	else
		ptrace(PTRACE_CONT, tid, 0, resume);
}

/* The hold's entry for tid, made if it has none; NULL: no memory. */
static struct held_task *held_task_of(struct follower *f, int tid)
{
	size_t i;

	for (i = 0; i < f->nheld; i++)
		if (f->held[i].tid == tid)
			return &f->held[i];
	if (grow_array((void **)&f->held, &f->held_cap, f->nheld + 1, sizeof(*f->held)))
		return NULL;
	f->held[f->nheld] = (struct held_task){ .tid = tid };
	return &f->held[f->nheld++];
}

/* Asks a followed thread for a stop. One that runs no code needs none: a zombie leader
 * would never report it. */
static int interrupt_thread(int tid, void *arg)
{
	struct follower *f = arg;
	char st = trace_target__thread_state(tid);
	struct held_task *h = held_task_of(f, tid);

	if (!h)
		return -ENOMEM;
	if (!st || st == 'Z' || st == 'X' || (ptrace(PTRACE_INTERRUPT, tid, 0, 0) && errno == ESRCH))
		h->stopped = h->gone = true;
	return 0;
}

static bool all_held(const struct follower *f)
{
	size_t i;

	for (i = 0; i < f->nheld; i++)
		if (!f->held[i].stopped)
			return false;
	return true;
}

/* Takes the stops (and whatever else happens meanwhile, handled as always) until every
 * interrupted thread is in a ptrace stop or gone. A task born meanwhile starts in a stop
 * of its own: it is held when it reports it, and runs no code before. */
static bool collect_stops(struct follower *f, int64_t deadline_ns)
{
	struct timespec tick = { 0, 200 * 1000 };
	struct held_task *h;
	int status, resume;
	pid_t tid;

	while (!all_held(f)) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid < 0 && errno == EINTR)
			continue;
		if (tid < 0)
			return true; /* ECHILD: every followed task is gone */
		if (tid == 0) {
			if (mono_ns() > deadline_ns)
				return false;
			nanosleep(&tick, NULL);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			task_ended(f, tid, status);
			if ((h = held_task_of(f, tid)))
				h->stopped = h->gone = true;
			continue;
		}
		resume = task_stopped(f, tid, status);
		if (!(h = held_task_of(f, tid))) {
			resume_task(tid, resume);
			return false;
		}
		h->stopped = true;
		h->resume = resume;
	}
	return true;
}

static void set_hold(struct follower *f, enum hold_phase phase)
{
	pthread_mutex_lock(&f->lock);
	f->hold = phase;
	pthread_cond_broadcast(&f->hold_changed);
	pthread_mutex_unlock(&f->lock);
}

/* follower__hold's work, on the tracer's thread: every thread of the followed processes
 * stopped, then kept so until follower__release, then each goes on as it would have. */
static void hold_all(struct follower *f)
{
	int64_t deadline = mono_ns() + (int64_t)f->hold_timeout_ms * 1000000;
	bool held = true;
	size_t i;

	f->nheld = 0;
	for (i = 0; held && i < f->nprocs; i++) /* procs change on this thread only */
		held = !trace_target__each_thread(f->procs[i], interrupt_thread, f);
	held = held && collect_stops(f, deadline);
	pthread_mutex_lock(&f->lock);
	f->hold = held ? HOLD_HELD : HOLD_FAILED;
	pthread_cond_broadcast(&f->hold_changed);
	while (held && f->hold != HOLD_RELEASE)
		pthread_cond_wait(&f->hold_changed, &f->lock);
	pthread_mutex_unlock(&f->lock);
	/* A thread whose stop came from something else still has the interrupt pending: it
	 * reports one more stop later, which the loop lets go. */
	for (i = 0; i < f->nheld; i++)
		if (f->held[i].stopped && !f->held[i].gone)
			resume_task(f->held[i].tid, f->held[i].resume);
	set_hold(f, HOLD_NONE);
}

static bool hold_asked(struct follower *f)
{
	bool asked;

	pthread_mutex_lock(&f->lock);
	asked = f->hold == HOLD_ASKED;
	pthread_mutex_unlock(&f->lock);
	return asked;
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
		if (hold_asked(f)) {
			hold_all(f);
			continue;
		}
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0 && errno == EINTR)
			continue;
		if (tid < 0)
			break; /* ECHILD: every followed process is gone */
		if (WIFSTOPPED(status))
			resume_task(tid, task_stopped(f, tid, status));
		else if (WIFEXITED(status) || WIFSIGNALED(status))
			task_ended(f, tid, status);
	}
	pthread_mutex_lock(&f->lock);
	atomic_store(&f->done, true);
	pthread_cond_broadcast(&f->hold_changed); /* a hold asked now is never served */
	pthread_mutex_unlock(&f->lock);
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
	pthread_cond_init(&f->hold_changed, NULL);
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

size_t follower__pids(struct follower *f, int *pids, size_t max)
{
	size_t n;

	pthread_mutex_lock(&f->lock);
	n = f->nprocs < max ? f->nprocs : max;
	memcpy(pids, f->procs, n * sizeof(*pids));
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* Waits (the lock held) until the hold leaves phase, waking the thread from its waitpid
 * again and again: a wake-up sent just before it would be missed. */
static void wait_hold_leaves(struct follower *f, enum hold_phase phase)
{
	struct timespec until;

	while (f->hold == phase && !atomic_load(&f->done)) {
		pthread_kill(f->thread, WAKE_SIGNAL);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 5 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&f->hold_changed, &f->lock, &until);
	}
}

int follower__hold(struct follower *f, int timeout_ms)
{
	int err;

	if (!f->running)
		return -ESRCH;
	pthread_mutex_lock(&f->lock);
	wait_hold_leaves(f, HOLD_FAILED); /* the last failed hold's tasks are let go first */
	f->hold = HOLD_ASKED;
	f->hold_timeout_ms = timeout_ms;
	wait_hold_leaves(f, HOLD_ASKED);
	err = f->hold == HOLD_HELD ? 0 : atomic_load(&f->done) ? -ESRCH : -ETIMEDOUT;
	if (f->hold == HOLD_ASKED)
		f->hold = HOLD_NONE; /* the thread is gone: nobody serves it */
	pthread_mutex_unlock(&f->lock);
	return err;
}

void follower__release(struct follower *f)
{
	pthread_mutex_lock(&f->lock);
	if (f->hold == HOLD_HELD) {
		f->hold = HOLD_RELEASE;
		pthread_cond_broadcast(&f->hold_changed);
		while (f->hold == HOLD_RELEASE)
			pthread_cond_wait(&f->hold_changed, &f->lock);
	}
	pthread_mutex_unlock(&f->lock);
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
	pthread_cond_destroy(&f->hold_changed);
	free(f->held);
	free(f->procs);
	free(f);
}
