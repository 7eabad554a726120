/*
 * probe_insn: x86-64 instructions as the kernel's uprobe code sees them, decoded with
 * capstone (internal to trace/: probe_site.c's decoder). The kernel optimizes a probe
 * on a 5-byte nop, emulates push %reg, relative jmp/jcc/call and nop (0x90 after any
 * prefixes), refuses a lock or cs/ds/es/ss prefix and an operand-size prefix on a
 * branch, and single-steps everything else (arch/x86/kernel/uprobes.c).
 */
#ifndef FERRET_PROBE_INSN_H
#define FERRET_PROBE_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_site.h"

struct probe_insn {
	uint32_t offset, size;
	enum probe_kind kind;
	const char *refusal; /* why the kernel refuses a probe on it, or NULL */
	bool skippable;	     /* a probe may move past it (see probe_insn__decode) */
};

/* Decodes the instruction at code[0..len) (at byte `offset` of its function) into *out:
 * false when it is not a valid instruction. skippable: endbr64, or it leaves rsp, the
 * stack and control flow alone and writes no argument register (rdi, rsi, rdx, rcx,
 * r8, r9, xmm0-7): after it the return address is still on top of the stack and the
 * arguments are as the caller passed them. */
bool probe_insn__decode(const uint8_t *code, size_t len, uint32_t offset, struct probe_insn *out);

/* Does any direct jump or call in body[0..len) land in (0, limit]? Also true when the
 * body does not decode to its end: then nothing can be proved. */
bool probe_insn__branch_into(const uint8_t *body, size_t len, uint32_t limit);

/* Does an instruction of body[0..len) (which starts at vaddr base) start at base + at and
 * jump or call directly to target? Also true when the body does not decode that far. */
bool probe_insn__branches_to(const uint8_t *body, size_t len, uint64_t base, uint64_t at,
			     uint64_t target);

#endif
