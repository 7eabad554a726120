// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader's links: which programs go on which functions of which process, for the
 * selection, each followed process (loader__attach_pid) and --overhead's replacements;
 * and their closing, entries before returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "ferret.skel.h"
#include "closer.h"
#include "loader_int.h"
#include "core/log.h"
#include "core/util.h"

static void close_kept(struct loader *l, const struct kept_link *k)
{
	if (k->usdt) {
		pthread_mutex_lock(&l->usdt_lock);
		bpf_link__destroy(k->link);
		pthread_mutex_unlock(&l->usdt_lock);
	} else if (l->closer) {
		closer__add(l->closer, k->link);
	} else {
		bpf_link__destroy(k->link);
	}
}

static int keep_link(struct loader *l, struct bpf_link *link, bool entry, int module)
{
	if (grow_array((void **)&l->links, &l->cap, l->nlinks + 1, sizeof(*l->links))) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	l->links[l->nlinks++] = (struct kept_link){ link, l->attach_pid, entry, module, false, false };
	return 0;
}

/* Whether function f gets an entry (or return) probe: a count-only one has no return probe,
 * a removed one none at all. */
static bool gets_probe(const struct loader *l, size_t f, bool ret)
{
	return ret ? l->probe_state[f] == FERRET_PROBE_TRACED : l->probe_state[f] != FERRET_PROBE_REMOVED;
}

/* One link, kept, for all of a module's entries (or returns) that get a probe, of link
 * generation gen, filtered on attach_pid; none if none do. */
static int attach_module_multi(struct loader *l, const struct selection *sel, size_t m, bool ret,
			       uint8_t gen)
{
	const struct sel_module *mod = &sel->modules[m];
	unsigned long *offsets = calloc(mod->nfuncs ? mod->nfuncs : 1, sizeof(*offsets));
	__u64 *cookies = calloc(mod->nfuncs ? mod->nfuncs : 1, sizeof(*cookies));
	LIBBPF_OPTS(bpf_uprobe_multi_opts, opts);
	struct bpf_link *link;
	size_t i, n = 0;
	int err = 0;

	if (!offsets || !cookies) {
		err = -ENOMEM;
		goto out;
	}
	for (i = mod->first_func; i < mod->first_func + mod->nfuncs; i++) {
		if (!gets_probe(l, i, ret))
			continue;
		offsets[n] = sel->funcs[i].offset + sel->funcs[i].probe_skip;
		cookies[n++] = i | (__u64)gen << 32;
	}
	if (!n)
		goto out;
	opts.offsets = offsets;
	opts.cookies = cookies;
	opts.cnt = n;
	opts.retprobe = ret;
	link = bpf_program__attach_uprobe_multi(ret ? l->skel->progs.on_exit_multi
						    : l->skel->progs.on_entry_multi,
						l->attach_pid, mod->path, NULL, &opts);
	if (!link) {
		err = -errno;
		ferr("cannot attach %zu %s to %s: %s", n, ret ? "uretprobes" : "uprobes", mod->path,
		     strerror(-err));
		goto out;
	}
	l->probes += n;
	err = keep_link(l, link, !ret, (int)m);
out:
	free(offsets);
	free(cookies);
	return err;
}

/* A module's return and entry links of generation gen. Returns first: a call entered once
 * the entry probe is there then always has a return probe (one entered before it returns
 * unmatched, and is dropped), where the other order leaves the calls entered meanwhile open
 * for good. */
static int attach_module_links(struct loader *l, const struct selection *sel, size_t m, uint8_t gen)
{
	int err = attach_module_multi(l, sel, m, true, gen);

	if (!err)
		err = attach_module_multi(l, sel, m, false, gen);
	return err;
}

static int attach_func_single(struct loader *l, const struct selection *sel, size_t f, bool ret)
{
	const struct sel_func *fn = &sel->funcs[f];
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = f, .retprobe = ret);
	struct bpf_link *link;

	if (!gets_probe(l, f, ret))
		return 0;
	link = bpf_program__attach_uprobe_opts(ret ? l->skel->progs.on_exit_single
						   : l->skel->progs.on_entry_single,
					       l->attach_pid, sel->modules[fn->module].path,
					       fn->offset + fn->probe_skip, &opts);
	if (!link) {
		ferr("cannot attach to %s in %s: %s", fn->name, sel->modules[fn->module].path,
		     strerror(errno));
		return -errno;
	}
	l->probes++;
	return keep_link(l, link, !ret, -1);
}

/* Go code's probes (go_returns.h): which program, where, with which cookies. */
enum go_probe { GO_ENTRY, GO_RET, GO_END };

static struct bpf_program *go_program(const struct loader *l, enum go_probe which)
{
	const struct ferret_bpf *k = l->skel;

	if (which == GO_ENTRY)
		return l->multi ? k->progs.on_go_entry_multi : k->progs.on_go_entry_single;
	if (which == GO_RET)
		return l->multi ? k->progs.on_go_ret_multi : k->progs.on_go_ret_single;
	return l->multi ? k->progs.on_go_end_multi : k->progs.on_go_end_single;
}

/* n probes of one kind in a module: one uprobe_multi link, or one link each. */
static int attach_go_sites(struct loader *l, const char *path, enum go_probe which,
			   const unsigned long *offsets, const __u64 *cookies, size_t n)
{
	static const char *const what[] = { "entry", "RET", "goroutine exit" };
	struct bpf_link *link;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < (l->multi ? (n > 0) : n); i++) {
		if (l->multi) {
			LIBBPF_OPTS(bpf_uprobe_multi_opts, opts, .offsets = offsets, .cookies = cookies,
				    .cnt = n);
			link = bpf_program__attach_uprobe_multi(go_program(l, which), l->attach_pid,
								path, NULL, &opts);
		} else {
			LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookies[i]);
			link = bpf_program__attach_uprobe_opts(go_program(l, which), l->attach_pid,
							       path, offsets[i], &opts);
		}
		if (!link) {
			err = -errno;
			ferr("cannot attach %zu Go %s probe%s to %s: %s", l->multi ? n : 1, what[which],
			     (l->multi ? n : 1) > 1 ? "s" : "", path, strerror(-err));
			return err;
		}
		l->probes += l->multi ? n : 1;
		err = keep_link(l, link, which == GO_ENTRY, -1);
	}
	return err;
}

/* A Go module: entries past the stack check, every RET, and runtime.goexit0. */
static int attach_go_module(struct loader *l, const struct selection *sel, size_t m)
{
	const struct sel_module *mod = &sel->modules[m];
	size_t i, k, n = 0, nrets = 0;
	unsigned long *offsets;
	__u64 *cookies;
	int err;

	for (i = 0; i < mod->nfuncs; i++)
		nrets += sel->funcs[mod->first_func + i].nrets;
	offsets = calloc(mod->nfuncs + nrets + 1, sizeof(*offsets));
	cookies = calloc(mod->nfuncs + nrets + 1, sizeof(*cookies));
	if (!offsets || !cookies) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < mod->nfuncs; i++) {
		offsets[i] = sel->funcs[mod->first_func + i].offset + sel->funcs[mod->first_func + i].probe_skip;
		cookies[i] = mod->first_func + i;
	}
	err = attach_go_sites(l, mod->path, GO_ENTRY, offsets, cookies, mod->nfuncs);
	for (i = 0; i < mod->nfuncs; i++) {
		const struct sel_func *fn = &sel->funcs[mod->first_func + i];

		for (k = 0; k < fn->nrets; k++, n++) {
			offsets[n] = fn->ret_offsets[k];
			cookies[n] = mod->first_func + i;
		}
	}
	if (!err)
		err = attach_go_sites(l, mod->path, GO_RET, offsets, cookies, n);
	offsets[0] = mod->go_exit_offset;
	cookies[0] = 0;
	if (!err)
		err = attach_go_sites(l, mod->path, GO_END, offsets, cookies, 1);
out:
	free(offsets);
	free(cookies);
	return err;
}

static int attach_selection(struct loader *l, const struct selection *sel)
{
	size_t i, n = l->multi ? sel->nmodules : sel->nfuncs;
	int err = 0;

	for (i = 0; !err && i < sel->nmodules; i++)
		if (sel->modules[i].go)
			err = attach_go_module(l, sel, i);
	for (i = 0; !err && i < n; i++) {
		if (sel->modules[l->multi ? i : sel->funcs[i].module].go)
			continue;
		if (l->multi) {
			err = attach_module_links(l, sel, i, l->module_gen[i]);
		} else {
			err = attach_func_single(l, sel, i, true); /* returns first, as above */
			if (!err)
				err = attach_func_single(l, sel, i, false);
		}
	}
	return err;
}

int loader__attach(struct loader *l, const struct selection *sel)
{
	int64_t start = mono_ns();
	int err;

	free(l->module_gen);
	l->module_gen = calloc(sel->nmodules ? sel->nmodules : 1, sizeof(*l->module_gen));
	if (!l->module_gen)
		return -ENOMEM;
	l->nmodules = sel->nmodules;
	l->sel = sel;
	err = attach_selection(l, sel);
	l->attach_s = (double)(mono_ns() - start) / 1e9;
	return err;
}

int loader__attach_pid(struct loader *l, int pid)
{
	int first = l->attach_pid;
	size_t probes = l->probes;
	int err;

	if (!l->sel)
		return -EINVAL;
	l->attach_pid = pid;
	err = attach_selection(l, l->sel);
	if (!err)
		err = loader__attach_usdt(l, l->usdt);
	l->attach_pid = first;
	l->probes = probes; /* the count is of the selection's probes, not of their copies */
	if (err)
		loader__detach_pid(l, pid);
	return err;
}

void loader__detach_pid(struct loader *l, int pid)
{
	size_t i, kept = 0;

	for (i = 0; i < l->nlinks; i++) {
		if (l->links[i].pid == pid)
			close_kept(l, &l->links[i]);
		else
			l->links[kept++] = l->links[i];
	}
	l->nlinks = kept;
}

/* The function's probe_state map value: its state and its module's live link generation. */
static int write_probe_state(struct loader *l, uint32_t func_id)
{
	__u8 gen = l->sel ? l->module_gen[l->sel->funcs[func_id].module] : 0;
	__u8 v = (__u8)(l->probe_state[func_id] | gen << FERRET_PROBE_GEN_SHIFT);

	if (bpf_map__update_elem(l->skel->maps.probe_state, &func_id, sizeof(func_id), &v, sizeof(v),
				 BPF_ANY))
		return -errno;
	return 0;
}

int loader__set_probe_state(struct loader *l, uint32_t func_id, enum loader_probe_state state)
{
	if (func_id >= l->nfuncs)
		return -EINVAL;
	l->probe_state[func_id] = (uint8_t)state;
	return write_probe_state(l, func_id);
}

/* Whether links[i] is a live uprobe_multi link of module m (filtered on a process). */
static bool live_module_link(const struct loader *l, size_t i, size_t m)
{
	return l->links[i].module == (int)m && !l->links[i].replaced;
}

/* Module m's links once more, of generation gen, for every process that has some: the new
 * ones are kept after links[old_n]. */
static int attach_module_copies(struct loader *l, const struct selection *sel, size_t m, uint8_t gen,
				size_t old_n)
{
	int first = l->attach_pid;
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < old_n; i++) {
		if (!live_module_link(l, i, m))
			continue;
		for (j = 0; j < i && !(live_module_link(l, j, m) && l->links[j].pid == l->links[i].pid); j++)
			;
		if (j < i)
			continue; /* that process's copies are made */
		l->attach_pid = l->links[i].pid;
		err = attach_module_links(l, sel, m, gen);
	}
	l->attach_pid = first;
	return err;
}

int loader__replace_module_links(struct loader *l, const struct selection *sel, size_t m)
{
	size_t old_n = l->nlinks, probes = l->probes, i;
	uint8_t gen;
	int err;

	if (!l->multi || m >= l->nmodules || sel != l->sel || sel->modules[m].go)
		return -EINVAL;
	for (i = 0; i < old_n; i++)
		if (l->links[i].module == (int)m && l->links[i].replaced)
			return -EINVAL; /* the last replacement's links are not dropped yet */
	gen = (uint8_t)((l->module_gen[m] + 1) % FERRET_PROBE_GENS);
	err = attach_module_copies(l, sel, m, gen, old_n);
	l->probes = probes; /* the count is of the selection's probes, not of their copies */
	if (err) { /* the old links stay live */
		for (i = old_n; i < l->nlinks; i++)
			close_kept(l, &l->links[i]);
		l->nlinks = old_n;
		return err;
	}
	/* The new links go live; the old ones are kept to destroy once the processes run. */
	for (i = 0; i < old_n; i++)
		if (l->links[i].module == (int)m)
			l->links[i].replaced = true;
	l->module_gen[m] = gen;
	for (i = sel->modules[m].first_func; !err && i < sel->modules[m].first_func + sel->modules[m].nfuncs; i++)
		err = write_probe_state(l, (uint32_t)i);
	return err;
}

void loader__drop_replaced_links(struct loader *l)
{
	size_t i, kept = 0;

	for (i = 0; i < l->nlinks; i++) {
		if (l->links[i].replaced)
			close_kept(l, &l->links[i]);
		else
			l->links[kept++] = l->links[i];
	}
	l->nlinks = kept;
}

void loader__detach(struct loader *l)
{
	int64_t start = mono_ns();
	size_t i;
	int entries;

	/* Entries first: a call entered then still gets its return probe. */
	for (entries = 1; entries >= 0; entries--) {
		for (i = 0; i < l->nlinks; i++)
			if (l->links[i].entry == entries)
				close_kept(l, &l->links[i]);
		if (l->closer)
			closer__wait(l->closer); /* with those of exited processes still closing */
	}
	if (l->nlinks)
		l->detach_s = (double)(mono_ns() - start) / 1e9;
	l->nlinks = 0;
}

int loader__keep_usdt_link(struct loader *l, struct bpf_link *link)
{
	int err = keep_link(l, link, true, -1);

	if (!err)
		l->links[l->nlinks - 1].usdt = true;
	return err;
}
