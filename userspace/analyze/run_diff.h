/*
 * run_diff: two runs compared, function by function (the table's figures) or call path by
 * call path (the merged trees of every thread, one tree per run).
 *
 * The figures of each run are analyze's own (table__compute and the tree's recorded paths,
 * stored or from the spans), so a diff says exactly what `ferret analyze` of each run says.
 * Functions are matched by name and module (keys differ between runs and files): functions
 * of one name and module in a run are one row. Call paths are matched by the names along
 * them, whatever thread they ran on.
 *
 * Usage, for any viewer:
 *	struct run_diff d;
 *	run_diff__init(&d);
 *	err = run_diff__functions(&d, qa, run_a, qb, run_b);   (or run_diff__tree)
 *	for (i = 0; i < d.n; i++) row = &d.rows[d.order[i]]; run_diff__change(row, DIFF_TOTAL, &c);
 *	run_diff__free(&d);
 */
#ifndef FERRET_RUN_DIFF_H
#define FERRET_RUN_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/hashmap.h"
#include "store/run_query.h"
#include "store/run_reader.h"

enum diff_fig { DIFF_CALLS, DIFF_TOTAL, DIFF_SELF, DIFF_AVG, DIFF_P95, DIFF_ERRORS, DIFF__COUNT };

/* One function (or call path) in one run. */
struct diff_side {
	bool present;	       /* the run has it */
	bool self_known;       /* false: not every call was stored (stack mode) */
	bool times_known;      /* false: --count-only (calls counted, never timed) */
	uint64_t calls, errors;
	int64_t total, self, avg, p95; /* avg and p95: the table only */
};

struct diff_row {
	const char *name, *module; /* the diff's own copies */
	int32_t name_index;	   /* of (name, module) in names[] */
	int32_t parent;		   /* tree: its parent's row; -1: a root (and every table row) */
	int32_t level;		   /* tree: 1 for a root; 0 in the table */
	bool hidden;		   /* run_diff__threshold: too small a change */
	struct diff_side a, b;
};

/* A figure's change from run A to run B. */
struct diff_change {
	bool known;	     /* both values exist (a figure a run does not have is unknown) */
	int64_t a, b, delta; /* delta: b - a */
	bool has_pct;	     /* a != 0 */
	double pct;	     /* 100 * delta / a */
};

struct run_diff {
	bool tree;
	struct diff_row *rows;
	size_t n, cap;
	size_t *order; /* table: by largest change of total; tree: pre-order, the same among siblings */
	char **names;  /* "name\0module" strings, interned */
	size_t nnames, names_cap;
	struct hashmap name_of; /* (hash, collision) -> name index */
	struct hashmap row_of;	/* (parent row, name index) -> row */
	int32_t *node_row;	/* tree: one thread's node number -> row */
	size_t node_cap;
};

void run_diff__init(struct run_diff *d);
void run_diff__free(struct run_diff *d);
/* The table's figures of run a (read through qa) and of run b (qb), every function of
 * either; d->order set. 0 or <0 (printed). */
int run_diff__functions(struct run_diff *d, struct run_query *qa, const struct run_row *a,
			struct run_query *qb, const struct run_row *b);
/* The merged call trees of every thread, one per run; d->order set. 0 or <0 (printed). */
int run_diff__tree(struct run_diff *d, struct run_query *qa, const struct run_row *a,
		   struct run_query *qb, const struct run_row *b);
/* One run's figure f of a row (false: the run has no such figure, or not this row). */
bool run_diff__value(const struct run_diff *d, const struct diff_side *s, enum diff_fig f, int64_t *v);
/* The figure's change in row r (a tree has no avg or p95: unknown). */
void run_diff__change(const struct run_diff *d, const struct diff_row *r, enum diff_fig f,
		      struct diff_change *out);
/* --threshold PCT: hides each row in both runs whose total and calls both changed by less
 * than pct percent (a tree's row stays while a row under it is shown); 0: none hidden. */
void run_diff__threshold(struct run_diff *d, double pct);
const char *diff_fig__name(enum diff_fig f); /* "calls", "total", ... */

/* ---- output (diff_out.c) ---- */
struct out_style;
struct jsonw;
struct diff_print {
	const struct run_row *a, *b;
	const char *db_a, *db_b;
	double threshold; /* 0: every row */
	long limit;	  /* rows of the table (0: all) */
};
int diff_out__text(const struct run_diff *d, const struct diff_print *p, const struct out_style *st);
int diff_out__json(const struct run_diff *d, const struct diff_print *p, FILE *out);
/* "key": {"db": db, run's fields}: a run as diff's JSON names it. */
void diff_out__json_run(struct jsonw *w, const char *key, const struct run_row *run, const char *db);

#endif /* FERRET_RUN_DIFF_H */
