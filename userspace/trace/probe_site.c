#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "go_returns.h"
#include "probe_insn.h"
#include "probe_landing.h"
#include "probe_site.h"

#define MAX_MOVE_INSNS 5  /* a probe moves past at most this many instructions... */
#define MAX_MOVE_BYTES 32 /* ...and bytes */

static bool is_cheap(enum probe_kind kind)
{
	return kind == PROBE_NOP5 || kind == PROBE_PUSH || kind == PROBE_EMULATED;
}

/* Without the whole body no branch into the run can be ruled out: only the old rule
 * holds, endbr64 (4 bytes, nothing else) before a nop5 or push. */
static bool may_move_blind(const struct probe_insn *to)
{
	return to->offset == 4 && (to->kind == PROBE_NOP5 || to->kind == PROBE_PUSH);
}

void probe_site__plan(const uint8_t *body, size_t len, bool whole, struct probe_plan *plan)
{
	struct probe_insn at, next;
	uint32_t off = 0;
	int n;

	*plan = (struct probe_plan){ .kind = PROBE_STEPPED };
	if (!probe_insn__decode(body, len, 0, &at))
		return;
	plan->kind = at.kind;
	plan->refusal = at.refusal;
	if (is_cheap(at.kind))
		return;
	/* Walk past instructions that leave the return address and the arguments alone to
	 * the first cheap one (or, from a refused one, to any the kernel takes). */
	for (n = 1; n < MAX_MOVE_INSNS && at.skippable; n++) {
		off += at.size;
		if (off >= MAX_MOVE_BYTES || !probe_insn__decode(body + off, len - off, off, &next))
			return;
		if (is_cheap(next.kind) || (plan->kind == PROBE_REFUSED && !next.refusal)) {
			if (whole ? probe_insn__branch_into(body, len, off) : !may_move_blind(&next))
				return;
			*plan = (struct probe_plan){ .kind = next.kind, .skip = off };
			if (is_cheap(next.kind))
				return;
		}
		at = next;
	}
}

enum probe_kind probe_site__classify(const uint8_t *code, size_t len, uint32_t *skip)
{
	struct probe_plan plan;

	probe_site__plan(code, len, false, &plan);
	*skip = plan.skip;
	return plan.kind;
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

#define MAX_BODY (64 * 1024) /* longer bodies are not decoded whole: probes move only past endbr64 */
#define HEAD_BYTES 32	     /* what is read of a body of unknown or too long size */

/* Reads a body into *buf (grown as needed); *whole: all of it was read. */
static size_t read_body(int fd, uint64_t offset, uint64_t size, uint8_t **buf, size_t *cap,
			bool *whole)
{
	size_t want = size && size <= MAX_BODY ? size : HEAD_BYTES;
	ssize_t n;

	if (want > *cap) {
		uint8_t *grown = realloc(*buf, want);

		if (!grown)
			want = *cap; /* out of memory: decide on what fits */
		else
			*buf = grown, *cap = want;
	}
	n = pread(fd, *buf, want, (off_t)offset);
	*whole = size && n == (ssize_t)size;
	return n > 0 ? (size_t)n : 0;
}

void probe_site__plan_at(struct probe_reader *r, uint64_t offset, uint64_t size,
			 struct probe_plan *plan)
{
	bool whole;
	size_t len = read_body(r->fd, offset, size, &r->buf, &r->cap, &whole);

	probe_site__plan(r->buf, len, whole, plan);
}

void probe_reader__release(struct probe_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

unsigned probe_kind__call_cost_ns(enum probe_kind kind)
{
	static const unsigned cost_ns[PROBE_KIND_COUNT] = {
		[PROBE_NOP5] = 400, [PROBE_PUSH] = 700, [PROBE_EMULATED] = 700, [PROBE_STEPPED] = 4500,
	};

	return kind < PROBE_KIND_COUNT ? cost_ns[kind] : 0;
}

const char *probe_kind__name(enum probe_kind kind)
{
	static const char *const names[PROBE_KIND_COUNT] = { "nop5", "push", "emulated", "stepped",
							     "refused" };

	return (unsigned)kind < PROBE_KIND_COUNT ? names[kind] : "?";
}

int probe_site__plan_func(struct probe_reader *r, struct sel_func *fn, bool go)
{
	struct probe_plan plan;
	const char *why = NULL;
	int err = go ? go_returns__place(r->fd, fn, &why) : 0;

	if (err == -ENOMEM)
		return err;
	if (err) {
		fn->probe_kind = PROBE_REFUSED;
		fn->probe_refusal = why;
	} else if (go) { /* go_returns placed it past the stack check: it moves no further */
		probe_site__plan_at(r, fn->offset + fn->probe_skip, 0, &plan);
		fn->probe_kind = plan.skip ? PROBE_STEPPED : plan.kind;
		fn->probe_refusal = plan.refusal;
	} else {
		probe_site__plan_at(r, fn->offset, fn->size, &plan);
		fn->probe_kind = plan.kind;
		fn->probe_skip = plan.skip;
		fn->probe_refusal = plan.refusal;
	}
	return 0;
}

int probe_site__plan_module(struct sel_func *funcs, size_t n, const struct sel_module *mod, int fd)
{
	struct probe_reader reader = { .fd = fd };
	size_t f, restored = 0;
	int err = 0;

	for (f = 0; !err && f < n; f++)
		err = probe_site__plan_func(&reader, &funcs[f], mod->go);
	probe_reader__release(&reader);
	if (!err && !mod->go)
		err = probe_landing__check(funcs, n, mod, fd, &restored);
	if (restored)
		fdebug("%s: %zu probe%s kept at their entries", mod->path, restored, restored > 1 ? "s" : "");
	return err;
}

static int place_in_module(struct selection *sel, size_t m, size_t counts[PROBE_KIND_COUNT],
			   size_t *moved, struct refusals *refused)
{
	const struct sel_module *mod = &sel->modules[m];
	int fd = open(mod->path, O_RDONLY | O_CLOEXEC);
	size_t f;
	int err;

	if (fd < 0) {
		ferr("%s: %s", mod->path, strerror(errno));
		return -errno;
	}
	err = probe_site__plan_module(sel->funcs + mod->first_func, mod->nfuncs, mod, fd);
	for (f = mod->first_func; !err && f < mod->first_func + mod->nfuncs; f++) {
		struct sel_func *fn = &sel->funcs[f];

		counts[fn->probe_kind]++;
		if (fn->probe_skip && !mod->go)
			(*moved)++;
		if (fn->probe_kind == PROBE_REFUSED)
			note_refusal(refused, fn->name, fn->probe_refusal);
	}
	close(fd);
	return err;
}

/* Removes the refused functions (and modules left without any) from sel, keeping order. */
static void drop_refused(struct selection *sel)
{
	size_t m, f, kept_mods = 0, kept = 0, first;

	for (m = 0; m < sel->nmodules; m++) {
		struct sel_module *mod = &sel->modules[m];

		first = kept;
		for (f = mod->first_func; f < mod->first_func + mod->nfuncs; f++) {
			if (sel->funcs[f].probe_kind == PROBE_REFUSED) {
				free(sel->funcs[f].ret_offsets);
				continue;
			}
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
