/*
 * Where a Go function's probes go (go_returns.h). The whole body is decoded with capstone:
 * Go puts no data in its code, so a linear decode sees every instruction; a byte it cannot
 * decode before the int3 padding means the extent is wrong, and the function is refused
 * rather than probed in the middle of an instruction.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "go_returns.h"
#include "x86_decoder.h"
#include "core/util.h"

#define GO_MAX_BODY (1u << 20) /* larger than any function Go's compiler emits */

struct body_scan {
	uint64_t *rets; /* addresses */
	size_t nrets, cap;
	uint64_t back_to_entry; /* a `jmp entry` (the stack-growth path's), 0: none */
	uint64_t after_check;	/* the instruction after the stack check's conditional jump */
};

static bool is_jcc(unsigned id)
{
	return id >= X86_INS_JAE && id <= X86_INS_JS && id != X86_INS_JMP && id != X86_INS_JCXZ &&
	       id != X86_INS_JECXZ && id != X86_INS_JRCXZ;
}

static bool imm_target(const cs_insn *in, uint64_t *target)
{
	const cs_x86 *x = &in->detail->x86;

	if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
		return false;
	*target = (uint64_t)x->operands[0].imm;
	return true;
}

/* The forward conditional jumps of the first instructions: the stack check's is among them. */
#define PROLOGUE_JCCS 4

struct jcc {
	uint64_t target, next;
};

static int scan(csh cs, const uint8_t *code, size_t len, uint64_t entry, struct body_scan *s,
		const char **why)
{
	struct jcc jccs[PROLOGUE_JCCS];
	size_t njcc = 0, i, left = len;
	const uint8_t *p = code;
	uint64_t addr = entry, target;
	cs_insn *in = cs_malloc(cs);

	if (!in)
		return -ENOMEM;
	while (left && cs_disasm_iter(cs, &p, &left, &addr, in)) {
		if (in->id == X86_INS_RET) {
			if (grow_array((void **)&s->rets, &s->cap, s->nrets + 1, sizeof(*s->rets))) {
				cs_free(in, 1);
				return -ENOMEM;
			}
			s->rets[s->nrets++] = in->address;
		} else if (in->id == X86_INS_JMP && imm_target(in, &target) && target == entry) {
			s->back_to_entry = in->address;
		} else if (is_jcc(in->id) && njcc < PROLOGUE_JCCS && imm_target(in, &target) &&
			   target > in->address) {
			jccs[njcc++] = (struct jcc){ target, in->address + in->size };
		}
	}
	cs_free(in, 1);
	for (i = 0; i < left; i++) /* what is left must be the int3 padding after the body */
		if (p[i] != 0xcc) {
			*why = "code ferret cannot decode";
			return -EINVAL;
		}
	/* The stack check jumps forward to the block that calls runtime.morestack and then jumps
	 * back to the entry: the entry runs again after the stack grew, so the probe goes past
	 * the check, where each call passes once. */
	for (i = 0; s->back_to_entry && i < njcc && !s->after_check; i++) {
		size_t k;
		bool ret_between = false;

		for (k = 0; k < s->nrets; k++)
			ret_between |= s->rets[k] >= jccs[i].target && s->rets[k] < s->back_to_entry;
		if (jccs[i].target <= s->back_to_entry && !ret_between)
			s->after_check = jccs[i].next;
	}
	if (s->back_to_entry && !s->after_check) {
		*why = "a stack check ferret does not recognize";
		return -EINVAL;
	}
	return 0;
}

static int read_body(int fd, const struct sel_func *fn, uint8_t **out)
{
	uint8_t *code;
	ssize_t n;

	if (fn->size == 0 || fn->size > GO_MAX_BODY)
		return -EINVAL;
	code = malloc(fn->size);
	if (!code)
		return -ENOMEM;
	n = pread(fd, code, fn->size, (off_t)fn->offset);
	if (n != (ssize_t)fn->size) {
		free(code);
		return -EIO;
	}
	*out = code;
	return 0;
}

int go_returns__place(int fd, struct sel_func *fn, const char **why)
{
	struct body_scan s = { 0 };
	uint8_t *code = NULL;
	size_t i;
	csh cs = x86_decoder();
	int err;

	*why = "its extent is unknown";
	err = read_body(fd, fn, &code);
	if (err)
		return err == -ENOMEM ? err : -EINVAL;
	if (!cs) {
		free(code);
		*why = "capstone cannot decode x86-64";
		return -EINVAL;
	}
	err = scan(cs, code, fn->size, fn->addr, &s, why);
	free(code);
	if (!err && !s.nrets)
		free(s.rets), s.rets = NULL;
	if (err) {
		free(s.rets);
		return err;
	}
	for (i = 0; i < s.nrets; i++) /* addresses -> file offsets */
		s.rets[i] = s.rets[i] - fn->addr + fn->offset;
	fn->ret_offsets = s.rets;
	fn->nrets = s.nrets;
	fn->probe_skip = s.after_check ? (uint32_t)(s.after_check - fn->addr) : 0;
	return 0;
}
