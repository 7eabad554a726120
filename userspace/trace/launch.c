#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "launch.h"
#include "core/log.h"

static void run_child(const char *exe, char **argv, const struct child_stdio *io, int gate)
{
	char byte;

	if (io && (dup2(io->in, STDIN_FILENO) < 0 || dup2(io->out, STDOUT_FILENO) < 0 ||
		   dup2(io->out, STDERR_FILENO) < 0))
		_exit(127); /* cannot happen: both are open */

	/* Blocks until the parent closes the write end: a short read (0) is the signal. */
	while (read(gate, &byte, 1) < 0 && errno == EINTR)
		;
	close(gate);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv(exe, argv);
	fprintf(stderr, "ferret: cannot run %s: %s\n", exe, strerror(errno));
	_exit(127);
}

int launch__prepare(const char *exe, char **argv, const struct child_stdio *io, struct child *c)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		ferr("pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ferr("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		close(fds[1]);
		run_child(exe, argv, io, fds[0]);
	}
	close(fds[0]);
	*c = (struct child){ .pid = pid, .gate_fd = fds[1] };
	return 0;
}

int launch__release(struct child *c)
{
	if (c->gate_fd >= 0)
		close(c->gate_fd);
	c->gate_fd = -1;
	return 0;
}

void launch__abort(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	launch__release(c);
	launch__wait(c, -1);
}

/* Whether the child has exited, reaped now or by the follower; block: wait for it. */
static bool reap(struct child *c, bool block)
{
	pid_t r;

	if (c->follower)
		return c->exited = follower__reaped(c->follower, &c->status);
	r = waitpid(c->pid, &c->status, block ? 0 : WNOHANG);
	if (r == c->pid)
		return c->exited = true;
	if (r < 0 && errno != EINTR) {
		c->status = 0; /* not our child any more: nothing to wait for */
		return c->exited = true;
	}
	return false;
}

bool launch__wait(struct child *c, int timeout_ms)
{
	struct timespec tick = { 0, 5 * 1000000L };
	int waited = 0;

	while (!c->exited && !reap(c, timeout_ms < 0 && !c->follower)) {
		if (timeout_ms == 0 || (timeout_ms > 0 && waited >= timeout_ms))
			break;
		if (c->follower || timeout_ms > 0)
			nanosleep(&tick, NULL);
		waited += 5;
	}
	return c->exited;
}

void launch__unfollow(struct child *c)
{
	if (!c->follower)
		return;
	follower__stop(c->follower);
	launch__wait(c, 0); /* what it reaped before it stopped */
	follower__free(c->follower);
	c->follower = NULL;
}

int launch__exit_code(const struct child *c)
{
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 1;
}

void launch__end_like_child(const struct child *c)
{
	static const int quiet_deaths[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	sigset_t just_it;
	int sig;

	if (!c->exited || !WIFSIGNALED(c->status))
		return;
	sig = WTERMSIG(c->status);
	for (size_t i = 0; i < sizeof(quiet_deaths) / sizeof(quiet_deaths[0]); i++) {
		if (quiet_deaths[i] != sig)
			continue;
		fflush(NULL);
		signal(sig, SIG_DFL);
		sigemptyset(&just_it);
		sigaddset(&just_it, sig);
		sigprocmask(SIG_UNBLOCK, &just_it, NULL);
		raise(sig);
	}
}
