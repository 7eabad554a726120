#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "probe_site.h"

static const uint8_t NOP5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t ENDBR64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* The legacy prefixes before an instruction's opcode: how many. *why: the reason the
 * kernel's uprobe_init_insn() refuses one (-ENOTSUPP); *opsize: one is 0x66. */
static size_t skip_prefixes(const uint8_t *code, size_t len, const char **why, bool *opsize)
{
	size_t i;

	*why = NULL;
	*opsize = false;
	for (i = 0; i < len; i++) {
		switch (code[i]) {
		case 0xf0:
			*why = "lock prefix";
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			*why = "segment prefix";
			break;
		case 0x66:
			*opsize = true;
			break;
		case 0x64: /* fs, gs, address size, rep: allowed */
		case 0x65:
		case 0x67:
		case 0xf2:
		case 0xf3:
			break;
		default:
			return i;
		}
	}
	return i;
}

/* jmp rel8/rel32, call rel32, jcc rel8/rel32. */
static bool is_rel_branch(const uint8_t *op, size_t len)
{
	if (len >= 1 && (op[0] == 0xe8 || op[0] == 0xe9 || op[0] == 0xeb))
		return true;
	if (len >= 1 && op[0] >= 0x70 && op[0] <= 0x7f)
		return true;
	return len >= 2 && op[0] == 0x0f && op[1] >= 0x80 && op[1] <= 0x8f;
}

/* Why the kernel refuses to probe the instruction, or NULL. */
static const char *refusal_of(const uint8_t *code, size_t len)
{
	const char *why;
	bool opsize;
	size_t n = skip_prefixes(code, len, &why, &opsize);

	/* branch_setup_xol_ops(): 16-bit branches differ between Intel and AMD. */
	if (!why && opsize && is_rel_branch(code + n, len - n))
		why = "operand-size prefix on a branch";
	/* Not refused by the kernel, but an AVX-512 (EVEX) instruction single-stepped out of
	 * line reads the wrong general register (glibc's __strchr_evex starts with
	 * vpbroadcastb %esi,%ymm17 and then returns NULL): the program would compute wrong. */
	if (!why && n < len && code[n] == 0x62)
		why = "AVX-512 instruction, executed wrongly by a probe";
	return why;
}

/* What the kernel's branch_setup_xol_ops() emulates: a relative branch, or a nop
 * (0x90 after any prefixes; the longer nops only since 6.16, so not counted here). */
static bool is_emulated(const uint8_t *code, size_t len)
{
	const char *why;
	bool opsize;
	size_t n = skip_prefixes(code, len, &why, &opsize);

	return n < len && (code[n] == 0x90 || is_rel_branch(code + n, len - n));
}

static enum probe_kind classify_one(const uint8_t *code, size_t len)
{
	if (refusal_of(code, len))
		return PROBE_REFUSED;
	if (len >= sizeof(NOP5) && !memcmp(code, NOP5, sizeof(NOP5)))
		return PROBE_NOP5;
	if (len >= 1 && code[0] >= 0x50 && code[0] <= 0x57)
		return PROBE_PUSH;
	/* push %r8..%r15 */
	if (len >= 2 && code[0] == 0x41 && code[1] >= 0x50 && code[1] <= 0x57)
		return PROBE_PUSH;
	return is_emulated(code, len) ? PROBE_EMULATED : PROBE_STEPPED;
}

enum probe_kind probe_site__classify(const uint8_t *code, size_t len, uint32_t *skip)
{
	enum probe_kind after;

	*skip = 0;
	if (len >= sizeof(ENDBR64) && !memcmp(code, ENDBR64, sizeof(ENDBR64))) {
		after = classify_one(code + sizeof(ENDBR64), len - sizeof(ENDBR64));
		if (after != PROBE_NOP5 && after != PROBE_PUSH)
			return PROBE_STEPPED; /* on the endbr64 itself */
		*skip = sizeof(ENDBR64);
		return after;
	}
	return classify_one(code, len);
}

/* The refused functions, for the one warning that names them. */
struct refusals {
	size_t count;
	char names[320];
	size_t used;
};

#define REFUSALS_NAMED 4 /* named in the warning; the rest are counted */

static void note_refusal(struct refusals *r, const char *name, const char *why)
{
	if (r->count++ < REFUSALS_NAMED && r->used < sizeof(r->names))
		r->used += (size_t)snprintf(r->names + r->used, sizeof(r->names) - r->used, "%s%s (%s)",
					    r->used ? ", " : "", name, why);
}

static int place_in_module(struct selection *sel, size_t m, size_t counts[PROBE_KIND_COUNT],
			   size_t *moved, struct refusals *refused)
{
	const struct sel_module *mod = &sel->modules[m];
	uint8_t code[16];
	size_t f, len;
	ssize_t n;
	int fd = open(mod->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ferr("%s: %s", mod->path, strerror(errno));
		return -errno;
	}
	for (f = mod->first_func; f < mod->first_func + mod->nfuncs; f++) {
		struct sel_func *fn = &sel->funcs[f];

		n = pread(fd, code, sizeof(code), (off_t)fn->offset);
		len = n > 0 ? (size_t)n : 0;
		fn->probe_kind = probe_site__classify(code, len, &fn->probe_skip);
		counts[fn->probe_kind]++;
		if (fn->probe_skip)
			(*moved)++;
		if (fn->probe_kind == PROBE_REFUSED)
			note_refusal(refused, fn->name, refusal_of(code, len));
	}
	close(fd);
	return 0;
}

/* Removes the refused functions (and modules left without any) from sel, keeping order. */
static void drop_refused(struct selection *sel)
{
	size_t m, f, kept_mods = 0, kept = 0, first;

	for (m = 0; m < sel->nmodules; m++) {
		struct sel_module *mod = &sel->modules[m];

		first = kept;
		for (f = mod->first_func; f < mod->first_func + mod->nfuncs; f++) {
			if (sel->funcs[f].probe_kind == PROBE_REFUSED)
				continue;
			sel->funcs[kept] = sel->funcs[f];
			sel->funcs[kept++].module = kept_mods;
		}
		if (kept == first) {
			free(mod->path);
			continue;
		}
		mod->first_func = first;
		mod->nfuncs = kept - first;
		sel->modules[kept_mods++] = *mod;
	}
	sel->nmodules = kept_mods;
	sel->nfuncs = kept;
}

int probe_site__place_all(struct selection *sel, size_t counts[PROBE_KIND_COUNT], size_t *moved)
{
	struct refusals refused = { 0 };
	size_t m;
	int err;

	memset(counts, 0, PROBE_KIND_COUNT * sizeof(counts[0]));
	*moved = 0;
	for (m = 0; m < sel->nmodules; m++) {
		err = place_in_module(sel, m, counts, moved, &refused);
		if (err)
			return err;
	}
	if (!refused.count)
		return 0;
	/* One refused probe fails its module's whole uprobe_multi attach: trace the rest. */
	fwarn("not tracing %zu function%s the kernel refuses to probe: %s%s", refused.count,
	      refused.count > 1 ? "s" : "", refused.names, refused.count > REFUSALS_NAMED ? ", ..." : "");
	drop_refused(sel);
	if (!sel->nfuncs) {
		ferr("no functions left to trace");
		return -ENOENT;
	}
	return 0;
}
