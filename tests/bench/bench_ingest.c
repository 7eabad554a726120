/*
 * bench_ingest: feeds synthetic ring-buffer records through the real decoding
 * and storage path (ingest -> span builder -> store) and reports how fast it
 * stores them, how many bytes each span takes on disk and the peak RSS.
 *
 *   bench_ingest DB SPANS [THREADS]
 *
 * The stream looks like the BPF side's: one FERRET_EV_THREAD per thread, then
 * ENTRY/EXIT pairs with increasing timestamps, call trees 1-4 deep, threads
 * interleaved tree by tree. Records are generated into a ring-buffer-sized chunk
 * first and only feeding them is timed, so the figure is the consumer's cost.
 * Prints one line of "key value" pairs (close_seconds and feed_rss_kb: the share of
 * closing the run, and the peak before it); exits non-zero if any span is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "bpf/events.h"
#include "trace/ingest.h"
#include "store/store.h"
#include "core/util.h"

#define NFUNCS 200
#define MAX_DEPTH 4
#define CHUNK_RECORDS 65536 /* records generated ahead, like a filled ring buffer */
#define PID 4242

_Static_assert(sizeof(struct ferret_event) == 24, "ABI: entry/exit records are 24 bytes");

struct record {
	union {
		struct ferret_event ev;
		struct ferret_thread_event thread;
	};
	uint32_t size;
};

struct bench {
	struct ingest *in;
	struct record *chunk;
	size_t used;
	int64_t budget; /* spans still to generate */
	int64_t now;	/* the stream's clock (ns) */
	int64_t feed_ns;  /* records -> ingest, and closing the run */
	int64_t close_ns; /* of which closing the run */
	long feed_rss_kb; /* peak RSS before closing the run */
	uint64_t rng;
	int err;
};

static uint32_t rnd(struct bench *b)
{
	b->rng = b->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(b->rng >> 33);
}

/* Hands the generated records to ingest, timing only that. */
static void feed(struct bench *b)
{
	int64_t t0 = mono_ns();
	size_t i;

	for (i = 0; i < b->used && !b->err; i++)
		if (ingest__event(b->in, &b->chunk[i], b->chunk[i].size) < 0)
			b->err = -1;
	b->feed_ns += mono_ns() - t0;
	b->used = 0;
}

static struct record *next_record(struct bench *b, uint16_t type, uint32_t tid, uint32_t func_id, uint32_t size)
{
	struct record *r;

	if (b->used == CHUNK_RECORDS)
		feed(b);
	r = &b->chunk[b->used++];
	memset(r, 0, sizeof(*r));
	b->now += 20 + rnd(b) % 200;
	r->ev = (struct ferret_event){ .ts_ns = (uint64_t)b->now, .pid = PID, .tid = tid,
				       .func_id = func_id, .type = type };
	r->size = size;
	return r;
}

/* 80% of calls go to 20 functions, as in real profiles. */
static uint32_t pick_function(struct bench *b)
{
	uint32_t r = rnd(b);

	return r % 10 < 8 ? r / 10 % 20 : r / 10 % NFUNCS;
}

static void call(struct bench *b, uint32_t tid, int depth)
{
	uint32_t fn = pick_function(b);
	int children = depth < MAX_DEPTH ? (int)(rnd(b) % 3) : 0;

	b->budget--;
	next_record(b, FERRET_EV_ENTRY, tid, fn, sizeof(struct ferret_event));
	for (int i = 0; i < children && b->budget > 0; i++)
		call(b, tid, depth + 1);
	next_record(b, FERRET_EV_EXIT, tid, fn, sizeof(struct ferret_event));
}

static void generate(struct bench *b, int threads)
{
	struct record *r;
	int t;

	for (t = 0; t < threads; t++) {
		r = next_record(b, FERRET_EV_THREAD, PID + (uint32_t)t, 0, sizeof(struct ferret_thread_event));
		snprintf(r->thread.comm, sizeof(r->thread.comm), "worker-%d", t % 1000);
	}
	for (t = 0; b->budget > 0 && !b->err; t = (t + 1) % threads)
		call(b, PID + (uint32_t)t, 1);
	feed(b);
}

static int setup_functions(struct store *s, int64_t *keys)
{
	char name[32];
	int64_t module = store__add_module(s, "/usr/bin/synthetic", NULL);

	if (module < 0)
		return -1;
	for (int i = 0; i < NFUNCS; i++) {
		snprintf(name, sizeof(name), "fn_%03d", i);
		keys[i] = store__add_function(s, module, name, NULL, 0x1000 + 16 * (uint64_t)i);
		if (keys[i] < 0)
			return -1;
	}
	return 0;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static long long file_size(const char *db, const char *suffix)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", db, suffix);
	return stat(path, &st) ? 0 : (long long)st.st_size;
}

/* Spans the DB really holds, read back through the store. */
static long long stored_spans(const char *db)
{
	struct store *s = NULL;
	struct run_row run;
	long long n = -1;

	if (!store__open(db, STORE_READ, &s) && !store__find_run(s, NULL, &run))
		n = run.spans;
	store__free(s);
	return n;
}

static int run_bench(const char *db, long spans, long threads, struct bench *b)
{
	struct run_info info = { .command = "bench_ingest", .mode = "command", .pid = PID };
	struct store *s = NULL;
	int64_t keys[NFUNCS], t0;
	int err = -1;

	info.start_mono_ns = b->now = mono_ns();
	info.start_real_ns = real_ns();
	if (store__open(db, STORE_WRITE, &s) || store__begin_run(s, &info) || setup_functions(s, keys) ||
	    ingest__new(s, keys, NFUNCS, &b->in))
		goto cleanup;
	b->budget = spans;
	generate(b, (int)threads);
	if (b->err)
		goto cleanup;
	/* Closing the run (last window, thread ranges, WAL checkpoint) is part of storing. */
	b->feed_rss_kb = peak_rss_kb();
	t0 = mono_ns();
	if (ingest__finish(b->in, b->now) ||
	    store__end_run(s, &(struct run_end){ .end_mono_ns = b->now + 1000 }))
		goto cleanup;
	store__free(s);
	s = NULL;
	b->close_ns = mono_ns() - t0;
	b->feed_ns += b->close_ns;
	err = 0;
cleanup:
	store__free(s);
	return err;
}

int main(int argc, char **argv)
{
	struct bench b = { .rng = 42 };
	long spans, threads = 4;
	long long stored, bytes;
	double secs;
	int err = 1;

	if (argc < 3 || parse_long(argv[2], &spans) || spans < 1 ||
	    (argc > 3 && (parse_long(argv[3], &threads) || threads < 1 || threads > 1000))) {
		fprintf(stderr, "usage: bench_ingest DB SPANS [THREADS]\n");
		return 2;
	}
	b.chunk = calloc(CHUNK_RECORDS, sizeof(*b.chunk));
	if (!b.chunk || run_bench(argv[1], spans, threads, &b))
		goto cleanup;
	stored = stored_spans(argv[1]);
	bytes = file_size(argv[1], "") + file_size(argv[1], "-wal");
	secs = (double)b.feed_ns / 1e9;
	printf("spans %ld stored %lld incomplete %lld unmatched %lld bad %lld seconds %.3f close_seconds %.3f "
	       "spans_per_s %.0f db_bytes %lld bytes_per_span %.2f peak_rss_kb %ld feed_rss_kb %ld\n",
	       spans, stored, (long long)ingest__counts(b.in)->incomplete,
	       (long long)ingest__counts(b.in)->unmatched_exits, (long long)ingest__bad_events(b.in), secs,
	       (double)b.close_ns / 1e9, (double)spans / secs, bytes, (double)bytes / (double)spans, peak_rss_kb(),
	       b.feed_rss_kb);
	err = stored == spans ? 0 : 1;
cleanup:
	ingest__free(b.in);
	free(b.chunk);
	return err;
}
