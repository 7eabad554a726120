/* SPDX-License-Identifier: BSD-2-Clause */
/* usdt_plan: the USDT probes a run attaches to (see usdt_plan.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/glob.h"
#include "core/log.h"
#include "core/util.h"
#include "elf/usdt_notes.h"
#include "usdt_plan.h"

int usdt_plan__split(const char *pattern, char **module, char **provider, char **name)
{
	const char *last = strrchr(pattern, ':'), *mid;

	*module = *provider = *name = NULL;
	if (!last || last == pattern || !last[1])
		return -EINVAL;
	for (mid = last - 1; mid > pattern && *mid != ':'; mid--)
		;
	if (*mid == ':' && mid == pattern)
		return -EINVAL;
	*module = *mid == ':' ? strndup(pattern, (size_t)(mid - pattern)) : NULL;
	*provider = strndup(*mid == ':' ? mid + 1 : pattern, (size_t)(last - (*mid == ':' ? mid + 1 : pattern)));
	*name = strdup(last + 1);
	if ((*mid == ':' && !*module) || !*provider || !*name || !**provider) {
		free(*module);
		free(*provider);
		free(*name);
		return -EINVAL;
	}
	return 0;
}

static int module_index(struct usdt_plan *p, char *path, size_t *out)
{
	size_t i;

	for (i = 0; i < p->nmodules; i++)
		if (p->modules[i] == path) {
			*out = i;
			return 0;
		}
	if (grow_array((void **)&p->modules, &p->modules_cap, p->nmodules + 1, sizeof(*p->modules)))
		return -ENOMEM;
	p->modules[p->nmodules] = path;
	*out = p->nmodules++;
	return 0;
}

static int add_site(struct usdt_plan *p, char *path, const struct usdt_probe *probe, enum usdt_role role,
		    size_t pair)
{
	struct usdt_site *s;
	size_t m;
	int err = module_index(p, path, &m);

	if (err || grow_array((void **)&p->sites, &p->sites_cap, p->nsites + 1, sizeof(*p->sites)))
		return err ? err : -ENOMEM;
	s = &p->sites[p->nsites];
	*s = (struct usdt_site){ .module = m, .role = role, .pair = pair,
				 .provider = strdup(probe->provider), .name = strdup(probe->name) };
	if (asprintf(&s->label, "%s:%s", probe->provider, probe->name) < 0)
		s->label = NULL;
	if (!s->provider || !s->name || !s->label) {
		free(s->provider);
		free(s->name);
		free(s->label);
		return -ENOMEM;
	}
	p->nsites++;
	return 0;
}

static enum usdt_role explicit_role(const char *name)
{
	if (!strcmp(name, "begin"))
		return USDT_EXPLICIT_BEGIN;
	return !strcmp(name, "end") ? USDT_EXPLICIT_END : USDT_EXPLICIT_NOTE;
}

static bool is_explicit_probe(const struct usdt_probe *probe)
{
	static const char *const names[] = { "begin", "end", "tag", "tag_int", "status", "name" };
	size_t i;

	for (i = 0; strcmp(probe->provider, "ferret") == 0 && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(probe->name, names[i]))
			return true;
	return false;
}

/* Whether pattern's MODULE part (NULL: the main executable) names module i of mods. */
static bool module_wanted(const struct module_list *mods, size_t i, const char *module)
{
	if (!module)
		return i == 0;
	return module__matches(module, mods->paths[i]) ||
	       (i == 0 && mods->main_name && module__matches(module, mods->main_name));
}

/* Adds a site per probe of mods that pattern names; how many in *found. */
static int add_matches(struct usdt_plan *p, const struct module_list *mods, struct usdt_probes *notes,
		       const char *pattern, enum usdt_role role, size_t pair, size_t *found)
{
	char *module, *provider, *name;
	size_t i, k;
	int err = usdt_plan__split(pattern, &module, &provider, &name);

	*found = 0;
	if (err) {
		ferr("bad USDT probe '%s': PROVIDER:NAME or MODULE:PROVIDER:NAME", pattern);
		return err;
	}
	for (i = 0; !err && i < mods->count; i++) {
		if (!module_wanted(mods, i, module))
			continue;
		for (k = 0; !err && k < notes[i].count; k++) {
			const struct usdt_probe *probe = &notes[i].probes[k];

			if (!glob_match(provider, probe->provider) || !glob_match(name, probe->name))
				continue;
			if (role != USDT_INSTANT && *found) {
				ferr("--usdt-span: '%s' names more than one probe", pattern);
				err = -EINVAL;
				break;
			}
			err = add_site(p, mods->paths[i], probe, role, pair);
			if (!err && role == USDT_SPAN_START)
				p->pairs[pair].module = p->sites[p->nsites - 1].module;
			(*found)++;
		}
	}
	if (!err && !*found) {
		ferr("no USDT probe matches '%s' in %s", pattern, module ? module : mods->paths[0]);
		err = -ENOENT;
	}
	free(module);
	free(provider);
	free(name);
	return err;
}

static int add_pair(struct usdt_plan *p, const struct module_list *mods, struct usdt_probes *notes,
		    const char *arg)
{
	const char *comma = strchr(arg, ',');
	char *start = comma ? strndup(arg, (size_t)(comma - arg)) : NULL;
	struct usdt_pair *pair;
	size_t found;
	int err;

	if (!comma) {
		ferr("--usdt-span '%s': START,END (two probes, PROVIDER:NAME each)", arg);
		return -EINVAL;
	}
	if (!start || grow_array((void **)&p->pairs, &p->pairs_cap, p->npairs + 1, sizeof(*p->pairs))) {
		free(start);
		return -ENOMEM;
	}
	pair = &p->pairs[p->npairs++];
	*pair = (struct usdt_pair){ 0 };
	err = add_matches(p, mods, notes, start, USDT_SPAN_START, p->npairs - 1, &found);
	if (!err) {
		pair->name = strdup(p->sites[p->nsites - 1].label);
		err = pair->name ? add_matches(p, mods, notes, comma + 1, USDT_SPAN_END, p->npairs - 1, &found)
				 : -ENOMEM;
	}
	free(start);
	return err;
}

static int add_explicit(struct usdt_plan *p, const struct module_list *mods, struct usdt_probes *notes)
{
	size_t i, k;
	int err = 0;

	for (i = 0; !err && i < mods->count; i++)
		for (k = 0; !err && k < notes[i].count; k++)
			if (is_explicit_probe(&notes[i].probes[k])) {
				err = add_site(p, mods->paths[i], &notes[i].probes[k],
					       explicit_role(notes[i].probes[k].name), 0);
				p->explicit_sites += !err;
			}
	return err;
}

static void free_notes(struct usdt_probes *notes, size_t n)
{
	size_t i;

	for (i = 0; notes && i < n; i++)
		usdt_probes__free(&notes[i]);
	free(notes);
}

int usdt_plan__build(const struct module_list *mods, bool explicit_spans, char **instants,
		     size_t ninstants, char **spans, size_t nspans, struct usdt_plan **out)
{
	struct usdt_probes *notes = calloc(mods->count ? mods->count : 1, sizeof(*notes));
	struct usdt_plan *p = calloc(1, sizeof(*p));
	size_t i, found;
	int err = notes && p ? 0 : -ENOMEM;

	*out = NULL;
	/* A module that cannot be read has no probes for us: its functions' errors come elsewhere. */
	for (i = 0; !err && i < mods->count; i++)
		if (usdt_notes__read(mods->paths[i], true, &notes[i]) == -ENOMEM)
			err = -ENOMEM;
	if (!err && explicit_spans)
		err = add_explicit(p, mods, notes);
	for (i = 0; !err && i < ninstants; i++)
		err = add_matches(p, mods, notes, instants[i], USDT_INSTANT, SIZE_MAX, &found);
	for (i = 0; !err && i < nspans; i++)
		err = add_pair(p, mods, notes, spans[i]);
	if (!err && p->nmodules && !(p->module_keys = calloc(p->nmodules, sizeof(*p->module_keys))))
		err = -ENOMEM;
	free_notes(notes, mods->count);
	if (err || !p->nsites) {
		usdt_plan__free(p);
		return err;
	}
	*out = p;
	return 0;
}

void usdt_plan__free(struct usdt_plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nsites; i++) {
		free(p->sites[i].provider);
		free(p->sites[i].name);
		free(p->sites[i].label);
	}
	for (i = 0; i < p->npairs; i++)
		free(p->pairs[i].name);
	free(p->sites);
	free(p->modules);
	free(p->module_keys);
	free(p->pairs);
	free(p);
}
