/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store under random interleavings (a fixed seed, so failures repeat): two
 * writers of one file, each with several threads opening and closing nested
 * calls, whole spans with ids of their own, flushes at random moments, and
 * calls left open at the end. Afterwards every span must be in the file once,
 * exactly as written, and readers must return each run in thread order.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "check.h"
#include "store/store.h"
#include "store_fixture.h"

#define WRITERS 2
#define THREADS 5
#define STEPS 120000
#define MAX_OPEN 12

struct open_frame {
	int64_t id, start;
	int32_t depth;
};

struct sim_thread {
	int64_t key;
	struct open_frame stack[MAX_OPEN];
	int depth;
};

struct writer {
	struct store *s;
	int64_t function;
	struct sim_thread threads[THREADS];
	int64_t spans, duration_sum, id_sum, now;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int start_writer(struct writer *w, const char *db, const char *run_id)
{
	struct run_info info = { .run_id = run_id, .mode = "pid", .pid = 1, .start_mono_ns = 0 };
	int i;

	memset(w, 0, sizeof(*w));
	if (store__open(db, STORE_WRITE, &w->s) || store__begin_run(w->s, &info))
		return -1;
	w->function = store__add_function(w->s, store__add_module(w->s, "/bin/r", NULL), run_id, NULL, 0);
	for (i = 0; i < THREADS; i++)
		w->threads[i].key = store__add_thread(w->s, 1, 10 + i, "r");
	return store__flush(w->s);
}

/* Closing records what was written, so the file can be checked against it. */
static int close_top(struct writer *w, struct sim_thread *t, int status)
{
	struct open_frame *f = &t->stack[--t->depth];
	struct stored_span span = { .span_id = f->id, .parent_id = t->depth ? t->stack[t->depth - 1].id : 0,
				 .thread_key = t->key, .function_key = w->function, .start_ns = f->start,
				 .end_ns = w->now, .depth = f->depth, .status = status };

	w->spans++;
	w->duration_sum += w->now - f->start;
	w->id_sum += f->id;
	return store__close_span(w->s, &span);
}

static int open_call(struct writer *w, struct sim_thread *t)
{
	struct stored_span call = { .parent_id = t->depth ? t->stack[t->depth - 1].id : 0, .thread_key = t->key,
				 .function_key = w->function, .start_ns = w->now, .depth = t->depth };
	int64_t id = store__open_span(w->s, &call);

	if (id < 0)
		return -1;
	t->stack[t->depth++] = (struct open_frame){ id, w->now, call.depth };
	return 0;
}

/* A whole span with an id of its own, as stack mode stores them. */
static int whole_span(struct writer *w, struct sim_thread *t)
{
	struct stored_span span = { .span_id = store__next_span_id(w->s), .thread_key = t->key,
				 .function_key = w->function, .start_ns = w->now - 5, .end_ns = w->now,
				 .depth = 0 };

	w->spans++;
	w->duration_sum += 5;
	w->id_sum += span.span_id;
	return span.span_id < 0 ? -1 : store__append_span(w->s, &span);
}

static int step(struct writer *w)
{
	struct sim_thread *t = &w->threads[rnd(THREADS)];
	uint32_t r = rnd(1000);

	w->now += 1 + rnd(50);
	if (r < 3)
		return store__flush(w->s);
	if (r < 20)
		return whole_span(w, t);
	if (t->depth < MAX_OPEN && (t->depth == 0 || r < 520))
		return open_call(w, t);
	return close_top(w, t, SPAN_OK);
}

/* The long-lived root of each thread stays open to the end, then ends incomplete. */
static int finish_writer(struct writer *w)
{
	struct run_end end = { .end_mono_ns = w->now + 1 };
	int i, err = 0;

	w->now++;
	for (i = 0; i < THREADS; i++)
		while (w->threads[i].depth && !err)
			err = close_top(w, &w->threads[i], SPAN_INCOMPLETE);
	return err || store__end_run(w->s, &end);
}

static void check_run(sqlite3 *db, const char *run_id, const struct writer *w)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM span_view WHERE run_id = '%s'", run_id);
	EXPECT_EQ(query_int(db, sql), w->spans);
	snprintf(sql, sizeof(sql), "SELECT sum(duration_ns) FROM span_view WHERE run_id = '%s'", run_id);
	EXPECT_EQ(query_int(db, sql), w->duration_sum);
	snprintf(sql, sizeof(sql), "SELECT sum(span_id) FROM span_view WHERE run_id = '%s'", run_id);
	EXPECT_EQ(query_int(db, sql), w->id_sum);
	/* Every parent is in the same thread, starts no later and is one level up. */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM span_view c JOIN spans p ON p.span_id = c.parent_id"
		 " JOIN spans cs ON cs.span_id = c.span_id WHERE c.run_id = '%s'"
		 " AND (p.thread != cs.thread OR p.start_ns > cs.start_ns OR p.depth + 1 != cs.depth)",
		 run_id);
	EXPECT_EQ(query_int(db, sql), 0);
}

/* store__spans returns each run whole, by thread then id. */
static void check_reader(const char *path, const char *run_id, int64_t want)
{
	int64_t rows = 0, last_thread = 0, last_id = 0;
	struct span_reader *it = NULL;
	struct store *s = NULL;
	struct named_span row;
	struct run_row run;
	int bad = 0;

	if (!store__open(path, STORE_READ, &s) && !store__find_run(s, run_id, &run))
		it = store__spans(s, run.run_key, NULL);
	while (it && span_reader__next(it, &row) == 1) {
		bad += row.thread_key < last_thread || (row.thread_key == last_thread && row.span_id <= last_id);
		last_thread = row.thread_key;
		last_id = row.span_id;
		rows++;
	}
	EXPECT(it != NULL);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(rows, want);
	span_reader__free(it);
	store__free(s);
}

static void test_two_writers_random(void)
{
	const char *db = tmp_path("random.db");
	struct writer w[WRITERS];
	sqlite3 *conn = NULL;
	int i, err = 0;

	unlink(db);
	EXPECT_EQ(start_writer(&w[0], db, "a"), 0);
	EXPECT_EQ(start_writer(&w[1], db, "b"), 0);
	for (i = 0; i < STEPS && !err; i++)
		err = step(&w[rnd(WRITERS)]);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(finish_writer(&w[0]), 0);
	EXPECT_EQ(finish_writer(&w[1]), 0);
	store__free(w[0].s);
	store__free(w[1].s);
	sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL);
	check_run(conn, "a", &w[0]);
	check_run(conn, "b", &w[1]);
	EXPECT_EQ(query_int(conn, "SELECT count(*) FROM spans"), w[0].spans + w[1].spans);
	EXPECT(w[0].spans > STEPS / 4 && w[1].spans > STEPS / 4); /* the steps did run */
	sqlite3_close(conn);
	check_reader(db, "a", w[0].spans);
	check_reader(db, "b", w[1].spans);
}

int main(void)
{
	if (fixture_setup())
		return 1;
	RUN(test_two_writers_random);
	fixture_cleanup();
	CHECK_EXIT();
}
