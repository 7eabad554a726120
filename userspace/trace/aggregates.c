#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aggregates.h"
#include "core/log.h"

struct aggregates {
	size_t nfuncs;
	struct ferret_func_stats *stats;
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
	a->stats = calloc(nfuncs ? nfuncs : 1, sizeof(*a->stats));
	a->calls_at_check = calloc(nfuncs ? nfuncs : 1, sizeof(*a->calls_at_check));
	a->demoted_at_ns = calloc(nfuncs ? nfuncs : 1, sizeof(*a->demoted_at_ns));
	if (!a->stats || !a->calls_at_check || !a->demoted_at_ns) {
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
	free(a->stats);
	free(a->calls_at_check);
	free(a->demoted_at_ns);
	free(a);
}

int aggregates__read(struct aggregates *a, const struct loader *l)
{
	size_t i;
	int err;

	for (i = 0; i < a->nfuncs; i++) {
		err = loader__func_stats(l, (uint32_t)i, &a->stats[i]);
		if (err) {
			ferr("cannot read the aggregates of function %zu: %s", i, strerror(-err));
			return err;
		}
	}
	return 0;
}

static uint32_t bucket_of(uint64_t v)
{
	uint32_t b = 0;

	while (v >>= 1)
		b++;
	return b < FERRET_HIST_BUCKETS ? b : FERRET_HIST_BUCKETS - 1;
}

void aggregates__add_open_call(struct aggregates *a, uint32_t func_id, uint64_t dur_ns, bool nested)
{
	struct ferret_func_stats *s;

	if (func_id >= a->nfuncs)
		return;
	s = &a->stats[func_id];
	s->calls++;
	s->sum_ns += dur_ns;
	if (!nested)
		s->total_ns += dur_ns;
	if (!s->min_ns || dur_ns < s->min_ns)
		s->min_ns = dur_ns ? dur_ns : 1;
	if (dur_ns > s->max_ns)
		s->max_ns = dur_ns;
	s->hist[bucket_of(dur_ns)]++;
}

int aggregates__check_rates(struct aggregates *a, struct loader *l, int64_t max_rate, int64_t now_ns,
			    const struct selection *sel)
{
	struct ferret_func_stats st;
	double seconds = (double)(now_ns - a->checked_at_ns) / 1e9;
	int demoted_now = 0;
	size_t i;

	if (!a->checked_at_ns) {
		a->checked_at_ns = now_ns;
		return 0;
	}
	for (i = 0; i < a->nfuncs; i++) {
		if (a->demoted_at_ns[i] || loader__func_stats(l, (uint32_t)i, &st))
			continue;
		if ((double)(st.calls - a->calls_at_check[i]) > (double)max_rate * seconds &&
		    !loader__demote(l, (uint32_t)i)) {
			a->demoted_at_ns[i] = now_ns;
			a->demoted++;
			demoted_now++;
			fwarn("%s: over %lld calls/s, aggregated only from now on", sel->funcs[i].name,
			      (long long)max_rate);
		}
		a->calls_at_check[i] = st.calls;
	}
	a->checked_at_ns = now_ns;
	return demoted_now;
}

uint64_t aggregates__calls(const struct aggregates *a, uint32_t func_id)
{
	return func_id < a->nfuncs ? a->stats[func_id].calls : 0;
}

size_t aggregates__demoted(const struct aggregates *a)
{
	return a->demoted;
}

int aggregates__store(const struct aggregates *a, struct store *s, const int64_t *func_keys)
{
	uint64_t hist[FERRET_HIST_BUCKETS];
	struct func_figures rec;
	size_t i, b;
	int err;

	for (i = 0; i < a->nfuncs; i++) {
		const struct ferret_func_stats *st = &a->stats[i];

		for (b = 0; b < FERRET_HIST_BUCKETS; b++)
			hist[b] = st->hist[b];
		rec = (struct func_figures){
			.function_key = func_keys[i],
			.calls = (int64_t)st->calls,
			.total_ns = (int64_t)st->total_ns,
			.sum_ns = (int64_t)st->sum_ns,
			.min_ns = (int64_t)st->min_ns,
			.max_ns = (int64_t)st->max_ns,
			.hist = hist,
			.nbuckets = FERRET_HIST_BUCKETS,
			.demoted_at_ns = a->demoted_at_ns[i],
		};
		err = store__add_func_figures(s, &rec);
		if (err)
			return err;
	}
	return 0;
}
