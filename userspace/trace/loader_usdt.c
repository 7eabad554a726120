/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * loader_usdt: the links of a run's USDT probes (usdt_plan.h), with libbpf's USDT support:
 * bpf_program__attach_usdt finds every site of PROVIDER:NAME in the file, decodes its
 * argument specs for bpf_usdt_arg and, for a probe guarded by a semaphore, has the kernel
 * raise the semaphore in every process the probe reaches (ref_ctr_offset).
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "ferret.skel.h"
#include "core/log.h"
#include "loader_int.h"
#include "usdt_plan.h"

_Static_assert(sizeof(struct ferret_usdt_begin) == 24 + FERRET_USDT_STR_LEN, "ferret_usdt_begin is 88 bytes");
_Static_assert(sizeof(struct ferret_usdt_note) == 32 + FERRET_USDT_KEY_LEN + FERRET_USDT_STR_LEN,
	       "ferret_usdt_note is 128 bytes");
_Static_assert(sizeof(struct ferret_usdt_fire) == 32 + 8 * FERRET_USDT_MAX_ARGS, "ferret_usdt_fire is 128 bytes");

static enum ferret_usdt_note_kind note_kind(const char *name)
{
	if (!strcmp(name, "tag"))
		return FERRET_NOTE_TAG;
	if (!strcmp(name, "tag_int"))
		return FERRET_NOTE_TAG_INT;
	return !strcmp(name, "status") ? FERRET_NOTE_STATUS : FERRET_NOTE_NAME;
}

/* The program for a site, and what its cookie's high bits tell it. */
static struct bpf_program *site_program(struct loader *l, const struct usdt_site *s, __u64 *flags)
{
	*flags = 0;
	switch (s->role) {
	case USDT_EXPLICIT_BEGIN:
		*flags = FERRET_USDT_READ_NAME;
		return l->skel->progs.on_usdt_begin;
	case USDT_SPAN_START:
		return l->skel->progs.on_usdt_begin;
	case USDT_EXPLICIT_END:
	case USDT_SPAN_END:
		return l->skel->progs.on_usdt_end;
	case USDT_EXPLICIT_NOTE:
		*flags = note_kind(s->name);
		return l->skel->progs.on_usdt_note;
	default:
		return l->skel->progs.on_usdt_fire;
	}
}

static int attach_site(struct loader *l, const struct usdt_plan *p, size_t i)
{
	const struct usdt_site *s = &p->sites[i];
	LIBBPF_OPTS(bpf_usdt_opts, opts);
	struct bpf_program *prog;
	struct bpf_link *link;
	__u64 flags;
	int err;

	prog = site_program(l, s, &flags);
	opts.usdt_cookie = (__u64)i | flags << FERRET_USDT_COOKIE_SHIFT;
	pthread_mutex_lock(&l->usdt_lock);
	link = bpf_program__attach_usdt(prog, l->attach_pid, p->modules[s->module], s->provider, s->name,
					&opts);
	err = link ? 0 : -errno;
	pthread_mutex_unlock(&l->usdt_lock);
	if (!link) {
		ferr("cannot attach to USDT probe %s in %s: %s", s->label, p->modules[s->module], strerror(-err));
		return err;
	}
	l->probes++;
	return loader__keep_usdt_link(l, link);
}

/* Ends before begins, and begins last of all: a span a begin opens finds its end probe there. */
static int role_order(enum usdt_role r)
{
	return r == USDT_EXPLICIT_BEGIN || r == USDT_SPAN_START ? 2 : r == USDT_EXPLICIT_NOTE ? 1 : 0;
}

int loader__attach_usdt(struct loader *l, const struct usdt_plan *p)
{
	size_t i;
	int pass, err;

	l->usdt = p;
	for (pass = 0; p && pass < 3; pass++)
		for (i = 0; i < p->nsites; i++)
			if (role_order(p->sites[i].role) == pass && (err = attach_site(l, p, i)))
				return err;
	return 0;
}
