#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launch.h"
#include "core/log.h"

static void run_child(const char *exe, char **argv, int gate)
{
	char byte;

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

int launch__prepare(const char *exe, char **argv, struct child *c)
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
		run_child(exe, argv, fds[0]);
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

bool launch__wait(struct child *c, int timeout_ms)
{
	struct timespec tick = { 0, 5 * 1000000L };
	int waited = 0;
	pid_t r;

	while (!c->exited) {
		r = waitpid(c->pid, &c->status, timeout_ms < 0 ? 0 : WNOHANG);
		if (r == c->pid) {
			c->exited = true;
			break;
		}
		if (r < 0 && errno != EINTR) {
			c->exited = true; /* not our child any more: nothing to wait for */
			c->status = 0;
			break;
		}
		if (timeout_ms >= 0 && waited >= timeout_ms)
			break;
		if (timeout_ms > 0) {
			nanosleep(&tick, NULL);
			waited += 5;
		}
		if (timeout_ms == 0)
			break;
	}
	return c->exited;
}

int launch__exit_code(const struct child *c)
{
	if (WIFSIGNALED(c->status))
		return 128 + WTERMSIG(c->status);
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 1;
}
