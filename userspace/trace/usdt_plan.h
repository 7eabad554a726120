/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usdt_plan: which USDT probes a run attaches to, and what each one means. ferret.h's probes
 * (provider "ferret") in every module of the target that has them; -u PATTERNs (instant
 * events); --usdt-span START,END pairs (spans). A site's index in the plan is its probe's
 * BPF cookie, so ingest knows from a record which probe sent it.
 */
#ifndef FERRET_USDT_PLAN_H
#define FERRET_USDT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/modules.h"

enum usdt_role {
	USDT_EXPLICIT_BEGIN, /* ferret:begin */
	USDT_EXPLICIT_END,   /* ferret:end */
	USDT_EXPLICIT_NOTE,  /* ferret:tag, tag_int, status, name */
	USDT_INSTANT,	     /* -u: each firing an instant event */
	USDT_SPAN_START,     /* --usdt-span: opens the pair's span */
	USDT_SPAN_END,	     /* --usdt-span: closes it */
};

struct usdt_site {
	size_t module;	      /* index into plan.modules */
	char *provider, *name;
	char *label;	      /* "provider:name", as -u events and list show it */
	enum usdt_role role;
	size_t pair;	      /* USDT_SPAN_*: index into plan.pairs */
};

struct usdt_pair {
	char *name;	      /* the span's name: "provider:start" */
	size_t module;
	int64_t function_key; /* set by the tracer when it stores the run's functions */
};

struct usdt_plan {
	struct usdt_site *sites;
	size_t nsites, sites_cap;
	char **modules;	      /* paths of the modules with a site (borrowed from the module list) */
	int64_t *module_keys; /* the store's keys, set by the tracer */
	size_t nmodules, modules_cap;
	struct usdt_pair *pairs;
	size_t npairs, pairs_cap;
	size_t explicit_sites; /* ferret.h's probes found */
};

/* explicit_spans: look for ferret.h's probes in every module of mods. instants: -u patterns
 * "PROVIDER:NAME" (main executable) or "MODULE:PROVIDER:NAME", globs; spans: --usdt-span
 * "START,END", each a pattern naming one probe. A pattern that matches nothing is an error
 * (one line). *out NULL when there is nothing to attach. */
int usdt_plan__build(const struct module_list *mods, bool explicit_spans, char **instants,
		     size_t ninstants, char **spans, size_t nspans, struct usdt_plan **out);
void usdt_plan__free(struct usdt_plan *p);
/* "A:B" -> module NULL, "M:A:B" -> module M: split at the last two ':' (malloc'd pieces). */
int usdt_plan__split(const char *pattern, char **module, char **provider, char **name);

#endif
