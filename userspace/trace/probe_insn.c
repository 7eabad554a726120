/* x86-64 instructions as the kernel's uprobe code sees them, decoded with capstone. */
#include <capstone/capstone.h>
#include <string.h>

#include "probe_insn.h"
#include "x86_decoder.h"

static const uint8_t NOP5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t ENDBR64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* The opcodes branch_setup_xol_ops() emulates: jmp rel8/rel32, call rel32, jcc. */
static bool is_rel_branch(const cs_x86 *x)
{
	uint8_t op = x->opcode[0];

	if (op == 0xe8 || op == 0xe9 || op == 0xeb || (op >= 0x70 && op <= 0x7f))
		return true;
	return op == 0x0f && x->opcode[1] >= 0x80 && x->opcode[1] <= 0x8f;
}

/* Where the opcode starts: past the legacy prefixes and a REX prefix. */
static size_t opcode_start(const uint8_t *code, size_t len)
{
	static const uint8_t legacy[] = { 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67 };
	size_t n = 0;

	while (n < len && memchr(legacy, code[n], sizeof(legacy)))
		n++;
	if (n < len && (code[n] & 0xf0) == 0x40)
		n++;
	return n;
}

/* Is it AVX-512 (EVEX, whose first byte after the legacy prefixes is 0x62 in 64-bit mode)? */
static bool is_evex(const uint8_t *code, size_t len)
{
	size_t n = opcode_start(code, len);

	return n < len && code[n] == 0x62;
}

/* The byte the kernel looks up in its table of one-byte opcodes (uprobe_init_insn): the
 * first opcode byte, which for a VEX or EVEX instruction is the one after the prefix
 * (the kernel's decoder gives those a one-byte opcode, whatever their map); *vex: it is
 * one of those. */
static int kernel_opcode(const cs_x86 *x, const uint8_t *code, size_t len, bool *vex)
{
	size_t n = opcode_start(code, len);
	size_t vex_len = 0;

	if (n < len && code[n] == 0xc5)
		vex_len = 2;
	else if (n < len && code[n] == 0xc4)
		vex_len = 3;
	else if (n < len && code[n] == 0x62)
		vex_len = 4;
	*vex = vex_len != 0;
	if (!vex_len)
		return x->opcode[0];
	return n + vex_len < len ? code[n + vex_len] : -1;
}

/* The one-byte opcodes the kernel's uprobes refuse in 64-bit code (good_insns_64's zeros):
 * push/pop of segment registers, BCD, ins/outs, in/out, int3/int/into/iret, aam/aad/salc,
 * far jumps and calls, int1, hlt, cli, sti, 0x82. A VEX instruction whose opcode byte is one
 * of them is refused as well: vmovd/vmovdqu (6e, 6f) and vpxor (ef), which begin glibc's AVX2
 * string functions. */
static bool kernel_refuses_opcode(int op)
{
	static const uint8_t refused[] = {
		0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0x62,
		0x6c, 0x6d, 0x6e, 0x6f, 0x82, 0x9a, 0xcc, 0xcd, 0xce, 0xcf, 0xd4, 0xd5, 0xd6, 0xe4,
		0xe5, 0xe6, 0xe7, 0xea, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf4, 0xfa, 0xfb,
	};

	return op < 0 || memchr(refused, op, sizeof(refused)) != NULL;
}

/* is_prefix_bad(), the opcode table and branch_setup_xol_ops()'s 16-bit branch check; and
 * EVEX, which the kernel takes but executes wrongly out of line: glibc's __strchr_evex starts
 * with vpbroadcastb %esi,%ymm17, reads the wrong register under a probe and returns NULL. */
static const char *refusal_of(const cs_x86 *x, const uint8_t *code, size_t len)
{
	uint8_t seg = x->prefix[1];
	bool vex;

	if (is_evex(code, len))
		return "AVX-512 instruction, executed wrongly by a probe";
	if (x->prefix[0] == 0xf0)
		return "lock prefix";
	if (seg == 0x2e || seg == 0x3e || seg == 0x26 || seg == 0x36)
		return "segment prefix";
	if (x->prefix[2] == 0x66 && is_rel_branch(x))
		return "operand-size prefix on a branch";
	if (kernel_refuses_opcode(kernel_opcode(x, code, len, &vex)))
		return vex ? "an AVX instruction uprobes do not take" : "an instruction uprobes do not take";
	return NULL;
}

/* push_setup_xol_ops(): push %reg, alone or with the REX.B prefix 0x41 only. */
static bool is_emulated_push(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;

	if (x->opcode[0] < 0x50 || x->opcode[0] > 0x57)
		return false;
	return in->size == 1 || (in->size == 2 && x->rex == 0x41);
}

/* refusal: refusal_of() the instruction. */
static enum probe_kind kind_of(const cs_insn *in, const uint8_t *code, const char *refusal)
{
	const cs_x86 *x = &in->detail->x86;

	if (refusal)
		return PROBE_REFUSED;
	if (in->size == sizeof(NOP5) && !memcmp(code, NOP5, sizeof(NOP5)))
		return PROBE_NOP5;
	if (is_emulated_push(in))
		return PROBE_PUSH;
	if ((x->opcode[0] == 0x90 && !x->rex) || is_rel_branch(x)) /* 41 90 is xchg %eax,%r8d */
		return PROBE_EMULATED;
	return PROBE_STEPPED;
}

static bool in_group(const cs_insn *in, uint8_t group)
{
	const cs_detail *d = in->detail;
	uint8_t i;

	for (i = 0; i < d->groups_count; i++)
		if (d->groups[i] == group)
			return true;
	return false;
}

static bool changes_control_flow(const cs_insn *in)
{
	return in_group(in, CS_GRP_JUMP) || in_group(in, CS_GRP_CALL) || in_group(in, CS_GRP_RET) ||
	       in_group(in, CS_GRP_INT) || in_group(in, CS_GRP_IRET) ||
	       in_group(in, CS_GRP_BRANCH_RELATIVE) || in_group(in, CS_GRP_PRIVILEGE);
}

static bool is_stack_reg(uint16_t reg)
{
	return reg == X86_REG_RSP || reg == X86_REG_ESP || reg == X86_REG_SP || reg == X86_REG_SPL;
}

/* The System V argument registers, any width. */
static bool is_argument_reg(uint16_t reg)
{
	static const uint16_t args[] = {
		X86_REG_RDI, X86_REG_EDI, X86_REG_DI,  X86_REG_DIL, X86_REG_RSI, X86_REG_ESI,
		X86_REG_SI,  X86_REG_SIL, X86_REG_RDX, X86_REG_EDX, X86_REG_DX,	 X86_REG_DL,
		X86_REG_DH,  X86_REG_RCX, X86_REG_ECX, X86_REG_CX,  X86_REG_CL,	 X86_REG_CH,
		X86_REG_R8,  X86_REG_R8D, X86_REG_R8W, X86_REG_R8B, X86_REG_R9,	 X86_REG_R9D,
		X86_REG_R9W, X86_REG_R9B,
	};
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (reg == args[i])
			return true;
	return (reg >= X86_REG_XMM0 && reg <= X86_REG_XMM7) ||
	       (reg >= X86_REG_YMM0 && reg <= X86_REG_YMM7) ||
	       (reg >= X86_REG_ZMM0 && reg <= X86_REG_ZMM7);
}

static bool leaves_stack_and_arguments(const cs_insn *in)
{
	cs_regs read, written;
	uint8_t nread = 0, nwritten = 0, i;

	if (cs_regs_access(x86_decoder(), in, read, &nread, written, &nwritten) != CS_ERR_OK)
		return false;
	for (i = 0; i < nread; i++)
		if (is_stack_reg(read[i]))
			return false;
	for (i = 0; i < nwritten; i++)
		if (is_stack_reg(written[i]) || is_argument_reg(written[i]))
			return false;
	return true;
}

bool probe_insn__decode(const uint8_t *code, size_t len, uint32_t offset, struct probe_insn *out)
{
	csh cs = x86_decoder();
	cs_insn *in;
	const uint8_t *p = code;
	size_t left = len;
	uint64_t addr = offset;

	if (!cs || !len || !(in = cs_malloc(cs)))
		return false;
	if (!cs_disasm_iter(cs, &p, &left, &addr, in)) {
		cs_free(in, 1);
		return false;
	}
	out->offset = offset;
	out->size = in->size;
	out->refusal = refusal_of(&in->detail->x86, code, in->size);
	out->kind = kind_of(in, code, out->refusal);
	out->skippable = (in->size == sizeof(ENDBR64) && !memcmp(code, ENDBR64, sizeof(ENDBR64))) ||
			 (!changes_control_flow(in) && leaves_stack_and_arguments(in));
	cs_free(in, 1);
	return true;
}

bool probe_insn__branch_into(const uint8_t *body, size_t len, uint32_t limit)
{
	csh cs = x86_decoder();
	cs_insn *in;
	const uint8_t *p = body;
	size_t left = len;
	uint64_t addr = 0;
	bool into = false;

	if (!cs || !(in = cs_malloc(cs)))
		return true;
	while (!into && left && cs_disasm_iter(cs, &p, &left, &addr, in)) {
		const cs_x86 *x = &in->detail->x86;

		if ((in_group(in, CS_GRP_JUMP) || in_group(in, CS_GRP_CALL)) && x->op_count == 1 &&
		    x->operands[0].type == X86_OP_IMM)
			into = x->operands[0].imm > 0 && x->operands[0].imm <= (int64_t)limit;
	}
	cs_free(in, 1);
	return into || left != 0;
}

bool probe_insn__branches_to(const uint8_t *body, size_t len, uint64_t base, uint64_t at,
			     uint64_t target)
{
	csh cs = x86_decoder();
	cs_insn *in;
	const uint8_t *p = body;
	size_t left = len;
	uint64_t addr = base;
	int found = -1; /* not reached yet */

	if (!cs || !(in = cs_malloc(cs)))
		return true;
	while (found < 0 && left && cs_disasm_iter(cs, &p, &left, &addr, in)) {
		const cs_x86 *x = &in->detail->x86;

		if (in->address > base + at)
			found = 0; /* no instruction starts there */
		else if (in->address == base + at)
			found = (in_group(in, CS_GRP_JUMP) || in_group(in, CS_GRP_CALL) ||
				 in_group(in, CS_GRP_BRANCH_RELATIVE)) &&
				x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
				(uint64_t)x->operands[0].imm == target;
	}
	cs_free(in, 1);
	return found != 0;
}
