/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The loader's insides, shared by its two halves: loader.c (the BPF object, its maps and
 * ring buffer) and loader_attach.c (the links that put its programs on functions).
 * Nothing outside the loader includes this.
 */
#ifndef FERRET_LOADER_INT_H
#define FERRET_LOADER_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader.h"

struct ferret_bpf;
struct ring_buffer;
struct bpf_link;
struct closer;
struct usdt_plan;

struct loader {
	struct ferret_bpf *skel;
	struct ring_buffer *ring;
	struct kept_link {
		struct bpf_link *link;
		int pid;    /* the process it is filtered on (-1: none) */
		bool entry; /* closed before the return probes, so that no call loses its return */
		int module; /* uprobe_multi: the module whose functions it probes (-1: other links) */
		bool replaced; /* --overhead put new links in its place: destroyed once processes run */
		bool usdt;     /* a USDT link: libbpf's USDT state is shared, see usdt_lock */
	} *links;
	size_t nlinks, cap;
	/* probe_state[f]: enum ferret_probe_state; module_gen[m]: the generation of module m's
	 * live uprobe_multi links, which --overhead replaces. */
	uint8_t *module_gen;
	size_t nmodules;
	uint8_t *probe_state;
	uint32_t nfuncs;
	size_t probes;
	int attach_pid; /* the process the links being attached filter on */
	const struct selection *sel; /* what loader__attach attached, for loader__attach_pid */
	const struct usdt_plan *usdt; /* what loader__attach_usdt attached, likewise; NULL: none */
	struct closer *closer;	     /* detaches links in the background, together */
	bool multi;
	double attach_s, detach_s;
	loader_event_fn handler;
	void *handler_ctx;
	bool sched; /* the on-CPU/blocked programs are attached (loader_sched.c) */
	/* libbpf's USDT links share their program's USDT manager, which is not thread-safe:
	 * they are attached and destroyed one at a time, under this lock, never by the closer. */
	pthread_mutex_t usdt_lock;
};

/* Keeps a USDT link loader_usdt.c attached (under usdt_lock), filtered on attach_pid, closed
 * with the entry probes, one at a time. On failure the link is destroyed. */
int loader__keep_usdt_link(struct loader *l, struct bpf_link *link);
/* loader_args.c: -A, -R's capture plans. Before load: the BPF side's settings and map
 * size; after it: the plans into their map. */
int loader_args__configure(struct ferret_bpf *skel, const struct loader_opts *opts);
int loader_args__fill(struct ferret_bpf *skel, const struct loader_opts *opts);
/* loader_sched.c: the on-CPU/blocked programs, before load and with the tracepoints. */
void loader_sched__configure(struct ferret_bpf *skel, const struct loader_opts *opts);
int loader_sched__attach(struct loader *l, const struct loader_opts *opts);

#endif /* FERRET_LOADER_INT_H */
