/* ferret diff's computation (analyze/run_diff.c) on two runs of known calls (diff_fixture.h),
 * as stored when they ended and from their spans; its JSON and text output; --threshold; --tree.
 */
#include <math.h>
#include <stdio.h>

#include "analyze/run_diff.h"
#include "diff_fixture.h"

struct opened {
	struct store *s;
	struct run_query *q;
	struct run_row a, b;
};

static int open_runs(struct opened *o)
{
	memset(o, 0, sizeof(*o));
	return store__open(db_path, STORE_READ, &o->s) || store__find_run(o->s, "before", &o->a) ||
	       store__find_run(o->s, "after", &o->b) || run_query__open(db_path, &o->q) ? -1 : 0;
}

static void close_runs(struct opened *o)
{
	run_query__free(o->q);
	store__free(o->s);
}

/* The row at place i of the order. */
static const struct diff_row *nth(const struct run_diff *d, size_t i)
{
	return i < d->n ? &d->rows[d->order[i]] : NULL;
}

static void expect_change(const struct run_diff *d, const struct diff_row *r, enum diff_fig f,
			  int64_t a, int64_t b, double pct)
{
	struct diff_change c;

	run_diff__change(d, r, f, &c);
	EXPECT(c.known);
	EXPECT_EQ(c.a, a);
	EXPECT_EQ(c.b, b);
	EXPECT_EQ(c.delta, b - a);
	EXPECT_EQ(c.has_pct, a != 0);
	if (a)
		EXPECT_EQ(llround(c.pct * 100), llround(pct * 100));
}

/* Every figure of the table's rows, exact: the same whether stored figures or spans are read. */
static void check_functions(bool from_spans)
{
	struct opened o;
	struct run_diff d;
	struct diff_change c;
	const struct diff_row *r;

	if (from_spans)
		setenv("FERRET_ANALYZE_SPANS", "1", 1);
	run_diff__init(&d);
	if (open_runs(&o) || run_diff__functions(&d, o.q, &o.a, o.q, &o.b)) {
		close_runs(&o);
		unsetenv("FERRET_ANALYZE_SPANS");
		GIVE_UP();
	}
	EXPECT_EQ(d.n, 5);
	/* by the largest change of total: main 1000, a 300, b 100, then gone and new (50 each) by name */
	EXPECT_STR(nth(&d, 0)->name, "main");
	EXPECT_STR(nth(&d, 1)->name, "a");
	EXPECT_STR(nth(&d, 2)->name, "b");
	EXPECT_STR(nth(&d, 3)->name, "gone");
	EXPECT_STR(nth(&d, 4)->name, "new");
	r = nth(&d, 0);
	expect_change(&d, r, DIFF_CALLS, 1, 1, 0);
	expect_change(&d, r, DIFF_TOTAL, 1000, 2000, 100);
	expect_change(&d, r, DIFF_SELF, 550, 1450, 163.64);
	expect_change(&d, r, DIFF_AVG, 1000, 2000, 100);
	expect_change(&d, r, DIFF_P95, 1000, 2000, 100);
	expect_change(&d, r, DIFF_ERRORS, 0, 0, 0);
	r = nth(&d, 1); /* a: both of after's threads */
	EXPECT_STR(r->module, "app");
	expect_change(&d, r, DIFF_CALLS, 2, 3, 50);
	expect_change(&d, r, DIFF_TOTAL, 200, 500, 150);
	expect_change(&d, r, DIFF_SELF, 200, 500, 150);
	expect_change(&d, r, DIFF_AVG, 100, 167, 67);
	expect_change(&d, r, DIFF_P95, 100, 300, 200);
	r = nth(&d, 2);
	expect_change(&d, r, DIFF_TOTAL, 200, 100, -50);
	expect_change(&d, r, DIFF_P95, 200, 100, -50);
	r = nth(&d, 3); /* gone: before only */
	EXPECT(r->a.present && !r->b.present);
	EXPECT_EQ(r->a.calls, 1);
	EXPECT_EQ(r->a.total, 50);
	run_diff__change(&d, r, DIFF_CALLS, &c);
	EXPECT(!c.known);
	r = nth(&d, 4); /* new: after only, its one call incomplete (no error: status error only) */
	EXPECT(!r->a.present && r->b.present);
	EXPECT_EQ(r->b.calls, 1);
	EXPECT_EQ(r->b.errors, 0);
	/* --threshold 60: b changed by 50% (total) and 0% (calls): hidden; one-run rows stay */
	run_diff__threshold(&d, 60);
	EXPECT(!nth(&d, 0)->hidden && !nth(&d, 1)->hidden && nth(&d, 2)->hidden);
	EXPECT(!nth(&d, 3)->hidden && !nth(&d, 4)->hidden);
	run_diff__threshold(&d, 0);
	EXPECT(!nth(&d, 2)->hidden);
	run_diff__free(&d);
	close_runs(&o);
	unsetenv("FERRET_ANALYZE_SPANS");
}

static void test_functions_stored(void)
{
	check_functions(false);
}

static void test_functions_from_spans(void)
{
	check_functions(true);
}

/* The merged trees: paths by names, whatever the thread; children after their parent. */
static void check_tree(bool from_spans)
{
	static const struct {
		const char *name;
		int level;
		int64_t total_a, total_b; /* -1: not in that run */
	} want[] = {
		{ "main", 1, 1000, 2000 }, { "a", 2, 200, 400 }, { "b", 2, 200, 100 },
		{ "gone", 2, 50, -1 },	   { "new", 2, -1, 50 }, { "a", 1, -1, 100 },
	};
	struct opened o;
	struct run_diff d;
	size_t i;

	if (from_spans)
		setenv("FERRET_ANALYZE_SPANS", "1", 1);
	run_diff__init(&d);
	if (open_runs(&o) || run_diff__tree(&d, o.q, &o.a, o.q, &o.b)) {
		close_runs(&o);
		unsetenv("FERRET_ANALYZE_SPANS");
		GIVE_UP();
	}
	EXPECT_EQ(d.n, 6);
	for (i = 0; i < d.n && i < 6; i++) {
		const struct diff_row *r = nth(&d, i);

		EXPECT_STR(r->name, want[i].name);
		EXPECT_EQ(r->level, want[i].level);
		EXPECT_EQ(r->a.present ? r->a.total : -1, want[i].total_a);
		EXPECT_EQ(r->b.present ? r->b.total : -1, want[i].total_b);
	}
	expect_change(&d, nth(&d, 1), DIFF_CALLS, 2, 2, 0);
	/* --threshold 60: main/b (-50%) hidden, main stays (+100%) */
	run_diff__threshold(&d, 60);
	EXPECT(!nth(&d, 0)->hidden && !nth(&d, 1)->hidden && nth(&d, 2)->hidden);
	/* --threshold 1000: main's children shown (one run only) keep main */
	run_diff__threshold(&d, 1000);
	EXPECT(!nth(&d, 0)->hidden && nth(&d, 1)->hidden && !nth(&d, 3)->hidden);
	run_diff__free(&d);
	close_runs(&o);
	unsetenv("FERRET_ANALYZE_SPANS");
}

static void test_tree_stored(void)
{
	check_tree(false);
}

static void test_tree_from_spans(void)
{
	check_tree(true);
}

/* What diff_out prints: JSON a script reads, text with the markers. */
static void test_output(void)
{
	struct diff_print p = { .db_a = "x.db", .db_b = "y.db", .threshold = 60 };
	struct out_style st = { .utf8 = true };
	const cJSON *row, *fig;
	struct opened o;
	struct run_diff d;
	char *buf = NULL;
	size_t len = 0;
	cJSON *j;
	FILE *f;

	run_diff__init(&d);
	if (open_runs(&o) || run_diff__functions(&d, o.q, &o.a, o.q, &o.b) || !(f = open_memstream(&buf, &len))) {
		close_runs(&o);
		GIVE_UP();
	}
	run_diff__threshold(&d, 60);
	p.a = &o.a;
	p.b = &o.b;
	EXPECT_EQ(diff_out__json(&d, &p, f), 0);
	fclose(f);
	j = cJSON_Parse(buf);
	EXPECT(j != NULL);
	EXPECT_EQ(num(j, "hidden"), 1);
	EXPECT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "functions")), 4);
	EXPECT_STR(str(cJSON_GetObjectItem(j, "a"), "db"), "x.db");
	EXPECT_STR(str(cJSON_GetObjectItem(j, "b"), "run_id"), "after");
	row = row_named(j, "a");
	fig = cJSON_GetObjectItem(row, "total");
	EXPECT_EQ(num(fig, "a"), 200);
	EXPECT_EQ(num(fig, "b"), 500);
	EXPECT_EQ(num(fig, "delta"), 300);
	EXPECT_EQ(num(fig, "pct"), 150);
	row = row_named(j, "gone");
	EXPECT_STR(str(row, "only_in"), "a");
	EXPECT(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(row, "calls"), "delta")));
	EXPECT_EQ(num(cJSON_GetObjectItem(row, "calls"), "a"), 1);
	EXPECT(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(row, "calls"), "b")));
	cJSON_Delete(j);
	free(buf);
	buf = NULL;
	if (!(st.out = open_memstream(&buf, &len)))
		GIVE_UP();
	EXPECT_EQ(diff_out__text(&d, &p, &st), 0);
	fclose(st.out);
	EXPECT(strstr(buf, "gone [only A]") != NULL);
	EXPECT(strstr(buf, "new [only B]") != NULL);
	EXPECT(strstr(buf, "+300 ns (+150.0%)") != NULL);
	EXPECT(strstr(buf, "+1 (+50.0%)") != NULL);
	EXPECT(strstr(buf, "hidden by --threshold") != NULL);
	free(buf);
	run_diff__free(&d);
	close_runs(&o);
}

int main(void)
{
	if (fixture_setup() || write_runs())
		return 1;
	RUN(test_functions_stored);
	RUN(test_functions_from_spans);
	RUN(test_tree_stored);
	RUN(test_tree_from_spans);
	RUN(test_output);
	fixture_teardown();
	CHECK_EXIT();
}
