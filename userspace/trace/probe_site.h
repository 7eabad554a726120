/*
 * probe_site: where to put each function's uprobe, and what it will cost.
 * x86 uprobes are cheap only on instructions the kernel optimizes (a 5-byte
 * nop) or emulates (push %reg, a relative jmp/call/jcc, a 1-byte nop); anything
 * else is single-stepped out of line (~4.5 µs a hit here, ~10x the others). Probes
 * move past a few harmless first instructions to a cheap one (probe_site__plan).
 * The kernel refuses
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

/* Where a function's probe goes: kind, bytes past the entry, and why it is refused. */
struct probe_plan {
	enum probe_kind kind;
	uint32_t skip;
	const char *refusal; /* PROBE_REFUSED: the kernel's reason */
};

/*
 * Plans the probe of the function whose code starts at body[0] (len bytes of it; whole:
 * its whole body). A probe on an instruction the kernel would single-step or refuse moves
 * forward, past at most a few instructions that leave the stack pointer, the stack,
 * control flow and the argument registers alone (endbr64 among them), to the first one
 * it optimizes or emulates: there the return address is still on top of the stack (the
 * return probe hooks it as at the entry) and the arguments are still the caller's. It
 * moves only when no direct branch of the whole body lands in the instructions passed
 * or on the new probe (else the probe would fire inside the call); without the whole
 * body, only past an endbr64 before a nop5 or push.
 */
void probe_site__plan(const uint8_t *body, size_t len, bool whole, struct probe_plan *plan);
/* The plan from a function's first bytes only (whole = false); *skip: bytes moved past. */
enum probe_kind probe_site__classify(const uint8_t *code, size_t len, uint32_t *skip);
/* Reads function bodies from one open file (fd, owned by the caller) for planning. */
struct probe_reader {
	int fd;
	uint8_t *buf;
	size_t cap;
};

/* The plan of the function at file offset `offset` whose body is `size` bytes (0: unknown). */
void probe_site__plan_at(struct probe_reader *r, uint64_t offset, uint64_t size,
			 struct probe_plan *plan);
void probe_reader__release(struct probe_reader *r);
/* Plans the probes of funcs[0..n), all of module mod (its file open at fd), as trace places
 * them: each alone (probe_site__plan_func), then those other code jumps past put back on
 * their entries (probe_landing). 0 or -ENOMEM. */
int probe_site__plan_module(struct sel_func *funcs, size_t n, const struct sel_module *mod, int fd);
/* Plans fn's probe as trace will: probe_kind, probe_skip, probe_refusal; Go code (go)
 * gets go_returns' entry past the stack check and its RETs in fn. 0, or -ENOMEM. */
int probe_site__plan_func(struct probe_reader *r, struct sel_func *fn, bool go);
/* What one traced call (entry + return probe) costs with this kind of entry probe, as
 * measured on a 2-vCPU VM (README, "Overhead"): for ranking and --overhead's estimate. */
unsigned probe_kind__call_cost_ns(enum probe_kind kind);
/* "nop5", "push", "emulated", "stepped", "refused". */
const char *probe_kind__name(enum probe_kind kind);
/* Reads every selected function's first bytes and sets probe_skip and probe_kind.
 * counts[kind] gets how many functions got each kind; moved: how many skip an endbr64.
 * Refused functions are named in one warning and dropped from sel; none left is an error. */
int probe_site__place_all(struct selection *sel, size_t counts[PROBE_KIND_COUNT], size_t *moved);

#endif
