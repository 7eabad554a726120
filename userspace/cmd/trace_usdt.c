/* ferret trace's USDT probes (see trace_usdt.h). */
#include <stdio.h>

#include "core/log.h"
#include "core/util.h"
#include "trace/ingest_usdt.h"
#include "trace_usdt.h"

int trace_usdt__plan(const struct trace_opts *o, const struct trace_target *t, struct usdt_plan **out)
{
	int err = usdt_plan__build(&t->modules, true, o->usdt, o->nusdt, o->usdt_spans, o->nusdt_spans, out);

	if (err || !*out || !trace_options__stack_mode(o))
		return err;
	/* Stack mode: -u and --usdt-span were refused; ferret.h's spans are left out. */
	fprintf(stderr, "ferret: %s has explicit spans (ferret.h): --min-duration, --aggregate and "
		"--max-rate do not record them\n", (*out)->modules[(*out)->sites[0].module]);
	usdt_plan__free(*out);
	*out = NULL;
	return 0;
}

int trace_usdt__store(struct usdt_plan *p, struct store *s, const struct trace_target *t)
{
	size_t i;

	for (i = 0; p && i < p->nmodules; i++) {
		/* A module of the selection already has its row: the store finds it by path. */
		p->module_keys[i] = store__add_module(s, trace_target__shown_path(t, p->modules[i]), NULL);
		if (p->module_keys[i] < 0)
			return -1;
	}
	for (i = 0; p && i < p->npairs; i++) {
		p->pairs[i].function_key = store__add_function(s, p->module_keys[p->pairs[i].module],
							       p->pairs[i].name, NULL, 0);
		if (p->pairs[i].function_key < 0 ||
		    store__set_function_kind(s, p->pairs[i].function_key, SPAN_KIND_USDT))
			return -1;
	}
	return 0;
}

void trace_usdt__report(const struct usdt_plan *p, const struct usdt_counts *u, const struct span_counts *c)
{
	if (!p)
		return;
	if (p->explicit_sites)
		fprintf(stderr, "ferret: explicit spans: %lld name%s, %lld tag%s\n", (long long)u->explicit_names,
			plural(u->explicit_names), (long long)u->tags, plural(u->tags));
	if (u->events)
		fprintf(stderr, "ferret: USDT events: %lld stored\n", (long long)u->events);
	if (c->unmatched_ends)
		fprintf(stderr, "ferret: WARNING: %lld FERRET_END%s with no explicit span open on %s thread: "
			"ignored\n", (long long)c->unmatched_ends, c->unmatched_ends == 1 ? "" : "s",
			c->unmatched_ends == 1 ? "its" : "their");
	if (c->explicit_incomplete)
		fprintf(stderr, "ferret: WARNING: %lld explicit span%s ended without FERRET_END (the thread "
			"exited, the function that opened %s returned, or tracing stopped): stored as incomplete\n",
			(long long)c->explicit_incomplete, plural(c->explicit_incomplete),
			c->explicit_incomplete == 1 ? "it" : "them");
	if (u->orphan_notes)
		fprintf(stderr, "ferret: WARNING: %lld FERRET_TAG/STATUS/NAME with no span open on the "
			"thread: not stored\n", (long long)u->orphan_notes);
}
