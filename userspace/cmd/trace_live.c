/* trace_live: `ferret trace --live` (see trace_live.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "core/log.h"
#include "core/util.h"
#include "store/file_checks.h"
#include "top_screen.h"
#include "top_watch.h"
#include "trace_live.h"

#define NS_PER_MS 1000000LL
#define FRAME_NS 1000000000LL /* the tracer commits about every second */

struct trace_live {
	struct child_stdio io; /* the launched command's */
	bool own_in;	       /* io.in is /dev/null, opened here */
	char *output;	       /* where the command writes; NULL: no command */
	struct top_watch *watch; /* set while the view has the terminal */
	struct out_style style;
	int64_t next_frame_ns;
	FILE *held;	/* ferret's messages while the view shows (stderr a terminal) */
	int saved_err;	/* ferret's stderr meanwhile */
};

static int close_output(struct trace_live *l)
{
	close(l->io.out);
	l->io.out = -1;
	return -1;
}

/* The command's stdout and stderr: a new file goes to the user who ran sudo, as the database. */
static int open_output(struct trace_live *l)
{
	struct stat st;
	bool existed = !lstat(l->output, &st);
	uid_t uid;
	gid_t gid;

	/* Never through a symlink, never truncating a file root must not write (another user's,
	 * a device or a FIFO): checked on the open file before it is cut. */
	l->io.out = open(l->output, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (l->io.out < 0) {
		ferr("cannot write the command's output to %s: %s", l->output,
		     errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(l->io.out, &st) || !S_ISREG(st.st_mode)) {
		ferr("cannot write the command's output to %s: not a regular file", l->output);
		return close_output(l);
	}
	if (file_checks__owner(l->output, &st))
		return close_output(l);
	if (ftruncate(l->io.out, 0) || fcntl(l->io.out, F_SETFL, 0)) {
		ferr("cannot write the command's output to %s: %s", l->output, strerror(errno));
		return close_output(l);
	}
	if (!existed && sudo_user(&uid, &gid) && fchown(l->io.out, uid, gid))
		fwarn("cannot give %s to the user who ran sudo: %s", l->output, strerror(errno));
	return 0;
}

int trace_live__prepare(const struct trace_opts *o, struct trace_target *t, struct trace_live **out)
{
	struct trace_live *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (!l) {
		ferr("out of memory");
		return -ENOMEM;
	}
	*l = (struct trace_live){ .io = { STDIN_FILENO, -1 }, .saved_err = -1 };
	*out = l;
	if (!t->launched)
		return 0;
	if (o->live_output ? !(l->output = strdup(o->live_output)) : asprintf(&l->output, "%s.out", o->db) < 0) {
		l->output = NULL;
		ferr("out of memory");
		return -ENOMEM;
	}
	if (open_output(l))
		return -EIO;
	/* The keys are the view's: a command reading the terminal would take them. */
	if (isatty(STDIN_FILENO)) {
		if ((l->io.in = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
			ferr("/dev/null: %s", strerror(errno));
			return -errno;
		}
		l->own_in = true;
	}
	t->stdio = &l->io;
	return 0;
}

/* What ferret writes to stderr while the view shows waits in a file of its own. */
static void hold_messages(struct trace_live *l)
{
	if (!isatty(STDERR_FILENO) || !(l->held = tmpfile()))
		return;
	fflush(stderr);
	if ((l->saved_err = dup(STDERR_FILENO)) < 0 || dup2(fileno(l->held), STDERR_FILENO) < 0) {
		if (l->saved_err >= 0)
			close(l->saved_err);
		l->saved_err = -1;
		fclose(l->held);
		l->held = NULL;
	}
}

static void print_held_messages(struct trace_live *l)
{
	char buf[4096];
	size_t n;

	if (!l->held)
		return;
	fflush(stderr);
	dup2(l->saved_err, STDERR_FILENO);
	close(l->saved_err);
	l->saved_err = -1;
	rewind(l->held);
	while ((n = fread(buf, 1, sizeof(buf), l->held)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(l->held);
	l->held = NULL;
}

int trace_live__start(struct trace_live *l, const char *db, const char *run_id, int64_t stall_ns)
{
	/* without a terminal on stdin there are no keys: Ctrl-C (a signal) still works */
	struct top_watch_opts wo = { .db = db, .run_id = run_id, .window_s = 5, .stall_ns = stall_ns,
				     .title = "ferret trace --live",
				     .keys = isatty(STDIN_FILENO)
						     ? "q closes this view (tracing goes on), Ctrl-C stops tracing"
						     : "Ctrl-C stops tracing" };

	if (top_watch__open(&wo, &l->watch))
		return -EIO;
	out_style__detect(&l->style, stdout);
	hold_messages(l);
	top_term__start(false);
	l->next_frame_ns = mono_ns();
	return 0;
}

static void close_view(struct trace_live *l, const char *why)
{
	trace_live__stop(l);
	fprintf(stderr, "ferret: %s; tracing goes on (Ctrl-C to stop)\n", why);
}

void trace_live__wait(struct trace_live *l, int ms)
{
	struct timespec pause = { 0, ms * NS_PER_MS };
	int64_t now = mono_ns();
	int err;

	if (!l->watch) {
		nanosleep(&pause, NULL);
		return;
	}
	if (now >= l->next_frame_ns) {
		l->next_frame_ns = now + FRAME_NS;
		if ((err = top_watch__refresh(l->watch)) || (err = top_watch__draw(l->watch, stdout, &l->style))) {
			close_view(l, err == -ENOMEM ? "the live view ran out of memory" : "the live view cannot read the run");
			return;
		}
	}
	if (top_term__wait(ms))
		close_view(l, "the live view is closed");
}

void trace_live__stop(struct trace_live *l)
{
	if (!l || !l->watch)
		return;
	top_term__stop();
	print_held_messages(l);
	top_watch__free(l->watch);
	l->watch = NULL;
}

void trace_live__report(const struct trace_live *l)
{
	if (l && l->output)
		fprintf(stderr, "ferret: the command's output is in %s\n", l->output);
}

void trace_live__free(struct trace_live *l)
{
	if (!l)
		return;
	trace_live__stop(l);
	if (l->own_in)
		close(l->io.in);
	if (l->io.out >= 0)
		close(l->io.out);
	free(l->output);
	free(l);
}
