/* live_window: per-second figures of a run being written (see live_window.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "live_window.h"

#define NS_PER_S 1000000000LL

void live_window__init(struct live_window *w, int window_s)
{
	memset(w, 0, sizeof(*w));
	w->window_s = window_s < 1 ? 1 : window_s > LIVE_WINDOW_MAX_S ? LIVE_WINDOW_MAX_S : window_s;
	w->nseconds = (size_t)w->window_s + 2;
}

void live_window__free(struct live_window *w)
{
	size_t i, k;

	for (i = 0; i < w->n; i++) {
		for (k = 0; k < w->nseconds; k++)
			pct_hist__free(&w->f[i].seconds[k].hist);
		free(w->f[i].seconds);
		free(w->f[i].name);
	}
	free(w->f);
	hashmap__free(&w->index_of);
	memset(w, 0, sizeof(*w));
}

int32_t live_window__func(struct live_window *w, int64_t key)
{
	struct live_func *f;
	uint32_t i;
	size_t k;

	if (hashmap__get(&w->index_of, key, 0, &i))
		return (int32_t)i;
	if (grow_array((void **)&w->f, &w->cap, w->n + 1, sizeof(*w->f)))
		return -ENOMEM;
	f = &w->f[w->n];
	memset(f, 0, sizeof(*f));
	f->key = key;
	if (!(f->seconds = calloc(w->nseconds, sizeof(*f->seconds))) ||
	    hashmap__put(&w->index_of, key, 0, (uint32_t)w->n)) {
		free(f->seconds);
		return -ENOMEM;
	}
	for (k = 0; k < w->nseconds; k++)
		f->seconds[k].second = -1;
	return (int32_t)w->n++;
}

int live_window__add(struct live_window *w, int32_t fn, int64_t end_ns, int64_t duration_ns, bool error)
{
	int64_t second = end_ns < 0 ? 0 : end_ns / NS_PER_S;
	struct live_second *s = &w->f[fn].seconds[second % (int64_t)w->nseconds];

	if (s->second > second)
		return 0; /* older than the ring: out of every window */
	if (s->second != second) { /* a second gone by: its slot starts again */
		pct_hist__free(&s->hist);
		memset(s, 0, sizeof(*s));
		s->second = second;
	}
	if (!s->calls++ || duration_ns < s->min)
		s->min = duration_ns;
	if (duration_ns > s->max)
		s->max = duration_ns;
	s->sum += duration_ns;
	s->errors += error;
	return pct_hist__add(&s->hist, duration_ns);
}

/* Function i over seconds [first, last]; 0 calls: not in the window. */
static int figures_of(const struct live_window *w, size_t i, int64_t first, int64_t last,
		      struct live_figures *out)
{
	struct pct_hist merged = { 0 };
	struct pct_func pf = { 0 };
	__int128 sum = 0;
	int64_t sec;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->fn = i;
	for (sec = first; !err && sec <= last; sec++) {
		const struct live_second *s = &w->f[i].seconds[sec % (int64_t)w->nseconds];

		if (s->second != sec || !s->calls)
			continue;
		if (!pf.calls || s->min < pf.min)
			pf.min = s->min;
		if (s->max > pf.max)
			pf.max = s->max;
		pf.calls += s->calls;
		out->errors += s->errors;
		sum += s->sum;
		err = pct_hist__merge(&merged, &s->hist);
	}
	if (!err && pf.calls) {
		pf.hist = &merged;
		pct__approx(&pf);
		out->calls = pf.calls;
		out->per_s = (double)pf.calls / (double)(last - first + 1);
		out->avg = (int64_t)((sum + pf.calls / 2) / pf.calls);
		out->p99 = pf.value[2];
		out->max = pf.max;
	}
	pct_hist__free(&merged);
	return err;
}

static int by_calls(const void *a, const void *b)
{
	const struct live_figures *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

int live_window__figures(const struct live_window *w, int64_t horizon_ns, struct live_figures **out,
			 size_t *n)
{
	int64_t last = horizon_ns / NS_PER_S - 1, first = last - w->window_s + 1; /* whole seconds */
	size_t i;
	int err = 0;

	*n = 0;
	if (!(*out = malloc((w->n ? w->n : 1) * sizeof(**out))))
		return -ENOMEM;
	if (first < 0)
		first = 0;
	for (i = 0; !err && last >= 0 && i < w->n; i++)
		if (!(err = figures_of(w, i, first, last, &(*out)[*n])) && (*out)[*n].calls)
			(*n)++;
	qsort(*out, *n, sizeof(**out), by_calls);
	return err;
}
