/*
 * loader: the BPF side's lifecycle. Opens and loads the skeleton, fills the
 * pid filter, attaches one uprobe.multi link for entries and one for returns
 * per module (the BPF cookie is the function's index in the selection), and
 * detaches. Falls back to one perf-event uprobe per function only where the
 * kernel lacks uprobe_multi (before 6.6), and says so.
 */
#ifndef FERRET_LOADER_H
#define FERRET_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "selection.h"

struct loader_opts {
	bool filter_pids;	/* false with --all */
	bool follow_forks;	/* launched command: trace its descendants */
	uint32_t ringbuf_bytes; /* a power of two, >= 4096 */
	int attach_pid;		/* kernel-side process filter for the probes, -1 for none */
};

struct loader;
typedef int (*loader_event_fn)(void *ctx, void *data, size_t size);

int loader__open(const struct loader_opts *opts, struct loader **out);
int loader__add_pid(struct loader *l, int pid);
int loader__attach(struct loader *l, const struct selection *sel);
/* Drains what the ring buffer holds now, or waits up to timeout_ms for data. */
int loader__poll(struct loader *l, int timeout_ms);
int loader__set_handler(struct loader *l, loader_event_fn fn, void *ctx);
void loader__detach(struct loader *l);
uint64_t loader__lost_events(const struct loader *l);
bool loader__uses_multi(const struct loader *l);
size_t loader__probe_count(const struct loader *l); /* uprobes + uretprobes attached */
double loader__attach_seconds(const struct loader *l);
double loader__detach_seconds(const struct loader *l);
void loader__free(struct loader *l); /* detaches; NULL is a no-op */

#endif
