/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usdt_notes: a file's USDT probes, from its .note.stapsdt ELF notes (SystemTap's format,
 * which sys/sdt.h writes): one entry per PROVIDER:NAME with its number of sites (a probe
 * written in an inlined function or a macro has several) and the argument specs of the first.
 */
#ifndef FERRET_USDT_NOTES_H
#define FERRET_USDT_NOTES_H

#include <stdbool.h>
#include <stddef.h>

struct usdt_probe {
	char *provider, *name;
	char *args;	  /* the note's argument specs ("-4@%eax 8@%rdx"), "" if none */
	size_t sites;	  /* notes of this PROVIDER:NAME */
	bool semaphore;	  /* guarded by a semaphore: nothing runs until a tracer attaches */
};

struct usdt_probes {
	struct usdt_probe *probes; /* in the order the file first names them */
	size_t count, cap;
};

/* 0 (count 0: the file has no USDT notes) or <0: not readable as ELF (printed unless quiet).
 * A malformed note is skipped. */
int usdt_notes__read(const char *path, bool quiet, struct usdt_probes *out);
void usdt_probes__free(struct usdt_probes *p);
/* The file's probe PROVIDER:NAME, or NULL. */
const struct usdt_probe *usdt_probes__find(const struct usdt_probes *p, const char *provider,
					   const char *name);

#endif
