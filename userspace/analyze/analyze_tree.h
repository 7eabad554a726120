/* The call tree's inner interface: analyze_tree.c builds one thread at a time,
 * analyze_tree_out.c prints it as text or JSON. */
#ifndef FERRET_ANALYZE_TREE_H
#define FERRET_ANALYZE_TREE_H

#include "analyze.h"
#include "analyze_args.h"
#include "analyze_sched.h"

/* One visible line of a thread's tree, in pre-order (a parent before its children). */
struct tree_row {
	int32_t fn;
	int32_t level;	 /* 1 for a root */
	bool last;	 /* no later sibling is shown: draws └── instead of ├── */
	int32_t status;	 /* --calls: the call's status */
	bool picked;	 /* --calls: --status/--where pick it (every call without them) */
	uint64_t calls;	 /* merged: how many calls share the path; --calls: 1 */
	uint64_t errors;
	int64_t total_ns;
	int64_t self_ns;
	int64_t start_ns;  /* --calls: relative to the run's start */
	int64_t parent_ns; /* the parent's total (the thread's for a root): the % column */
	int64_t span_id;   /* --calls: the call's span (its tags, its stored arguments) */
	struct sched_sum sched; /* its calls' on-CPU/blocked time: the label */
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
	struct span_tag_list tags; /* --calls: the run's tags (ferret.h), shown after each call */
	struct arg_reader *args; /* --calls: the calls' arguments (-A, -R); NULL: none */
};

#define PRUNED (-2) /* open_call.user of a call below --max-depth (--calls) */

struct tree_node {
	int32_t fn, parent, first_child, next_sibling, level;
	int32_t last_child; /* the child child_of() found last; 0: none */
	uint32_t subtree; /* nodes in its subtree, itself included */
	uint64_t calls, errors;
	int64_t total, self;
	struct sched_sum sched; /* its calls' on-CPU/blocked time */
};

/* A run's trees, built one thread at a time (analyze_tree.c). */
struct tree {
	const struct analyze_opts *o;
	struct tree_printer p;
	struct func_table *fns; /* &own_fns, or the table's when one walk computes both */
	struct func_table own_fns;
	struct run_query *ss;
	bool record;		       /* each thread's merged nodes are kept in recorded, not printed */
	struct stored_tree_node *recorded;
	size_t nrecorded, recorded_cap;
	int64_t thread_key;	       /* the thread being built */
	struct tree_thread th;
	struct tree_node *nodes; /* merged paths; node 0 is the thread */
	size_t n, cap;
	struct hashmap node_of; /* (parent node, fn) -> node */
	struct tree_row *rows; /* --calls: every call; merged: the flattened tree */
	size_t nrows, rows_cap;
	int32_t *stack; /* children sorting and the depth-first walk */
	size_t stack_cap;
	int64_t *level_ns; /* --calls: the total of the latest row of each level */
	size_t level_cap;
	int32_t *stored_node; /* read as stored: each stored node's node here (-1: out of focus) */
	size_t nstored, stored_cap;
	int64_t spans;
};

/* fns: NULL for a table of its own (the --function glob's). */
void tree__init(struct tree *t, struct run_query *ss, const struct run_row *run,
		const struct analyze_opts *o, const struct out_style *st, struct func_table *fns);
void tree__free(struct tree *t);
/* A new node for fn under parent, first of its children; <0: out of memory. */
int32_t tree__add_child(struct tree *t, int32_t parent, int32_t fn);
/* The node for fn called from parent, created on first sight; <0: out of memory. */
int32_t tree__child_of(struct tree *t, int32_t parent, int32_t fn);
/* 1: the merged trees stored when the run ended were read (their threads after --pid/--thread;
 * analyze_tree_stored.c); 0: the spans must be (--calls, --compensate, --status, --where);
 * <0: error. */
int tree__read_stored(struct tree *t, const struct run_row *run);
/* The walk's callbacks (ctx: the tree). */
int tree__thread_begin(void *ctx, const struct thread_info *th);
int tree__push(void *ctx, struct open_call *f, struct open_call *parent);
int tree__pop(void *ctx, struct open_call *f, struct open_call *parent);
int tree__thread_end(void *ctx);

/* 0, or -EIO when out of memory (printed). */
int tree_out__thread(struct tree_printer *p, const struct tree_thread *th);
/* Closes the output (and frees what printing holds); nothing is printed at all when no
 * thread was. */
void tree_out__end(struct tree_printer *p);

#endif /* FERRET_ANALYZE_TREE_H */
