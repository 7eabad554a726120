/*
 * Percentiles, nearest rank: Pth = the ceil(P/100 * n)-th smallest duration.
 *
 * The first pass gives every function a log histogram (exact below 32 ns, then
 * 32 buckets per power of two: 1/32 wide). That alone answers --approx (bucket
 * middles, within 1.6%). For exact values, the histogram says which bucket holds
 * each wanted rank and how many durations lie below it; one plain scan then
 * keeps only the durations in those buckets, and sorting those few gives the
 * exact rank. Functions whose buckets would hold more than a memory budget go
 * through SQLite's sorter instead (bounded memory, slower).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "core/log.h"
#include "store/run_query.h"

/* Durations kept in memory at once by the scan (8 bytes each: 32 MB). */
size_t pct_candidate_budget = 4u << 20;

const int pct_levels[3] = { 50, 95, 99 };

size_t pct__bucket(int64_t v)
{
	int e;

	if (v < PCT_SUB)
		return v < 0 ? 0 : (size_t)v;
	e = 63 - __builtin_clzll((unsigned long long)v);
	if (e > PCT_MAX_EXP)
		return PCT_BUCKETS - 1;
	return (size_t)(PCT_SUB + (e - 5) * PCT_SUB + ((v >> (e - 5)) & (PCT_SUB - 1)));
}

int pct_hist__add(struct pct_hist *h, int64_t duration_ns)
{
	size_t b = pct__bucket(duration_ns);
	uint32_t **group = &h->group[b / PCT_SUB];

	if (!*group && !(*group = calloc(PCT_SUB, sizeof(**group))))
		return -ENOMEM;
	(*group)[b % PCT_SUB]++;
	return 0;
}

uint32_t pct_hist__count(const struct pct_hist *h, size_t bucket)
{
	const uint32_t *group = h->group[bucket / PCT_SUB];

	return group ? group[bucket % PCT_SUB] : 0;
}

int pct_hist__merge(struct pct_hist *into, const struct pct_hist *h)
{
	size_t g, b;

	for (g = 0; g < PCT_GROUPS; g++) {
		if (!h->group[g])
			continue;
		if (!into->group[g] && !(into->group[g] = calloc(PCT_SUB, sizeof(*into->group[g]))))
			return -ENOMEM;
		for (b = 0; b < PCT_SUB; b++)
			into->group[g][b] += h->group[g][b];
	}
	return 0;
}

void pct_hist__free(struct pct_hist *h)
{
	size_t i;

	for (i = 0; i < PCT_GROUPS; i++)
		free(h->group[i]);
}

static int64_t bucket_middle(size_t b)
{
	int e;

	if (b < PCT_SUB)
		return (int64_t)b;
	e = (int)((b - PCT_SUB) / PCT_SUB) + 5;
	return ((int64_t)(PCT_SUB + (b - PCT_SUB) % PCT_SUB) << (e - 5)) + ((1LL << (e - 5)) >> 1);
}

static uint64_t rank_of(int level, uint64_t n)
{
	return ((uint64_t)level * n + 99) / 100;
}

/* Where each wanted rank falls: its bucket and its 1-based rank inside it. */
static void locate(const struct pct_func *f, uint32_t bucket[3], uint64_t rank_in[3])
{
	uint64_t below = 0;
	size_t b;
	int k = 0;

	for (b = 0; b < PCT_BUCKETS && k < 3; b++) {
		uint32_t n = pct_hist__count(f->hist, b);

		if (!f->hist->group[b / PCT_SUB]) { /* an empty power of two */
			b += PCT_SUB - 1;
			continue;
		}
		while (k < 3 && below + n >= rank_of(pct_levels[k], f->calls)) {
			bucket[k] = (uint32_t)b;
			rank_in[k] = rank_of(pct_levels[k], f->calls) - below;
			k++;
		}
		below += n;
	}
	for (; k < 3; k++) { /* only if the histogram disagrees with calls */
		bucket[k] = PCT_BUCKETS - 1;
		rank_in[k] = 1;
	}
}

void pct__approx(struct pct_func *f)
{
	uint32_t bucket[3];
	uint64_t rank_in[3];
	int64_t v;
	int k;

	locate(f, bucket, rank_in);
	for (k = 0; k < 3; k++) {
		v = bucket_middle(bucket[k]);
		f->value[k] = v < f->min ? f->min : v > f->max ? f->max : v;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void pct__of_durations(int64_t *d, size_t n, int64_t value[3])
{
	int k;

	qsort(d, n, sizeof(*d), cmp_i64);
	for (k = 0; k < 3; k++) {
		uint64_t rank = rank_of(pct_levels[k], n);

		value[k] = d[rank ? rank - 1 : 0];
	}
}

struct work {
	struct pct_func *f;
	uint32_t bucket[3];
	uint64_t rank_in[3];
	int64_t *kept; /* durations in the wanted buckets */
	size_t n, cap;
	bool sorted_sql; /* too many kept: SQLite sorts this one */
	uint64_t seen;	 /* sorted pass: position in the function's durations */
};

struct pct_pass {
	struct work *w; /* by key */
	size_t n;
	struct work *last;
	int64_t mismatched; /* the run changed between the passes */
};

static bool wanted_bucket(const struct work *w, size_t b)
{
	return b >= PCT_SUB && (b == w->bucket[0] || b == w->bucket[1] || b == w->bucket[2]);
}

static struct work *work_of(struct pct_pass *p, int64_t key)
{
	size_t lo = 0, hi = p->n, mid;

	if (p->last && p->last->f->key == key)
		return p->last;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (p->w[mid].f->key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->w[lo].f->key == key ? (p->last = &p->w[lo]) : NULL;
}

static int keep_duration(void *ctx, int64_t key, int64_t duration_ns)
{
	struct pct_pass *p = ctx;
	struct work *w = work_of(p, key);
	size_t b = pct__bucket(duration_ns);

	if (!w || w->sorted_sql || !wanted_bucket(w, b))
		return 0;
	if (w->n < w->cap)
		w->kept[w->n++] = duration_ns;
	else
		p->mismatched++;
	return 0;
}

static int take_ranks(void *ctx, int64_t key, int64_t duration_ns)
{
	struct pct_pass *p = ctx;
	struct work *w = work_of(p, key);
	int k;

	if (!w || !w->sorted_sql)
		return 0;
	w->seen++;
	for (k = 0; k < 3; k++)
		if (w->seen == rank_of(pct_levels[k], w->f->calls))
			w->f->value[k] = duration_ns;
	return 0;
}

static int cmp_work_key(const void *a, const void *b)
{
	return cmp_i64(&((const struct work *)a)->f->key, &((const struct work *)b)->f->key);
}

/* Every wanted bucket's durations, sorted: the ranks read straight off. */
static void finish_kept(struct pct_pass *p, struct work *w)
{
	size_t start, j;
	int k;

	if (w->n > 1)
		qsort(w->kept, w->n, sizeof(*w->kept), cmp_i64);
	for (k = 0; k < 3; k++) {
		if (w->bucket[k] < PCT_SUB) { /* one value per bucket down there */
			w->f->value[k] = w->bucket[k];
			continue;
		}
		for (start = 0, j = 0; j < 3; j++) /* kept durations of lower wanted buckets */
			if (w->bucket[j] >= PCT_SUB && w->bucket[j] < w->bucket[k] &&
			    (j == 0 || w->bucket[j] != w->bucket[j - 1]))
				start += pct_hist__count(w->f->hist, w->bucket[j]);
		if (start + w->rank_in[k] - 1 < w->n)
			w->f->value[k] = w->kept[start + w->rank_in[k] - 1];
		else
			p->mismatched++;
	}
}

static int cmp_cap_desc(const void *a, const void *b)
{
	size_t x = (*(struct work *const *)a)->cap, y = (*(struct work *const *)b)->cap;

	return (x < y) - (x > y);
}

/* Sizes each function's kept set; the largest go to the SQL sort until the rest fit. */
static int plan(struct pct_pass *p)
{
	struct work **by_cap = malloc((p->n ? p->n : 1) * sizeof(*by_cap));
	size_t i, j, total = 0;

	if (!by_cap)
		return -ENOMEM;
	for (i = 0; i < p->n; i++) {
		struct work *w = &p->w[i];

		locate(w->f, w->bucket, w->rank_in);
		for (j = 0; j < 3; j++)
			if (w->bucket[j] >= PCT_SUB && (j == 0 || w->bucket[j] != w->bucket[j - 1]))
				w->cap += pct_hist__count(w->f->hist, w->bucket[j]);
		total += w->cap;
		by_cap[i] = w;
	}
	qsort(by_cap, p->n, sizeof(*by_cap), cmp_cap_desc);
	for (i = 0; i < p->n && total > pct_candidate_budget; i++) {
		by_cap[i]->sorted_sql = true;
		total -= by_cap[i]->cap;
	}
	free(by_cap);
	for (i = 0; i < p->n; i++)
		if (!p->w[i].sorted_sql && p->w[i].cap && !(p->w[i].kept = malloc(p->w[i].cap * sizeof(int64_t))))
			return -ENOMEM;
	return 0;
}

/* Keys of the functions a pass reads (NULL with *n = 0: all of them). */
static int64_t *pass_keys(const struct pct_pass *p, bool sorted_sql, size_t all, size_t *n)
{
	int64_t *keys = malloc((p->n ? p->n : 1) * sizeof(*keys));
	size_t i;

	*n = 0;
	for (i = 0; keys && i < p->n; i++)
		if (p->w[i].sorted_sql == sorted_sql && (sorted_sql || p->w[i].cap))
			keys[(*n)++] = p->w[i].f->key;
	if (keys && *n == all) { /* no IN (...) list: the plain scan is cheaper */
		free(keys);
		return NULL;
	}
	return keys;
}

static int run_pass(struct pct_pass *p, struct run_query *ss, const struct pct_query *q, bool sorted)
{
	size_t n;
	int64_t *keys = pass_keys(p, sorted, q->all_functions, &n);
	int err;

	if (!n && keys) { /* nothing for this pass */
		free(keys);
		return 0;
	}
	p->last = NULL;
	err = run_query__durations(ss, q->run_key, q->pid, q->tid, keys, keys ? n : 0, sorted,
				     sorted ? take_ranks : keep_duration, p);
	free(keys);
	return err;
}

int pct__exact(struct run_query *ss, const struct pct_query *q, struct pct_func *fns, size_t n)
{
	struct pct_pass p = { .n = n };
	size_t i;
	int err;

	if (!(p.w = calloc(n ? n : 1, sizeof(*p.w))))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		p.w[i].f = &fns[i];
	qsort(p.w, n, sizeof(*p.w), cmp_work_key);
	if ((err = plan(&p)))
		goto cleanup;
	if ((err = run_pass(&p, ss, q, false)) || (err = run_pass(&p, ss, q, true)))
		goto cleanup;
	for (i = 0; i < n; i++)
		if (!p.w[i].sorted_sql)
			finish_kept(&p, &p.w[i]);
	if (p.mismatched)
		fwarn("the run changed while it was read: some percentiles are approximate");
cleanup:
	for (i = 0; i < n; i++)
		free(p.w[i].kept);
	free(p.w);
	return err;
}
