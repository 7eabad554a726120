/*
 * The figures a run's tracer stores when it ends the run, so that the table and
 * the merged tree are read in time that does not grow with the spans: the same
 * walk, table and tree code as over the spans (hence the same figures, to the
 * byte), in one pass for both, then the exact percentiles of every function.
 * They are written in one short transaction once computed: the file's write lock
 * is not held while the spans are read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze_table.h"
#include "analyze_tree.h"
#include "core/log.h"

int analyze__stored_totals(struct run_query *ss, const struct run_row *run, struct stored_run_totals *out)
{
	const char *spans = getenv("FERRET_ANALYZE_SPANS");
	int found;

	if (spans && *spans && strcmp(spans, "0"))
		return 0;
	if ((found = run_query__stored_totals(ss, run->run_key, out)) <= 0)
		return found;
	/* Figures of other spans than the run holds now (a run ended twice?) are not its. */
	return out->spans == run->spans;
}

/* The table and the tree over one walk: the tree shares the table's functions. */
struct both {
	struct table table;
	struct tree tree;
};

static int both_thread_begin(void *ctx, const struct thread_info *th)
{
	return tree__thread_begin(&((struct both *)ctx)->tree, th);
}

static int both_push(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct both *b = ctx;
	int err = table__push(&b->table, f, parent);

	return err ? err : tree__push(&b->tree, f, parent);
}

static int both_pop(void *ctx, struct open_call *f, struct open_call *parent)
{
	struct both *b = ctx;
	int err = table__pop(&b->table, f, parent);

	return err ? err : tree__pop(&b->tree, f, parent);
}

static int both_thread_end(void *ctx)
{
	return tree__thread_end(&((struct both *)ctx)->tree);
}

static int compute(struct both *b, struct run_query *ss, const struct run_row *run,
		   const struct analyze_opts *o)
{
	static const struct walk_ops ops = {
		.thread_begin = both_thread_begin,
		.push = both_push,
		.pop = both_pop,
		.thread_end = both_thread_end,
	};
	int err;

	table__init(&b->table, ss, run, o);
	tree__init(&b->tree, ss, run, o, NULL, &b->table.fns);
	b->tree.record = true;
	if ((err = analyze__walk(ss, run, o, &b->table.fns, &ops, b)) || (err = table__finish_figures(&b->table)))
		return err;
	return table__all_percentiles(&b->table);
}

static int write_all(struct store *s, const struct both *b, const struct run_row *run)
{
	struct stored_run_totals totals = { .spans = b->table.spans, .traced_ns = b->table.traced_ns };
	struct figures_writer *w = store__write_figures(s, run->run_key);
	struct stored_function_row row;
	size_t i;
	int err = w ? 0 : -EIO;

	for (i = 0; !err && i < b->table.nfigures; i++) {
		table__stored_row(&b->table, (int32_t)i, &row);
		err = figures_writer__function(w, (int64_t)i, &row);
	}
	for (i = 0; !err && i < b->tree.nrecorded; i++)
		err = figures_writer__node(w, &b->tree.recorded[i]);
	if (!err)
		err = figures_writer__commit(w, &totals);
	figures_writer__free(w);
	return err ? -EIO : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int analyze__store_figures(struct store *s, const char *db_path, const char *run_id)
{
	struct analyze_opts o = { .db_path = db_path, .run_id = run_id, .raw = true }; /* as measured */
	struct run_row *run = malloc(sizeof(*run));
	struct both *b = calloc(1, sizeof(*b));
	struct run_query *ss = NULL;
	double start = now_s();
	int err = -EIO;

	if (!run || !b) {
		ferr("out of memory");
		err = -ENOMEM;
		goto cleanup;
	}
	if (store__find_run(s, run_id, run) || run_query__open(db_path, &ss))
		goto cleanup;
	err = compute(b, ss, run, &o);
	if (err == -ENOMEM)
		ferr("out of memory");
	if (!err && b->table.spans != run->spans) { /* the file changed under the walk */
		fdebug("run %s: %lld spans read, %lld recorded: no figures stored", run_id,
		       (long long)b->table.spans, (long long)run->spans);
		goto cleanup;
	}
	if (!err)
		err = write_all(s, b, run);
	if (!err)
		fdebug("run %s: analyze's figures of %lld spans stored in %.3f s", run_id,
		       (long long)run->spans, now_s() - start);
cleanup:
	if (err)
		fwarn("run %s: its figures were not stored: ferret analyze will read its spans", run_id);
	if (b) {
		table__free(&b->table);
		tree__free(&b->tree);
	}
	run_query__free(ss);
	free(run);
	free(b);
	return err;
}
