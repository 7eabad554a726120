/* top_screen: `ferret top`'s frame and terminal (see top_screen.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/utf8.h"
#include "core/util.h"
#include "top_screen.h"

static struct termios saved_termios;
static volatile sig_atomic_t raw_keyboard, alt_screen, fatal_caught; /* read by on_fatal */
static volatile sig_atomic_t quit_signal;

static void on_signal(int sig)
{
	quit_signal = sig;
}

bool top_term__ansi(void)
{
	return isatty(STDOUT_FILENO);
}

#define RESTORE_SCREEN "\033[?25h\033[?1049l"
static const int fatal_signals[] = { SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
static struct sigaction saved_fatal[sizeof(fatal_signals) / sizeof(fatal_signals[0])];

static void restore_fatal_actions(void)
{
	size_t i;

	if (!fatal_caught)
		return;
	fatal_caught = false;
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &saved_fatal[i], NULL);
}

/* The shell gets its screen and keyboard back (async-signal-safe calls only), then the signal
 * takes its course under the action it had: a fault returns to fault again, a sent one is
 * sent again. */
static void on_fatal(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	if (alt_screen && write(STDOUT_FILENO, RESTORE_SCREEN, sizeof(RESTORE_SCREEN) - 1) < 0)
		alt_screen = false;
	if (raw_keyboard)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	restore_fatal_actions();
	if (info->si_code <= 0) /* SI_USER, SI_TKILL, SI_QUEUE: kill, raise, abort */
		raise(sig);
}

static void catch_fatal_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_fatal, .sa_flags = SA_SIGINFO };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, &saved_fatal[i]);
	fatal_caught = true;
}

void top_term__start(bool own_signals)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios raw;

	if (own_signals) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	catch_fatal_signals();
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved_termios)) {
		raw = saved_termios;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		raw.c_cc[VSUSP] = _POSIX_VDISABLE;
		raw_keyboard = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	if (top_term__ansi()) { /* the alternate screen, cursor hidden: the shell's comes back */
		fputs("\033[?1049h\033[?25l", stdout);
		fflush(stdout);
		alt_screen = true;
	}
}

void top_term__stop(void)
{
	if (alt_screen) {
		fputs(RESTORE_SCREEN, stdout);
		fflush(stdout);
		alt_screen = false;
	}
	if (raw_keyboard) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		raw_keyboard = false;
	}
	restore_fatal_actions();
}

bool top_term__wait(int ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	int64_t until = mono_ns() + (int64_t)ms * 1000000;
	char c;

	while (!quit_signal) {
		int64_t left = (until - mono_ns()) / 1000000;

		if (left <= 0)
			return false;
		/* without a terminal (a pipe, /dev/null) the keyboard is not read: just wait */
		if (poll(&p, raw_keyboard ? 1 : 0, (int)left) > 0) {
			ssize_t n = read(STDIN_FILENO, &c, 1);

			if (n == 1 && (c == 'q' || c == 'Q' || c == 3))
				return true;
			if (n <= 0)
				raw_keyboard = false; /* end of input: no more keys */
		}
	}
	return true;
}

void top_term__size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row > 4 && ws.ws_col > 20) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* ---- the frame ---- */

struct frame {
	FILE *out;
	int rows, cols, used;
	bool ansi, utf8;
};

/* One line, cut to the width (by characters: names may be UTF-8), cleared to its end. */
static void line(struct frame *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct frame *f, const char *fmt, ...)
{
	char text[1024], cut[1024];
	va_list ap;

	if (f->used >= f->rows)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	utf8__fit(text, (size_t)f->cols, f->utf8 ? "…" : "...", cut, sizeof(cut));
	fputs(cut, f->out);
	if (f->ansi)
		fputs("\033[K", f->out);
	if (++f->used < f->rows || !f->ansi) /* no newline after the last row: no scrolling */
		fputc('\n', f->out);
}

static const char *dur(const struct frame *f, int64_t ns, char *buf)
{
	return fmt_duration(ns, !f->utf8, buf, 32);
}

static void draw_header(struct frame *f, const struct top_view *v)
{
	char t[32], cmd[64];

	utf8__fit(v->run->command, 40, "...", cmd, sizeof(cmd));
	line(f, "%s%s: run %s | %s | %s%s | %lld spans%s", f->ansi ? "\033[1m" : "",
	     v->title ? v->title : "ferret top", v->run->run_id,
	     cmd, dur(f, v->now_ns, t), v->ended ? " (ended)" : "", (long long)v->run->spans,
	     f->ansi ? "\033[0m" : "");
	line(f, "%s over the last %d s%s; %s", v->ended ? "ended: its figures" : "figures",
	     v->window_s, v->ended ? "" : " committed (the tracer commits every second)",
	     v->keys ? v->keys : "q quits");
}

static void draw_functions(struct frame *f, const struct top_view *v, int room)
{
	char a[32], p[32], m[32];
	size_t i;

	line(f, "%s", "");
	line(f, "%s%-26s %9s %10s %10s %10s %7s%s", f->ansi ? "\033[1m" : "",
	     "Function", "Calls/s", "Avg", "P99", "Max", "Errors", f->ansi ? "\033[0m" : "");
	if (!v->nfig)
		line(f, "(no call ended in the last %d s)", v->window_s);
	for (i = 0; i < v->nfig && (int)i < room; i++) {
		const struct live_figures *g = &v->fig[i];
		char name[128];

		/* cut to its column (an ellipsis shows it was), padded by display width */
		utf8__fit(v->win->f[g->fn].name ? v->win->f[g->fn].name : "?", 26, f->utf8 ? "…" : "...", name,
			  sizeof(name));
		line(f, "%s%*s %9.1f %10s %10s %10s %7llu", name, (int)(26 - utf8__width(name)), "",
		     g->per_s, dur(f, g->avg, a), dur(f, g->p99, p), dur(f, g->max, m),
		     (unsigned long long)g->errors);
	}
	if (v->nfig > (size_t)room && room >= 0)
		line(f, "(%zu more functions)", v->nfig - (size_t)room);
}

static void draw_open(struct frame *f, const struct top_view *v, int room)
{
	char a[32];
	size_t i;

	line(f, "%s", "");
	line(f, "%s%-11s %8s  %-24s %s%s", f->ansi ? "\033[1m" : "", "Open for", "Thread", "Function",
	     "Called from", f->ansi ? "\033[0m" : "");
	if (!v->open_known)
		line(f, "(this file's tracer does not publish its open calls: schema 5)");
	else if (!v->nopen)
		line(f, "(no call open at the last commit)");
	for (i = 0; i < v->nopen && (int)i < room; i++) {
		char name[128];

		utf8__fit(v->open[i].function, 24, f->utf8 ? "…" : "...", name, sizeof(name));
		line(f, "%-11s %8d  %s%*s %s", dur(f, v->open[i].seen_ns - v->open[i].start_ns, a), v->open[i].tid,
		     name, (int)(24 - utf8__width(name)), "", v->open[i].callers);
	}
	if (v->nopen > (size_t)room && room >= 0)
		line(f, "(%zu more open calls)", v->nopen - (size_t)room);
}

static void draw_stalls(struct frame *f, const struct top_view *v, int room)
{
	char l[32];
	size_t i = v->nstalls > (size_t)room ? v->nstalls - (size_t)room : 0;

	line(f, "%s", "");
	if (v->stall_ns)
		line(f, "%sStalls (open longer than %s): %zu%s", f->ansi ? "\033[1m" : "", dur(f, v->stall_ns, l),
		     v->nstalls, f->ansi ? "\033[0m" : "");
	else
		line(f, "%sStalls recorded by the tracer (--stall): %zu%s", f->ansi ? "\033[1m" : "", v->nstalls,
		     f->ansi ? "\033[0m" : "");
	for (; i < v->nstalls; i++)
		line(f, "%s", v->stalls[i]);
}

void top_screen__draw(FILE *out, const struct top_view *v, int rows, int cols, bool ansi, bool utf8)
{
	struct frame f = { .out = out, .rows = rows, .cols = cols, .ansi = ansi, .utf8 = utf8 };
	int fixed = 2 + 3 + 3 + 2, left = rows - fixed, stall_room, fn_room, open_room;

	if (left < 3)
		left = 3;
	stall_room = v->nstalls < 3 ? (int)v->nstalls : 3; /* the latest */
	left -= stall_room;
	fn_room = left * 3 / 5;
	open_room = left - fn_room;
	if (ansi)
		fputs("\033[H", out);
	draw_header(&f, v);
	draw_functions(&f, v, fn_room);
	draw_open(&f, v, open_room);
	draw_stalls(&f, v, stall_room);
	if (ansi)
		fputs("\033[J", out);
	else
		fputc('\n', out);
	fflush(out);
}
