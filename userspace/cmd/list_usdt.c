/* ferret list --usdt (see list_usdt.h). */
#include <stdio.h>
#include <stdlib.h>

#include "options.h"
#include "core/glob.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "elf/usdt_notes.h"
#include "list_usdt.h"
#include "trace/usdt_plan.h"

/* Whether any pattern ("PROVIDER:NAME" or "MODULE:PROVIDER:NAME") names probe p of module i. */
static bool wanted(const struct module_list *mods, size_t i, const struct usdt_probe *p, char **patterns,
		   size_t n)
{
	char *module, *provider, *name;
	bool yes = n == 0;
	size_t k;

	for (k = 0; !yes && k < n; k++) {
		if (usdt_plan__split(patterns[k], &module, &provider, &name))
			continue;
		yes = glob_match(provider, p->provider) && glob_match(name, p->name) &&
		      (module ? module__matches(module, mods->paths[i]) : true);
		free(module);
		free(provider);
		free(name);
	}
	return yes;
}

static void print_probe(struct jsonw *w, const char *path, const struct usdt_probe *p)
{
	if (!w) {
		printf("%-40s %s:%s  %zu site%s%s  %s\n", module__base_name(path), p->provider, p->name, p->sites,
		       p->sites == 1 ? "" : "s", p->semaphore ? ", semaphore" : "", p->args);
		return;
	}
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "module", path);
	jsonw__kv_string(w, "provider", p->provider);
	jsonw__kv_string(w, "name", p->name);
	jsonw__kv_int(w, "sites", (int64_t)p->sites);
	jsonw__key(w, "semaphore");
	jsonw__raw_number(w, p->semaphore ? "true" : "false");
	jsonw__kv_string(w, "args", p->args);
	jsonw__end_object(w);
}

int list_usdt__print(const struct module_list *mods, char **patterns, size_t npatterns, bool json)
{
	struct jsonw *w = json ? jsonw__new(stdout) : NULL;
	struct usdt_probes probes;
	size_t i, k, shown = 0;

	if (json && !w)
		return EXIT_FAILED;
	if (w) {
		jsonw__begin_object(w);
		jsonw__key(w, "probes");
		jsonw__begin_array(w);
	}
	for (i = 0; i < mods->count; i++) {
		if (usdt_notes__read(mods->paths[i], true, &probes))
			continue; /* not ELF: no probes */
		for (k = 0; k < probes.count; k++)
			if (wanted(mods, i, &probes.probes[k], patterns, npatterns)) {
				print_probe(w, mods->paths[i], &probes.probes[k]);
				shown++;
			}
		usdt_probes__free(&probes);
	}
	if (w) {
		jsonw__end_array(w);
		jsonw__end_object(w);
		jsonw__newline(w);
		jsonw__free(w);
	} else {
		fprintf(stderr, "ferret: %zu USDT probe%s in %zu module%s\n", shown, shown == 1 ? "" : "s",
			mods->count, mods->count == 1 ? "" : "s");
	}
	return EXIT_OK;
}
