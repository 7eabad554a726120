/*
 * top_screen: what `ferret top` draws, and the terminal it draws on. A frame is written at
 * once from the top-left corner, each line cleared to its end and the rest of the screen
 * below it (plain ANSI: no flicker, no curses); the keyboard is read raw for 'q'.
 */
#ifndef FERRET_TOP_SCREEN_H
#define FERRET_TOP_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/live_window.h"
#include "store/run_reader.h"

/* An open call as top keeps it between refreshes. */
struct top_open {
	int64_t span_id, parent_id, thread_key;
	int64_t start_ns, thread_last_ns, seen_ns; /* from the run's start */
	int32_t depth;
	int tid;
	char *function;
	char *callers; /* "main > handle": the calls open above it; "" for a root */
};

struct top_view {
	const struct run_row *run;
	bool ended;
	int64_t now_ns;	    /* from the run's start */
	int window_s;
	const struct live_window *win;
	const struct live_figures *fig;
	size_t nfig;
	const struct top_open *open; /* oldest first */
	size_t nopen;
	bool open_known; /* the file has open_calls (schema 6) */
	char *const *stalls; /* lines, oldest first */
	size_t nstalls;
	int64_t stall_ns; /* --stall; 0: off */
	const char *title; /* the header's first words; NULL: "ferret top" */
	const char *keys;  /* the header's key hint; NULL: "q quits" */
};

/* One frame: rows x cols at most; ansi: positioned and cleared, else plain lines. */
void top_screen__draw(FILE *out, const struct top_view *v, int rows, int cols, bool ansi, bool utf8);

/* The terminal: raw keyboard (Ctrl-Z off: a stopped view would leave it raw) and the alternate
 * screen when stdin and stdout are terminals. A fatal signal (SIGQUIT, SIGSEGV, abort...)
 * restores it before it takes its course. own_signals: SIGINT, SIGTERM and SIGHUP end the wait
 * (top); else they stay the caller's (the tracer's). */
void top_term__start(bool own_signals);
void top_term__stop(void); /* restores it; again: a no-op */
/* Waits up to ms for a key; true: quit ('q', Ctrl-C, or with own_signals SIGINT, SIGTERM). */
bool top_term__wait(int ms);
void top_term__size(int *rows, int *cols); /* 24 x 80 when not a terminal */
bool top_term__ansi(void);		     /* stdout is a terminal */

#endif /* FERRET_TOP_SCREEN_H */
