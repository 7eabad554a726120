/*
 * run_ref: a run named on the command line, "RUN" (a run of the database given) or
 * "OTHER.db:RUN" (a run of another file), opened for reading with its better names
 * (run_names). `ferret diff`'s two runs and `ferret view --diff`'s second one.
 */
#ifndef FERRET_RUN_REF_H
#define FERRET_RUN_REF_H

#include <stdbool.h>

#include "store/run_query.h"
#include "store/store.h"

struct run_ref {
	char *db, *run_id; /* malloc'd */
	struct store *store;
	struct run_query *q;
	struct func_names *names;
	struct run_row run;
};

/* path names a regular file. */
bool run_ref__is_file(const char *path);
/* "A.db:RUN" when the part before the last ':' is a file; else run arg of db.
 * 0, or -1: out of memory (not printed). */
int run_ref__parse(const char *arg, const char *db, struct run_ref *r);
/* Opens r's database and finds its run. 0, or -1 (printed). */
int run_ref__open(struct run_ref *r);
void run_ref__free(struct run_ref *r);

#endif
