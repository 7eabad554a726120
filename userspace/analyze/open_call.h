/*
 * open_call: a thread's stack of calls entered and not yet returned, each with the
 * time its direct children took so far. The one stack under analyze's walk (self
 * times, nesting) and export's nesting of spans for viewers.
 */
#ifndef FERRET_OPEN_CALL_H
#define FERRET_OPEN_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct open_call {
	int64_t span_id;
	int64_t start_ns;    /* analyze: relative to the run's start; export: as stored */
	int64_t duration_ns;
	int64_t children_ns; /* durations of its direct children popped so far:
			      * self = duration_ns - children_ns */
	int32_t fn;	     /* analyze: index in the func_table */
	int32_t status;
	bool outermost;	     /* analyze: no other activation of the same function below it */
	bool extended;	     /* analyze: lasts longer than recorded, until a child's end */
	/* analyze, --status/--where (analyze_args.h); false, as zeroed, without them */
	bool skipped;	       /* it does not pass */
	bool outermost_picked; /* it passes, and no activation below it of its function does */
	bool picked_inside;    /* some call inside it passes (known at its pop) */
	int64_t probe_ns;    /* analyze: probe cost of its traced descendants popped so far */
	int64_t user;	     /* the caller's: a tree node, a viewer's frame index, ... */
	/* analyze: the span's on-CPU, blocked and run-queue time (has_sched false: none). */
	bool has_sched;
	int32_t blocked_in; /* a system call number; -1: none */
	int64_t cpu_ns, blocked_ns, runq_ns;
};

/* The span's on-CPU, blocked and run-queue time, from a reader's row: a macro, since analyze
 * reads keyed_span rows and export named_span ones, with these fields alike. */
#define OPEN_CALL_TAKE_SCHED(c, row)                                                               \
	do {                                                                                       \
		(c)->has_sched = (row)->has_sched;                                                 \
		(c)->blocked_in = (row)->blocked_in;                                               \
		(c)->cpu_ns = (row)->cpu_ns;                                                       \
		(c)->blocked_ns = (row)->blocked_ns;                                               \
		(c)->runq_ns = (row)->runq_ns;                                                     \
	} while (0)

struct call_stack {
	struct open_call *calls;
	size_t depth, cap;
};

/* a + b and a - b saturated at the int64 limits: a crafted file holds any value, and a
 * sum of durations must not wrap (undefined behaviour, then a wrong figure). */
static inline int64_t add_ns(int64_t a, int64_t b)
{
	int64_t r;

	return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

static inline int64_t sub_ns(int64_t a, int64_t b)
{
	int64_t r;

	return __builtin_sub_overflow(a, b, &r) ? (b < 0 ? INT64_MAX : INT64_MIN) : r;
}

static inline int64_t open_call__end_ns(const struct open_call *c)
{
	return add_ns(c->start_ns, c->duration_ns);
}

/* A zeroed new top, or NULL when out of memory (nothing printed). Pointers into the
 * stack are invalid after a push. */
struct open_call *call_stack__push(struct call_stack *s);
/* Removes the top, counting its duration into its parent's children_ns. */
void call_stack__pop(struct call_stack *s);
void call_stack__free(struct call_stack *s); /* the stack is empty again */

/* Inline: the walk asks for the top at every span. NULL when empty. */
static inline struct open_call *call_stack__top(struct call_stack *s)
{
	return s->depth ? &s->calls[s->depth - 1] : NULL;
}

/* The call below the top, or NULL. */
static inline struct open_call *call_stack__parent(struct call_stack *s)
{
	return s->depth >= 2 ? &s->calls[s->depth - 2] : NULL;
}

#endif /* FERRET_OPEN_CALL_H */
