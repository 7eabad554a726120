/*
 * top_watch: the run `ferret top` watches, read from its database through a read connection of
 * its own as the tracer commits it (about every second): its spans into live_window's
 * per-second figures, the open calls the tracer published, the stalls; drawn by top_screen.
 * `ferret top` runs it in any terminal; `ferret trace --live` in the tracer's own.
 */
#ifndef FERRET_TOP_WATCH_H
#define FERRET_TOP_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/analyze.h"

struct top_watch_opts {
	const char *db;
	const char *run_id; /* NULL: the latest run */
	long window_s;
	int64_t stall_ns;	/* the limit shown; 0: off */
	bool own_stalls;	/* also look for stalls in the open calls (top --stall) */
	const char *title;	/* the header's first words; NULL: "ferret top" */
	const char *keys;	/* the header's key hint; NULL: "q quits" */
};

struct top_watch;

/* Opens the file and finds the run (<0: printed). */
int top_watch__open(const struct top_watch_opts *o, struct top_watch **out);
/* Reads what was committed since the last refresh. -ENOMEM is not printed. */
int top_watch__refresh(struct top_watch *w);
/* One frame on out (a terminal: positioned and cleared). */
int top_watch__draw(struct top_watch *w, FILE *out, const struct out_style *st);
/* The stalls shown, one "ferret: stall: ..." line each, for the terminal's own screen. */
void top_watch__print_stalls(const struct top_watch *w, FILE *out);
void top_watch__free(struct top_watch *w); /* NULL is a no-op */

#endif /* FERRET_TOP_WATCH_H */
