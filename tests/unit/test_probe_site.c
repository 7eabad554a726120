/* Probe placement from a function's first bytes: what the kernel optimizes, emulates,
 * single-steps or refuses (arch/x86/kernel/uprobes.c), and when the probe moves past
 * an endbr64. */
#include <stdint.h>

#include "check.h"
#include "trace/probe_site.h"

#define ENDBR64 0xf3, 0x0f, 0x1e, 0xfa

static int kind_of(const uint8_t *code, size_t len, uint32_t *skip)
{
	return (int)probe_site__classify(code, len, skip);
}

/* The kind of the bytes given, setting skip. */
#define KIND(skip, ...) \
	kind_of((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), &(skip))

static void test_cheap_entries(void)
{
	uint32_t skip;

	EXPECT_EQ(KIND(skip, 0x0f, 0x1f, 0x44, 0x00, 0x00), PROBE_NOP5);
	EXPECT_EQ(skip, 0);
	EXPECT_EQ(KIND(skip, 0x55, 0x48, 0x89, 0xe5), PROBE_PUSH);	/* push %rbp */
	EXPECT_EQ(KIND(skip, 0x41, 0x57), PROBE_PUSH);		/* push %r15 */
	EXPECT_EQ(KIND(skip, ENDBR64, 0x55), PROBE_PUSH);
	EXPECT_EQ(skip, 4);
}

static void test_stepped(void)
{
	uint32_t skip;

	EXPECT_EQ(KIND(skip, 0x48, 0x83, 0xec, 0x08), PROBE_STEPPED); /* sub $8,%rsp */
	EXPECT_EQ(KIND(skip, ENDBR64, 0x48, 0x83, 0xec, 0x08), PROBE_STEPPED);
	EXPECT_EQ(skip, 0);
	/* mov %cx,%ax: an operand-size prefix is allowed */
	EXPECT_EQ(KIND(skip, 0x66, 0x89, 0xc8), PROBE_STEPPED);
	EXPECT_EQ(kind_of(NULL, 0, &skip), PROBE_STEPPED);
}

static void test_emulated(void)
{
	uint32_t skip;

	EXPECT_EQ(KIND(skip, 0x90), PROBE_EMULATED);			  /* nop */
	EXPECT_EQ(KIND(skip, 0xf3, 0x90), PROBE_EMULATED);		  /* pause: prefix + nop */
	EXPECT_EQ(KIND(skip, 0xeb, 0x10), PROBE_EMULATED);		  /* jmp rel8 */
	EXPECT_EQ(KIND(skip, 0xe9, 1, 0, 0, 0), PROBE_EMULATED);	  /* jmp rel32 */
	EXPECT_EQ(KIND(skip, 0xf2, 0xe9, 1, 0, 0, 0), PROBE_EMULATED);	  /* bnd jmp */
	EXPECT_EQ(KIND(skip, 0xe8, 1, 0, 0, 0), PROBE_EMULATED);	  /* call rel32 */
	EXPECT_EQ(KIND(skip, 0x74, 0x05), PROBE_EMULATED);		  /* je rel8 */
	EXPECT_EQ(KIND(skip, 0x0f, 0x85, 1, 0, 0, 0), PROBE_EMULATED);	  /* jne rel32 */
	EXPECT_EQ(KIND(skip, 0xff, 0xe0), PROBE_STEPPED);		  /* jmp *%rax: not relative */
	EXPECT_EQ(KIND(skip, 0x41, 0x90), PROBE_STEPPED);		  /* xchg %eax,%r8d */
	/* The probe stays on an endbr64 before them, as before. */
	EXPECT_EQ(KIND(skip, ENDBR64, 0xe9, 1, 0, 0, 0), PROBE_STEPPED);
	EXPECT_EQ(skip, 0);
}

static void test_refused(void)
{
	uint32_t skip;

	EXPECT_EQ(KIND(skip, 0xf0, 0xff, 0x0f), PROBE_REFUSED);	     /* lock decl (%rdi) */
	EXPECT_EQ(KIND(skip, 0x66, 0xf0, 0x0f, 0xb1, 0x17), PROBE_REFUSED); /* after another prefix */
	EXPECT_EQ(KIND(skip, 0x3e, 0xff, 0xe0), PROBE_REFUSED);	     /* notrack jmp *%rax */
	EXPECT_EQ(KIND(skip, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0), PROBE_REFUSED); /* cs nopw */
	EXPECT_EQ(KIND(skip, 0x66, 0xe8, 1, 0), PROBE_REFUSED); /* callw: a 16-bit branch */
	EXPECT_EQ(KIND(skip, 0x62, 0xe2, 0x7d, 0x28, 0x7a, 0xce), PROBE_REFUSED); /* EVEX vpbroadcastb */
	/* The kernel looks a VEX instruction's opcode byte up in its one-byte table: vmovd (6e)
	 * and vpxor (ef) are refused (glibc's AVX2 strchr and memset begin with them), vpcmpeqb
	 * (74), vzeroupper (77) and vpbroadcastb (0f38 78) are single-stepped. */
	EXPECT_EQ(KIND(skip, 0xc5, 0xf9, 0x6e, 0xcf), PROBE_REFUSED);	    /* vmovd %edi,%xmm1 */
	EXPECT_EQ(KIND(skip, 0xc5, 0xf9, 0xef, 0xc0), PROBE_REFUSED);	    /* vpxor */
	EXPECT_EQ(KIND(skip, 0xc4, 0xe1, 0x79, 0x6e, 0xc6), PROBE_REFUSED); /* vmovd, 3-byte VEX */
	EXPECT_EQ(KIND(skip, 0xc5, 0xfd, 0x74, 0x0f), PROBE_STEPPED);	    /* vpcmpeqb (%rdi) */
	EXPECT_EQ(KIND(skip, 0xc5, 0xf8, 0x77), PROBE_STEPPED);		    /* vzeroupper */
	EXPECT_EQ(KIND(skip, 0xc4, 0xe2, 0x7d, 0x78, 0xc6), PROBE_STEPPED); /* vpbroadcastb */
	/* One-byte opcodes the kernel refuses: int3, hlt, in. */
	EXPECT_EQ(KIND(skip, 0xcc), PROBE_REFUSED);
	EXPECT_EQ(KIND(skip, 0xf4), PROBE_REFUSED);
	EXPECT_EQ(KIND(skip, 0xec), PROBE_REFUSED);
	EXPECT_EQ(KIND(skip, 0x0f, 0x05), PROBE_STEPPED); /* syscall: 0f passes the table */
	/* After an endbr64 it does not matter: the probe stays on the endbr64. */
	EXPECT_EQ(KIND(skip, ENDBR64, 0xf0, 0xff, 0x0f), PROBE_STEPPED);
	EXPECT_EQ(skip, 0);
}

/* probe_site__plan over a whole body: the plan, with its kind and skip checked. */
#define PLAN(plan, ...)                                                                  \
	probe_site__plan((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), \
			 true, &(plan))

#define TEST_RDI 0x48, 0x85, 0xff /* test %rdi,%rdi: flags only */
#define RET 0xc3

static void test_moved_past_harmless(void)
{
	struct probe_plan p;

	PLAN(p, TEST_RDI, 0x74, 0x01, RET, RET); /* test; je: the probe goes on the je */
	EXPECT_EQ(p.kind, PROBE_EMULATED);
	EXPECT_EQ(p.skip, 3);
	PLAN(p, ENDBR64, TEST_RDI, 0x74, 0x01, RET, RET);
	EXPECT_EQ(p.kind, PROBE_EMULATED);
	EXPECT_EQ(p.skip, 7);
	PLAN(p, 0x48, 0x89, 0xf8, 0x53, 0x5b, RET); /* mov %rdi,%rax; push %rbx */
	EXPECT_EQ(p.kind, PROBE_PUSH);
	EXPECT_EQ(p.skip, 3);
	PLAN(p, ENDBR64, 0xe9, 1, 0, 0, 0, RET, RET); /* endbr64; jmp: a tail call */
	EXPECT_EQ(p.kind, PROBE_EMULATED);
	EXPECT_EQ(p.skip, 4);
	/* lock incl counter(%rip); mov %rdi,%rax; ret: off the refused one, onto a stepped one */
	PLAN(p, 0xf0, 0xff, 0x05, 0, 0, 0, 0, 0x48, 0x89, 0xf8, RET);
	EXPECT_EQ(p.kind, PROBE_STEPPED);
	EXPECT_EQ(p.skip, 7);
}

static void test_not_moved(void)
{
	struct probe_plan p;
	uint32_t skip;

	PLAN(p, 0xbf, 1, 0, 0, 0, 0x74, 0x01, RET, RET); /* mov $1,%edi writes an argument */
	EXPECT_EQ(p.kind, PROBE_STEPPED);
	EXPECT_EQ(p.skip, 0);
	PLAN(p, 0x48, 0x83, 0xec, 0x08, 0x53, RET); /* sub $8,%rsp moves the return address */
	EXPECT_EQ(p.skip, 0);
	PLAN(p, 0x48, 0x8b, 0x04, 0x24, 0x53, RET); /* mov (%rsp),%rax reads the stack */
	EXPECT_EQ(p.skip, 0);
	PLAN(p, 0x66, 0x0f, 0xef, 0xc0, 0x53, RET); /* pxor %xmm0,%xmm0: a float argument */
	EXPECT_EQ(p.skip, 0);
	/* test; je; ...; jmp back onto the je: the probe would fire inside the call */
	PLAN(p, TEST_RDI, 0x74, 0x02, RET, RET, 0xeb, 0xfa);
	EXPECT_EQ(p.kind, PROBE_STEPPED);
	EXPECT_EQ(p.skip, 0);
	/* a body that does not decode to its end proves nothing */
	PLAN(p, TEST_RDI, 0x74, 0x01, RET, 0x0f, 0x0b, 0x06);
	EXPECT_EQ(p.skip, 0);
	/* first bytes only: just the endbr64 rule */
	EXPECT_EQ(KIND(skip, TEST_RDI, 0x74, 0x01, RET), PROBE_STEPPED);
	EXPECT_EQ(skip, 0);
	EXPECT_EQ(KIND(skip, ENDBR64, 0x0f, 0x1f, 0x44, 0x00, 0x00), PROBE_NOP5);
	EXPECT_EQ(skip, 4);
}

int main(void)
{
	RUN(test_cheap_entries);
	RUN(test_stepped);
	RUN(test_emulated);
	RUN(test_refused);
	RUN(test_moved_past_harmless);
	RUN(test_not_moved);
	CHECK_EXIT();
}
