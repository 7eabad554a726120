/*
 * live_window: `ferret top`'s figures of a run being written, over its last seconds. Each
 * span counts in the second it ended (from the run's start); per function and second the
 * calls, errors, sum, max and a percentile histogram (analyze_pct's) are kept, and the figures
 * of a window are those of its whole seconds merged: calls/s, avg and p99 (within 1/64).
 */
#ifndef FERRET_LIVE_WINDOW_H
#define FERRET_LIVE_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

#define LIVE_WINDOW_MAX_S 60

struct live_second {
	int64_t second; /* -1: unused */
	uint64_t calls, errors;
	__int128 sum;
	int64_t min, max;
	struct pct_hist hist;
};

struct live_func {
	int64_t key; /* functions.id */
	char *name;  /* the caller's, set once (freed here) */
	struct live_second *seconds; /* a ring of window + 2 */
};

struct live_window {
	int window_s;
	size_t nseconds;
	struct live_func *f;
	size_t n, cap;
	struct hashmap index_of; /* (key, 0) -> index in f */
};

/* One function over the window. */
struct live_figures {
	size_t fn; /* index in w->f */
	uint64_t calls, errors;
	double per_s;
	int64_t avg, p99, max;
};

void live_window__init(struct live_window *w, int window_s);
void live_window__free(struct live_window *w);
/* The function's index (its name NULL until the caller sets it); <0: -ENOMEM. */
int32_t live_window__func(struct live_window *w, int64_t key);
/* A span of function fn that ended at end_ns (from the run's start). */
int live_window__add(struct live_window *w, int32_t fn, int64_t end_ns, int64_t duration_ns, bool error);
/* The figures of every function called in the window_s whole seconds before horizon_ns,
 * most calls first (malloc'd in *out, *n of them). 0 or -ENOMEM. */
int live_window__figures(const struct live_window *w, int64_t horizon_ns, struct live_figures **out,
			 size_t *n);

#endif /* FERRET_LIVE_WINDOW_H */
