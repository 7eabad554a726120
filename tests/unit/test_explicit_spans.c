/* Explicit spans (ferret.h) in the span builder: frames beside traced calls, ended by
 * span_builder__end_explicit, tagged and renamed at the innermost frame; every expectation by hand. */
#include <stdlib.h>

#include "check.h"
#include "trace/spans.h"
#include "trace/usdt_plan.h"

#define MAX_SPANS 16

struct capture {
	int64_t next_id;
	struct stored_span spans[MAX_SPANS];
	int n;
};

static int64_t open_call(void *ctx, const struct stored_span *call)
{
	struct capture *c = ctx;

	(void)call;
	return ++c->next_id;
}

static int emit(void *ctx, const struct stored_span *span)
{
	struct capture *c = ctx;

	if (c->n == MAX_SPANS)
		return -1;
	c->spans[c->n++] = *span;
	return 0;
}

static struct span_builder *new_builder(struct capture *c)
{
	struct span_sink sink = { .open = open_call, .emit = emit, .ctx = c };

	*c = (struct capture){ 0 };
	return span_builder__new(&sink);
}

static void expect_span(const struct stored_span *s, int64_t id, int64_t parent, int64_t fn, int64_t end,
			int status)
{
	EXPECT_EQ(s->span_id, id);
	EXPECT_EQ(s->parent_id, parent);
	EXPECT_EQ(s->function_key, fn);
	EXPECT_EQ(s->end_ns, end);
	EXPECT_EQ(s->status, status);
}

/* f { BEGIN(x) { g() } END } : x is f's child, g is x's. */
static void test_nests_with_calls(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);
	int64_t id;
	bool explicit_span;

	span_builder__set_thread(b, 1, 1);
	span_builder__entry(b, 1, 100, 10);	     /* f: span 1 */
	span_builder__entry_explicit(b, 1, 900, 20); /* x: span 2 */
	EXPECT_EQ(span_builder__innermost(b, 1, &id, &explicit_span), 1);
	EXPECT_EQ(id, 2);
	EXPECT(explicit_span);
	span_builder__entry(b, 1, 200, 30); /* g: span 3 */
	EXPECT_EQ(span_builder__innermost(b, 1, &id, &explicit_span), 1);
	EXPECT_EQ(id, 3);
	EXPECT(!explicit_span);
	EXPECT_EQ(span_builder__rename_innermost(b, 1, 901), 0); /* a call keeps its function */
	span_builder__exit(b, 1, 200, 40);
	EXPECT_EQ(span_builder__rename_innermost(b, 1, 901), 1);
	span_builder__end_explicit(b, 1, 50);
	span_builder__exit(b, 1, 100, 60);
	EXPECT_EQ(c.n, 3);
	expect_span(&c.spans[0], 3, 2, 200, 40, SPAN_OK);
	expect_span(&c.spans[1], 2, 1, 901, 50, SPAN_OK); /* renamed */
	expect_span(&c.spans[2], 1, 0, 100, 60, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->explicit_incomplete, 0);
	span_builder__free(b);
}

/* END with nothing open is counted; a call's return over an open explicit span ends it
 * incomplete; END closes the innermost explicit span, past calls that never returned. */
static void test_mismatches(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 1, 1);
	span_builder__end_explicit(b, 1, 5);
	EXPECT_EQ(span_builder__counts(b)->unmatched_ends, 1);
	span_builder__entry(b, 1, 100, 10);	     /* f: 1 */
	span_builder__entry_explicit(b, 1, 900, 20); /* x: 2, left open */
	span_builder__exit(b, 1, 100, 30);
	EXPECT_EQ(c.n, 2);
	expect_span(&c.spans[0], 2, 1, 900, 30, SPAN_INCOMPLETE);
	expect_span(&c.spans[1], 1, 0, 100, 30, SPAN_OK);
	span_builder__entry_explicit(b, 1, 900, 40); /* x: 3 */
	span_builder__entry(b, 1, 100, 50);	     /* f: 4, never returns (longjmp) */
	span_builder__end_explicit(b, 1, 60);
	EXPECT_EQ(c.n, 4);
	expect_span(&c.spans[2], 4, 3, 100, 60, SPAN_INCOMPLETE);
	expect_span(&c.spans[3], 3, 0, 900, 60, SPAN_OK);
	span_builder__entry_explicit(b, 1, 900, 70); /* 5: the thread exits with it open */
	span_builder__end_thread(b, 1, 80);
	expect_span(&c.spans[4], 5, 0, 900, 80, SPAN_INCOMPLETE);
	EXPECT_EQ(span_builder__counts(b)->explicit_incomplete, 2);
	EXPECT_EQ(span_builder__counts(b)->unmatched_ends, 1);
	span_builder__free(b);
}

static void expect_split(const char *pattern, const char *module, const char *provider, const char *name)
{
	char *m, *p, *n;

	EXPECT_EQ(usdt_plan__split(pattern, &m, &p, &n), 0);
	EXPECT_STR(m ? m : "(none)", module);
	EXPECT_STR(p, provider);
	EXPECT_STR(n, name);
	free(m);
	free(p);
	free(n);
}

static void test_split_patterns(void)
{
	char *m, *p, *n;

	expect_split("demo:request_*", "(none)", "demo", "request_*");
	expect_split("libc:libc:memory_*", "libc", "libc", "memory_*");
	expect_split("/opt/x:y/lib.so:prov:name", "/opt/x:y/lib.so", "prov", "name");
	EXPECT(usdt_plan__split("nocolon", &m, &p, &n) < 0);
	EXPECT(usdt_plan__split(":name", &m, &p, &n) < 0);
	EXPECT(usdt_plan__split("prov:", &m, &p, &n) < 0);
	EXPECT(usdt_plan__split("mod::name", &m, &p, &n) < 0);
}

int main(void)
{
	RUN(test_nests_with_calls);
	RUN(test_mismatches);
	RUN(test_split_patterns);
	CHECK_EXIT();
}
