#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregates.h"
#include "core/log.h"

struct aggregates {
	size_t nfuncs;
	struct func_figures *figures; /* per function id */
	uint64_t *calls_at_check; /* --max-rate: calls seen at the previous check */
	int64_t *demoted_at_ns;	  /* 0: never demoted */
	int64_t checked_at_ns;
	size_t demoted;
};

int aggregates__new(size_t nfuncs, struct aggregates **out)
{
	struct aggregates *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->nfuncs = nfuncs;
	a->figures = calloc(nfuncs ? nfuncs : 1, sizeof(*a->figures));
	a->calls_at_check = calloc(nfuncs ? nfuncs : 1, sizeof(*a->calls_at_check));
	a->demoted_at_ns = calloc(nfuncs ? nfuncs : 1, sizeof(*a->demoted_at_ns));
	if (!a->figures || !a->calls_at_check || !a->demoted_at_ns) {
		aggregates__free(a);
		return -ENOMEM;
	}
	*out = a;
	return 0;
}

void aggregates__free(struct aggregates *a)
{
	if (!a)
		return;
	free(a->figures);
	free(a->calls_at_check);
	free(a->demoted_at_ns);
	free(a);
}

int aggregates__read(struct aggregates *a, const struct loader *l)
{
	size_t i;
	int err;

	for (i = 0; i < a->nfuncs; i++) {
		err = loader__func_figures(l, (uint32_t)i, &a->figures[i]);
		if (err) {
			ferr("cannot read the aggregates of function %zu: %s", i, strerror(-err));
			return err;
		}
	}
	return 0;
}

void aggregates__add_open_call(struct aggregates *a, uint32_t func_id, uint64_t dur_ns, bool nested)
{
	if (func_id < a->nfuncs)
		func_figures__add_call(&a->figures[func_id], dur_ns, nested);
}

/* The functions demoted by one check, in one line: a run over many hot functions would
 * otherwise print a line per function. */
#define DEMOTED_NAMED 5

static void say_demoted(const struct selection *sel, const size_t *ids, int n, int64_t max_rate)
{
	char names[512] = "";
	size_t used = 0;
	int k;

	for (k = 0; k < n && k < DEMOTED_NAMED && used < sizeof(names); k++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", k ? ", " : "",
					 sel->funcs[ids[k]].name);
	if (n > DEMOTED_NAMED)
		fwarn("over %lld calls/s, aggregated only from now on: %s and %d more", (long long)max_rate,
		      names, n - DEMOTED_NAMED);
	else
		fwarn("over %lld calls/s, aggregated only from now on: %s", (long long)max_rate, names);
}

int aggregates__check_rates(struct aggregates *a, struct loader *l, int64_t max_rate, int64_t now_ns,
			    const struct selection *sel)
{
	double seconds = (double)(now_ns - a->checked_at_ns) / 1e9;
	size_t i, named[DEMOTED_NAMED];
	struct func_figures fig;
	int demoted_now = 0;

	if (!a->checked_at_ns) {
		a->checked_at_ns = now_ns;
		return 0;
	}
	for (i = 0; i < a->nfuncs; i++) {
		if (a->demoted_at_ns[i] || loader__func_figures(l, (uint32_t)i, &fig))
			continue;
		if ((double)(fig.calls - a->calls_at_check[i]) > (double)max_rate * seconds &&
		    !loader__demote(l, (uint32_t)i)) {
			a->demoted_at_ns[i] = now_ns;
			a->demoted++;
			if (demoted_now < DEMOTED_NAMED)
				named[demoted_now] = i;
			demoted_now++;
		}
		a->calls_at_check[i] = fig.calls;
	}
	if (demoted_now)
		say_demoted(sel, named, demoted_now, max_rate);
	a->checked_at_ns = now_ns;
	return demoted_now;
}

uint64_t aggregates__calls(const struct aggregates *a, uint32_t func_id)
{
	return func_id < a->nfuncs ? a->figures[func_id].calls : 0;
}

size_t aggregates__demoted(const struct aggregates *a)
{
	return a->demoted;
}

int aggregates__store(const struct aggregates *a, struct store *s, const int64_t *func_keys)
{
	uint64_t hist[FUNC_FIGURES_BUCKETS];
	struct func_figures_row rec;
	size_t i, b;
	int err;

	for (i = 0; i < a->nfuncs; i++) {
		const struct func_figures *fig = &a->figures[i];

		for (b = 0; b < FUNC_FIGURES_BUCKETS; b++)
			hist[b] = fig->hist[b];
		rec = (struct func_figures_row){
			.function_key = func_keys[i],
			.calls = (int64_t)fig->calls,
			.total_ns = (int64_t)fig->total_ns,
			.sum_ns = (int64_t)fig->sum_ns,
			.min_ns = (int64_t)fig->min_ns,
			.max_ns = (int64_t)fig->max_ns,
			.hist = hist,
			.nbuckets = FUNC_FIGURES_BUCKETS,
			.demoted_at_ns = a->demoted_at_ns[i],
		};
		err = store__add_func_figures(s, &rec);
		if (err)
			return err;
	}
	return 0;
}
