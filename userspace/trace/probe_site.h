/*
 * probe_site: where to put each function's uprobe, and what it will cost.
 * x86 uprobes are cheap only on instructions the kernel optimizes (a 5-byte
 * nop) or emulates (push %reg, a relative jmp/call/jcc, a 1-byte nop); anything
 * else is single-stepped out of line (~20 µs a hit on a VM). A function that
 * starts with endbr64 followed by a 5-byte nop or a push gets its probe 4 bytes
 * in: endbr64 leaves the stack alone,
 * so the return address a uretprobe hooks is still on top. The kernel refuses
 * some instructions outright (a lock or segment-override prefix): a function
 * starting with one cannot be traced, and one refusal fails a whole module's
 * uprobe_multi attach, so such functions leave the selection first.
 */
#ifndef FERRET_PROBE_SITE_H
#define FERRET_PROBE_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "elf/selection.h"

enum probe_kind {
	PROBE_NOP5,	  /* 5-byte nop: kernel-optimized */
	PROBE_PUSH,	  /* push %reg: emulated */
	PROBE_EMULATED,	  /* jmp, call or jcc relative, or a 1-byte nop: emulated */
	PROBE_STEPPED,	  /* anything else: single-stepped */
	PROBE_REFUSED,	  /* the kernel will not probe it: not traced */
	PROBE_KIND_COUNT,
};

/* Classifies the code at a function's entry; *skip: bytes to move the probe past. */
enum probe_kind probe_site__classify(const uint8_t *code, size_t len, uint32_t *skip);
/* The same for the function at file offset `offset` of the open file fd (its first bytes
 * read); *why: the reason the kernel refuses it ("lock prefix") when PROBE_REFUSED, else NULL. */
enum probe_kind probe_site__classify_at(int fd, uint64_t offset, uint32_t *skip, const char **why);
/* "nop5", "push", "emulated", "stepped", "refused". */
const char *probe_kind__name(enum probe_kind kind);
/* Reads every selected function's first bytes and sets probe_skip and probe_kind.
 * counts[kind] gets how many functions got each kind; moved: how many skip an endbr64.
 * Refused functions are named in one warning and dropped from sel; none left is an error. */
int probe_site__place_all(struct selection *sel, size_t counts[PROBE_KIND_COUNT], size_t *moved);

#endif
