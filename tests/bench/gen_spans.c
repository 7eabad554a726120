/*
 * gen_spans: writes a synthetic run of N spans through the store API, for the
 * analyze benchmark. Deterministic (fixed LCG seed): THREADS threads, each one
 * root "main" calling random subtrees (depth <= 8) of 500 functions. Like a real
 * program, the call graph is fixed (each function has 3 callees, some itself:
 * recursion) and popularity is skewed (80% of main's calls go to 40 functions).
 *
 * --shape requests: instead, the call tree of tests/bench/bench_calls.c (main ->
 * request -> parse, query -> fetch x2, render -> render -> render), one thread:
 * the same calls `uftrace record` sees, for a like-for-like comparison.
 *
 * At the end it stores analyze's figures as `ferret trace` does when a run ends (and says
 * how long that took), unless --no-figures: a run analyze reads from its spans.
 *
 *   gen_spans [--shape random|requests] [--no-figures] DB SPANS [THREADS [RUN_ID]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "store/store.h"
#include "core/util.h"

#define NFUNCS 500
#define MAX_LEVEL 8

struct gen {
	struct store *s;
	int64_t fn_keys[NFUNCS + 1]; /* [NFUNCS] is main */
	int callees[NFUNCS][3];
	int64_t thread_key;
	int64_t now;	    /* the thread's clock */
	int64_t budget;	    /* spans still to write for this thread */
	uint64_t rng;
	int err;
};

static uint32_t rnd(struct gen *g)
{
	g->rng = g->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(g->rng >> 33);
}

/* 80% of calls go to 40 functions: a profile with hot spots. */
static int pick_function(struct gen *g)
{
	uint32_t r = rnd(g);

	return r % 10 < 8 ? (int)(r / 10 % 40) : (int)(r / 10 % NFUNCS);
}

static void emit(struct gen *g, int64_t id, int64_t parent, int fn, int64_t start, int level, int status)
{
	struct stored_span rec = {
		.span_id = id,
		.parent_id = parent,
		.thread_key = g->thread_key,
		.function_key = g->fn_keys[fn],
		.start_ns = start,
		.end_ns = g->now,
		.depth = level,
		.status = status,
	};

	if (!g->err && store__append_span(g->s, &rec))
		g->err = -1;
}

static void call_graph(struct gen *g)
{
	int f, j;

	for (f = 0; f < NFUNCS; f++)
		for (j = 0; j < 3; j++)
			g->callees[f][j] = j == 0 && f % 17 == 0 ? f : pick_function(g);
}

static void call(struct gen *g, int fn, int64_t parent, int level)
{
	int64_t id = store__next_span_id(g->s), start = g->now;
	int children, i;

	g->budget--;
	g->now += 20 + rnd(g) % 200;
	children = level < MAX_LEVEL ? (int)(rnd(g) % 4) : 0;
	for (i = 0; i < children && g->budget > 0; i++)
		call(g, g->callees[fn][rnd(g) % 3], id, level + 1);
	g->now += 50 + rnd(g) % (rnd(g) % 100 ? 2000 : 200000); /* a slow call now and then */
	emit(g, id, parent, fn, start, level, rnd(g) % 1000 ? SPAN_OK : SPAN_INCOMPLETE);
}

/* One call of fn (index in fn_keys) whose children are made by body. */
static void traced(struct gen *g, int fn, int64_t parent, int level,
		   void (*body)(struct gen *g, int64_t id, int level, int arg), int arg)
{
	int64_t id = store__next_span_id(g->s), start = g->now;

	g->budget--;
	g->now += 15;
	if (body)
		body(g, id, level + 1, arg);
	g->now += 10 + rnd(g) % 30;
	emit(g, id, parent, fn, start, level, SPAN_OK);
}

enum { F_REQUEST, F_PARSE, F_QUERY, F_FETCH, F_RENDER };

static void render_body(struct gen *g, int64_t id, int level, int depth)
{
	if (depth > 1)
		traced(g, F_RENDER, id, level, render_body, depth - 1);
}

static void query_body(struct gen *g, int64_t id, int level, int arg)
{
	(void)arg;
	traced(g, F_FETCH, id, level, NULL, 0);
	traced(g, F_FETCH, id, level, NULL, 0);
}

static void request_body(struct gen *g, int64_t id, int level, int arg)
{
	(void)arg;
	traced(g, F_PARSE, id, level, NULL, 0);
	traced(g, F_QUERY, id, level, query_body, 0);
	traced(g, F_RENDER, id, level, render_body, 3);
}

static void requests(struct gen *g, int64_t spans)
{
	int64_t id = store__next_span_id(g->s), start = g->now;

	g->budget = spans - 1;
	while (g->budget >= 8 && !g->err)
		traced(g, F_REQUEST, id, 1, request_body, 0);
	emit(g, id, 0, NFUNCS, start, 0, SPAN_OK);
}

static void thread(struct gen *g, int64_t spans)
{
	int64_t id = store__next_span_id(g->s), start = g->now;

	g->budget = spans - 1;
	g->now += 100;
	while (g->budget > 0 && !g->err)
		call(g, pick_function(g), id, 1);
	g->now += 100;
	emit(g, id, 0, NFUNCS, start, 0, SPAN_OK);
}

int main(int argc, char **argv)
{
	struct gen g = { .rng = 42 };
	struct run_info info = { .mode = "command", .pid = 1000, .start_mono_ns = 1000000000000LL };
	static const char *const request_names[] = { "request", "parse", "query", "fetch", "render" };
	long spans, threads = 4, t;
	int64_t module, lib;
	char name[32], cmd[64], run_id[128];
	bool shape_requests = false, figures = true;
	double figures_s = 0;
	int i;

	for (;;) {
		if (argc > 2 && !strcmp(argv[1], "--shape")) {
			shape_requests = !strcmp(argv[2], "requests");
			argc -= 2;
			argv += 2;
		} else if (argc > 1 && !strcmp(argv[1], "--no-figures")) {
			figures = false;
			argc--;
			argv++;
		} else {
			break;
		}
	}
	if (argc < 3 || parse_long(argv[2], &spans) || spans < 1 ||
	    (argc > 3 && (parse_long(argv[3], &threads) || threads < 1))) {
		fprintf(stderr, "usage: gen_spans [--shape random|requests] [--no-figures] DB SPANS [THREADS [RUN_ID]]\n");
		return 2;
	}
	if (shape_requests)
		threads = 1;
	snprintf(cmd, sizeof(cmd), "gen_spans %ld", spans);
	info.command = cmd;
	info.run_id = argc > 4 ? argv[4] : NULL;
	info.start_real_ns = real_ns();
	if (store__open(argv[1], STORE_WRITE, &g.s) || store__begin_run(g.s, &info))
		return 1;
	module = store__add_module(g.s, "/usr/bin/synthetic", NULL);
	lib = store__add_module(g.s, "/usr/lib/x86_64-linux-gnu/libsynthetic.so.1", NULL);
	for (i = 0; i < NFUNCS; i++) {
		if (shape_requests && i < 5)
			snprintf(name, sizeof(name), "%s", request_names[i]);
		else
			snprintf(name, sizeof(name), "fn_%03d", i);
		g.fn_keys[i] = store__add_function(g.s, i % 5 ? module : lib, name, NULL, 0x1000 + 16 * i);
	}
	g.fn_keys[NFUNCS] = store__add_function(g.s, module, "main", NULL, 0x800);
	g.now = info.start_mono_ns;
	call_graph(&g);
	for (t = 0; t < threads && !g.err; t++) {
		g.thread_key = store__add_thread(g.s, 1000, (int)(1000 + t), t ? "worker" : "synthetic");
		if (shape_requests)
			requests(&g, spans);
		else
			thread(&g, spans / threads + (t < spans % threads));
	}
	snprintf(run_id, sizeof(run_id), "%s", store__run_id(g.s));
	if (g.err || store__end_run(g.s, &(struct run_end){ .end_mono_ns = g.now + 1000 })) {
		store__free(g.s);
		return 1;
	}
	/* What a tracer does when it ends a run: analyze's figures stored (timed). */
	if (figures) {
		figures_s = (double)mono_ns();
		if (analyze__store_figures(g.s, argv[1], run_id)) {
			store__free(g.s);
			return 1;
		}
		figures_s = ((double)mono_ns() - figures_s) / 1e9;
	}
	printf("%s: run %s, %ld spans", argv[1], run_id, spans);
	if (figures)
		printf(", analyze's figures stored in %.3f s", figures_s);
	printf("\n");
	store__free(g.s);
	return 0;
}
