/* Moved probes where other code jumps in go back to their functions' entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "probe_insn.h"
#include "probe_landing.h"

#define CHUNK (1u << 20) /* bytes of code read at a time */
#define LOOKAHEAD 6	 /* the longest branch the scan reads: 0f 8x rel32 */

/* An address a jump from elsewhere must not reach: an instruction a probe moved past, or
 * the moved probe itself. */
struct landing {
	uint64_t vaddr;
	size_t func; /* index into the scan's funcs */
};

struct landings {
	struct landing *at; /* sorted by vaddr */
	size_t n, cap;
};

static int add_landing(struct landings *l, uint64_t vaddr, size_t func)
{
	if (grow_array((void **)&l->at, &l->cap, l->n + 1, sizeof(*l->at)))
		return -ENOMEM;
	l->at[l->n++] = (struct landing){ vaddr, func };
	return 0;
}

/* The starts of the instructions after a moved function's first one, up to its probe. */
static int add_function_landings(struct landings *l, int fd, const struct sel_func *fn, size_t f)
{
	uint8_t code[64];
	struct probe_insn insn;
	uint32_t off = 0;
	ssize_t n = pread(fd, code, sizeof(code), (off_t)fn->offset);
	int err = 0;

	if (n < (ssize_t)fn->probe_skip)
		return add_landing(l, fn->addr + fn->probe_skip, f); /* decoded once: cannot fail */
	while (!err && off < fn->probe_skip && probe_insn__decode(code + off, (size_t)n - off, off, &insn)) {
		off += insn.size;
		err = add_landing(l, fn->addr + off, f);
	}
	return err;
}

static int compare_landings(const void *a, const void *b)
{
	const struct landing *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static const struct landing *find_landing(const struct landings *l, uint64_t vaddr)
{
	struct landing key = { .vaddr = vaddr };

	return bsearch(&key, l->at, l->n, sizeof(*l->at), compare_landings);
}

/* Where the bytes at p (vaddr v) would branch to, as a direct jmp, jcc or call; 0: none. */
static uint64_t branch_target(const uint8_t *p, uint64_t v)
{
	int32_t rel32;

	if (p[0] == 0xe8 || p[0] == 0xe9) {
		memcpy(&rel32, p + 1, 4);
		return v + 5 + (int64_t)rel32;
	}
	if (p[0] == 0x0f && p[1] >= 0x80 && p[1] <= 0x8f) {
		memcpy(&rel32, p + 2, 4);
		return v + 6 + (int64_t)rel32;
	}
	if (p[0] == 0xeb || (p[0] >= 0x70 && p[0] <= 0x7f) || (p[0] >= 0xe0 && p[0] <= 0xe3))
		return v + 2 + (int64_t)(int8_t)p[1];
	return 0;
}

/* One module's scan: its landings, and a buffer for the bodies of functions with a hit. */
struct scan {
	struct sel_func *funcs;
	const struct sel_module *mod;
	struct landings l;
	int fd;
	uint8_t *body;
	size_t body_cap;
};

#define MAX_VERIFIED_BODY (4u << 20) /* a larger function's hit is believed unread */

/* Is there really a branch from v to `to`? The bytes that look like one are decoded with
 * the rest of the function around them; code in no known function is believed. */
static bool real_branch(struct scan *sc, uint64_t v, uint64_t to)
{
	const struct elf_func *g = elf_syms__containing(sc->mod->syms, v);
	ssize_t n;

	if (!g || g->size > MAX_VERIFIED_BODY)
		return true;
	if (grow_array((void **)&sc->body, &sc->body_cap, g->size, 1))
		return true;
	n = pread(sc->fd, sc->body, g->size, (off_t)g->offset);
	if (n != (ssize_t)g->size)
		return true;
	return probe_insn__branches_to(sc->body, g->size, g->addr, v - g->addr, to);
}

/* A branch from v to a landing: its function's probe goes back to the entry, unless v is
 * in that function's own body, whose branches were decoded when the probe moved. */
static void check_branch(struct scan *sc, uint64_t v, uint64_t to)
{
	const struct landing *hit = to ? find_landing(&sc->l, to) : NULL;
	struct sel_func *fn;

	if (!hit)
		return;
	fn = &sc->funcs[hit->func];
	if (fn->probe_skip == UINT32_MAX || (fn->size && v >= fn->addr && v < fn->addr + fn->size))
		return;
	if (real_branch(sc, v, to))
		fn->probe_skip = UINT32_MAX; /* marked; put back by restore_entries */
}

static int scan_range(struct scan *sc, const struct elf_code_range *r, uint8_t *buf)
{
	uint64_t done = 0;

	while (done < r->size) {
		uint64_t left = r->size - done;
		size_t want = left < CHUNK + LOOKAHEAD ? (size_t)left : CHUNK + LOOKAHEAD, i, last;
		ssize_t n = pread(sc->fd, buf, want, (off_t)(r->offset + done));

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		memset(buf + n, 0, LOOKAHEAD);
		/* A branch may start in the last LOOKAHEAD bytes: those go in the next chunk,
		 * unless this one is the segment's (or the file's) end. */
		last = (size_t)n < want || (size_t)n == left ? (size_t)n : (size_t)n - LOOKAHEAD;
		for (i = 0; i < last; i++)
			check_branch(sc, r->vaddr + done + i, branch_target(buf + i, r->vaddr + done + i));
		if ((size_t)n < want)
			break;
		done += last;
	}
	return 0;
}

/* Each marked function's probe back on its first instruction, as the kernel will take it. */
static size_t restore_entries(struct sel_func *funcs, size_t n, int fd)
{
	size_t f, restored = 0;

	for (f = 0; f < n; f++) {
		struct sel_func *fn = &funcs[f];
		struct probe_insn insn;
		uint8_t code[16];
		ssize_t got;

		if (fn->probe_skip != UINT32_MAX)
			continue;
		got = pread(fd, code, sizeof(code), (off_t)fn->offset);
		fn->probe_skip = 0;
		if (got > 0 && probe_insn__decode(code, (size_t)got, 0, &insn)) {
			fn->probe_kind = insn.kind;
			fn->probe_refusal = insn.refusal;
		} else {
			fn->probe_kind = PROBE_STEPPED;
		}
		fdebug("%s: probe kept at its entry: other code jumps past its first instruction",
		       fn->name);
		restored++;
	}
	return restored;
}

int probe_landing__check(struct sel_func *funcs, size_t n, const struct sel_module *mod, int fd,
			 size_t *restored)
{
	struct scan sc = { .funcs = funcs, .mod = mod, .fd = fd };
	uint8_t *buf = NULL;
	size_t f, r;
	int err = 0;

	*restored = 0;
	for (f = 0; !err && f < n; f++)
		if (funcs[f].probe_skip)
			err = add_function_landings(&sc.l, fd, &funcs[f], f);
	if (err || !sc.l.n)
		goto out;
	qsort(sc.l.at, sc.l.n, sizeof(*sc.l.at), compare_landings);
	buf = malloc(CHUNK + 2 * LOOKAHEAD);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (r = 0; !err && r < mod->ncode; r++)
		err = scan_range(&sc, &mod->code[r], buf);
	if (err) { /* the code could not be read again: no move can be proved */
		fdebug("%s: %s: probes kept at their entries", mod->path, strerror(-err));
		for (f = 0; f < n; f++)
			if (funcs[f].probe_skip)
				funcs[f].probe_skip = UINT32_MAX;
		err = 0;
	}
	*restored = restore_entries(funcs, n, fd);
out:
	free(buf);
	free(sc.body);
	free(sc.l.at);
	return err;
}
