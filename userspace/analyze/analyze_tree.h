/* The call tree's inner interface: analyze_tree.c builds one thread at a time,
 * analyze_tree_out.c prints it as text or JSON. */
#ifndef FERRET_ANALYZE_TREE_H
#define FERRET_ANALYZE_TREE_H

#include "analyze.h"

/* One visible line of a thread's tree, in pre-order (a parent before its children). */
struct tree_row {
	int32_t fn;
	int32_t level;	 /* 1 for a root */
	bool last;	 /* no later sibling is shown: draws └── instead of ├── */
	int32_t status;	 /* --calls: the call's status */
	uint64_t calls;	 /* merged: how many calls share the path; --calls: 1 */
	uint64_t errors;
	int64_t total_ns;
	int64_t self_ns;
	int64_t start_ns;  /* --calls: relative to the run's start */
	int64_t parent_ns; /* the parent's total (the thread's for a root): the % column */
};

struct tree_thread {
	int pid, tid;
	char comm[64];
	int64_t total_ns; /* sum of its roots */
	uint64_t hidden_nodes;
	int64_t hidden_ns;
	const struct tree_row *rows;
	size_t n;
};

struct tree_printer {
	const struct out_style *st;
	const struct func_table *fns;
	const struct analyze_opts *o;
	const struct run_row *run;
	size_t threads;	    /* printed so far */
	struct jsonw *json; /* --json: from the first thread printed to tree_out__end */
};

/* 0, or -EIO when out of memory (printed). */
int tree_out__thread(struct tree_printer *p, const struct tree_thread *th);
/* Closes the output (and frees what printing holds); nothing is printed at all when no
 * thread was. */
void tree_out__end(struct tree_printer *p);

#endif /* FERRET_ANALYZE_TREE_H */
