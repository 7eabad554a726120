/* Span reconstruction from synthetic entry/exit streams: every expectation computed by hand. */
#include "check.h"
#include "trace/spans.h"

#define MAX_SPANS 64

struct capture {
	int64_t next_id;
	struct stored_span opened[MAX_SPANS + 1]; /* by span id */
	struct stored_span spans[MAX_SPANS];
	int n;
	int changed_since_open; /* emitted spans that differ from their call at entry */
};

static int64_t open_call(void *ctx, const struct stored_span *call)
{
	struct capture *c = ctx;

	if (c->next_id == MAX_SPANS)
		return -1;
	c->opened[++c->next_id] = *call;
	return c->next_id;
}

static int emit(void *ctx, const struct stored_span *span)
{
	struct capture *c = ctx;
	const struct stored_span *o;

	if (c->n == MAX_SPANS || span->span_id < 1 || span->span_id > c->next_id)
		return -1;
	o = &c->opened[span->span_id];
	/* The sink was told everything but the end at entry: a store may write it then. */
	if (o->parent_id != span->parent_id || o->thread_key != span->thread_key ||
	    o->function_key != span->function_key || o->start_ns != span->start_ns ||
	    o->depth != span->depth)
		c->changed_since_open++;
	c->spans[c->n++] = *span;
	return 0;
}

static struct span_builder *new_builder(struct capture *c)
{
	struct span_sink sink = { .open = open_call, .emit = emit, .ctx = c };

	*c = (struct capture){ 0 };
	return span_builder__new(&sink);
}

static void expect_span(const struct stored_span *s, int64_t id, int64_t parent, int64_t fn,
			int64_t start, int64_t end, int depth, int status)
{
	EXPECT_EQ(s->span_id, id);
	EXPECT_EQ(s->parent_id, parent);
	EXPECT_EQ(s->function_key, fn);
	EXPECT_EQ(s->start_ns, start);
	EXPECT_EQ(s->end_ns, end);
	EXPECT_EQ(s->depth, depth);
	EXPECT_EQ(s->status, status);
}

static void test_nesting(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 10, 1);
	span_builder__entry(b, 10, 100, 1000); /* main */
	span_builder__entry(b, 10, 200, 1100); /* a */
	span_builder__exit(b, 10, 200, 1200);
	span_builder__entry(b, 10, 300, 1300); /* b */
	span_builder__exit(b, 10, 300, 1350);
	span_builder__exit(b, 10, 100, 2000);
	EXPECT_EQ(c.n, 3);
	expect_span(&c.spans[0], 2, 1, 200, 1100, 1200, 1, SPAN_OK);
	expect_span(&c.spans[1], 3, 1, 300, 1300, 1350, 1, SPAN_OK);
	expect_span(&c.spans[2], 1, 0, 100, 1000, 2000, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->spans, 3);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

static void test_recursion(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);
	int i;

	span_builder__set_thread(b, 7, 1);
	for (i = 0; i < 4; i++)
		span_builder__entry(b, 7, 5, 100 + i);
	for (i = 3; i >= 0; i--)
		span_builder__exit(b, 7, 5, 200 - i);
	EXPECT_EQ(c.n, 4);
	/* Innermost first: id 4 at depth 3, parent 3; outermost id 1 at depth 0. */
	expect_span(&c.spans[0], 4, 3, 5, 103, 197, 3, SPAN_OK);
	expect_span(&c.spans[3], 1, 0, 5, 100, 200, 0, SPAN_OK);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

static void test_longjmp_leaves_incomplete(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 1, 1);
	span_builder__entry(b, 1, 1, 10); /* outer */
	span_builder__entry(b, 1, 2, 20); /* jumps away */
	span_builder__entry(b, 1, 3, 30); /* jumps away */
	span_builder__exit(b, 1, 1, 50);  /* outer returns */
	EXPECT_EQ(c.n, 3);
	expect_span(&c.spans[0], 3, 2, 3, 30, 50, 2, SPAN_INCOMPLETE);
	expect_span(&c.spans[1], 2, 1, 2, 20, 50, 1, SPAN_INCOMPLETE);
	expect_span(&c.spans[2], 1, 0, 1, 10, 50, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->incomplete, 2);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

/* A call entered higher on the stack than open ones, or at the same place and no tail call,
 * ends them (they were jumped out of); a tail call and a deeper call do not. */
static void test_entry_above_ends_jumped_calls(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 1, 1);
	span_builder__entry_at(b, 1, 1, 10, &(struct entry_place){ 0x7000, false }, false); /* catcher */
	span_builder__entry_at(b, 1, 2, 20, &(struct entry_place){ 0x6f00, false }, false); /* a */
	span_builder__entry_at(b, 1, 3, 30, &(struct entry_place){ 0x6f00, true }, false); /* a's tail call */
	span_builder__entry_at(b, 1, 4, 40, &(struct entry_place){ 0x6e00, false }, false); /* longjmps */
	EXPECT_EQ(c.n, 0);
	/* after(), called by catcher where it called a() */
	span_builder__entry_at(b, 1, 5, 60, &(struct entry_place){ 0x6f00, false }, false);
	EXPECT_EQ(c.n, 3);
	expect_span(&c.spans[0], 4, 3, 4, 40, 60, 3, SPAN_INCOMPLETE);
	expect_span(&c.spans[1], 3, 2, 3, 30, 60, 2, SPAN_INCOMPLETE);
	expect_span(&c.spans[2], 2, 1, 2, 20, 60, 1, SPAN_INCOMPLETE);
	span_builder__exit(b, 1, 5, 70);
	expect_span(&c.spans[3], 5, 1, 5, 60, 70, 1, SPAN_OK);
	/* higher still: catcher's caller calls again */
	span_builder__entry_at(b, 1, 6, 80, &(struct entry_place){ 0x7100, false }, false);
	expect_span(&c.spans[4], 1, 0, 1, 10, 80, 0, SPAN_INCOMPLETE);
	EXPECT_EQ(span_builder__counts(b)->incomplete, 4);
	span_builder__free(b);
}

static void test_interleaved_threads(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 1, 11);
	span_builder__set_thread(b, 2, 22);
	span_builder__entry(b, 1, 7, 100);
	span_builder__entry(b, 2, 7, 110);
	span_builder__entry(b, 1, 8, 120);
	span_builder__exit(b, 2, 7, 130);
	span_builder__exit(b, 1, 8, 140);
	span_builder__exit(b, 1, 7, 150);
	EXPECT_EQ(c.n, 3);
	expect_span(&c.spans[0], 2, 0, 7, 110, 130, 0, SPAN_OK);
	EXPECT_EQ(c.spans[0].thread_key, 22);
	expect_span(&c.spans[1], 3, 1, 8, 120, 140, 1, SPAN_OK);
	EXPECT_EQ(c.spans[1].thread_key, 11);
	expect_span(&c.spans[2], 1, 0, 7, 100, 150, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->threads, 2);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

static void test_unmatched_exit_and_end_all(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 3, 1);
	span_builder__exit(b, 3, 9, 5); /* its entry was lost */
	EXPECT_EQ(span_builder__counts(b)->unmatched_exits, 1);
	EXPECT_EQ(c.n, 0);
	span_builder__entry(b, 3, 1, 10);
	span_builder__entry(b, 3, 2, 20);
	span_builder__end_all(b, 99);
	EXPECT_EQ(c.n, 2);
	expect_span(&c.spans[0], 2, 1, 2, 20, 99, 1, SPAN_INCOMPLETE);
	expect_span(&c.spans[1], 1, 0, 1, 10, 99, 0, SPAN_INCOMPLETE);
	/* Entry for a thread never announced is refused, not crashed on. */
	EXPECT(span_builder__entry(b, 4242, 1, 1) < 0);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

static void test_many_threads_grow_table(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);
	uint32_t tid;

	for (tid = 1; tid <= 1000; tid++)
		EXPECT_EQ(span_builder__set_thread(b, tid, tid + 5000), 0);
	for (tid = 1; tid <= 1000; tid++)
		EXPECT_EQ(span_builder__thread_key(b, tid), tid + 5000);
	EXPECT_EQ(span_builder__thread_key(b, 1001), 0);
	EXPECT_EQ(c.changed_since_open, 0);
	span_builder__free(b);
}

/* rec() nested past the kernel's return probes: the deepest entry gets none. Its return
 * never comes; the return of the rec() below pairs with that one, not with the deepest. */
static void test_entry_without_return_probe(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 10, 1);
	span_builder__entry(b, 10, 100, 1000);
	span_builder__entry(b, 10, 200, 1100);
	span_builder__entry_at(b, 10, 200, 1200, NULL, true);
	span_builder__entry_at(b, 10, 300, 1300, NULL, true);
	span_builder__exit(b, 10, 200, 1500); /* the return of the rec() at 1100 */
	span_builder__exit(b, 10, 100, 1600);
	EXPECT_EQ(c.n, 4);
	expect_span(&c.spans[0], 4, 3, 300, 1300, 1500, 3, SPAN_NO_RETURN);
	expect_span(&c.spans[1], 3, 2, 200, 1200, 1500, 2, SPAN_NO_RETURN);
	expect_span(&c.spans[2], 2, 1, 200, 1100, 1500, 1, SPAN_OK);
	expect_span(&c.spans[3], 1, 0, 100, 1000, 1600, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->no_return, 2);
	EXPECT_EQ(span_builder__counts(b)->incomplete, 0);
	span_builder__free(b);
}

/* A changed loss mark: the thread's open calls end as lost, the calls after it start a new
 * stack, and a return whose entry came before the loss pairs with nothing. */
static void test_loss_mark_ends_open_calls(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 10, 1);
	span_builder__set_thread(b, 11, 2);
	EXPECT_EQ(span_builder__lost_mark(b, 10, 7, 900), 0);
	span_builder__entry(b, 10, 100, 1000);
	EXPECT_EQ(span_builder__lost_mark(b, 11, 7, 950), 0);
	span_builder__entry(b, 11, 100, 1050);
	EXPECT_EQ(span_builder__lost_mark(b, 10, 7, 1100), 0); /* unchanged: nothing ends */
	span_builder__entry(b, 10, 200, 1100);
	EXPECT_EQ(c.n, 0);
	EXPECT_EQ(span_builder__lost_mark(b, 10, 9, 1400), 0);
	EXPECT_EQ(c.n, 2);
	expect_span(&c.spans[0], 3, 1, 200, 1100, 1400, 1, SPAN_LOST);
	expect_span(&c.spans[1], 1, 0, 100, 1000, 1400, 0, SPAN_LOST);
	span_builder__entry(b, 10, 300, 1400);
	span_builder__exit(b, 10, 300, 1450);
	expect_span(&c.spans[2], 4, 0, 300, 1400, 1450, 0, SPAN_OK);
	span_builder__exit(b, 10, 100, 1500); /* its entry's call ended as lost */
	EXPECT_EQ(span_builder__counts(b)->unmatched_exits, 1);
	/* The other thread saw no change of its own mark: its call is untouched. */
	span_builder__lost_mark(b, 11, 7, 1600);
	span_builder__exit(b, 11, 100, 1600);
	expect_span(&c.spans[3], 2, 0, 100, 1050, 1600, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->lost, 2);
	span_builder__free(b);
}

/* --overhead removed function 200 at 1500: its open calls (a middle one and one of another
 * thread) end there as no_return; the call above keeps its parent and depth and still pairs. */
static void test_end_function_cuts_open_calls(void)
{
	struct capture c;
	struct span_builder *b = new_builder(&c);

	span_builder__set_thread(b, 1, 1);
	span_builder__set_thread(b, 2, 2);
	span_builder__entry(b, 1, 100, 1000); /* main */
	span_builder__entry(b, 1, 200, 1100); /* removed, open */
	span_builder__entry(b, 1, 300, 1200); /* its child, open */
	span_builder__entry(b, 2, 200, 1300); /* removed, open on thread 2 */
	EXPECT_EQ(span_builder__end_function(b, 200, 1500), 0);
	EXPECT_EQ(c.n, 2);
	expect_span(&c.spans[0], 2, 1, 200, 1100, 1500, 1, SPAN_NO_RETURN);
	expect_span(&c.spans[1], 4, 0, 200, 1300, 1500, 0, SPAN_NO_RETURN);
	span_builder__exit(b, 1, 300, 1600);
	span_builder__exit(b, 1, 100, 1700);
	EXPECT_EQ(c.n, 4);
	expect_span(&c.spans[2], 3, 2, 300, 1200, 1600, 2, SPAN_OK);
	expect_span(&c.spans[3], 1, 0, 100, 1000, 1700, 0, SPAN_OK);
	EXPECT_EQ(span_builder__counts(b)->no_return, 2);
	EXPECT_EQ(span_builder__end_all(b, 2000), 0);
	EXPECT_EQ(c.n, 4);
	span_builder__free(b);
}

int main(void)
{
	RUN(test_nesting);
	RUN(test_recursion);
	RUN(test_longjmp_leaves_incomplete);
	RUN(test_entry_above_ends_jumped_calls);
	RUN(test_interleaved_threads);
	RUN(test_unmatched_exit_and_end_all);
	RUN(test_many_threads_grow_table);
	RUN(test_entry_without_return_probe);
	RUN(test_loss_mark_ends_open_calls);
	RUN(test_end_function_cuts_open_calls);
	CHECK_EXIT();
}
