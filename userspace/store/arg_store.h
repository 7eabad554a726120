/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arg_store: what calls carried (-A, -R, --error): span_args rows (a call's arguments,
 * return value, errno), written batched beside the spans, and arg_specs (what each
 * function's positions are named and typed). Read back per span for analyze and export.
 */
#ifndef FERRET_ARG_STORE_H
#define FERRET_ARG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define ARG_POS_RETVAL 0
#define ARG_POS_ERRNO (-1)
#define ARG_POS_NAME (-2) /* --name: the call's name, as text */

enum arg_value_type {
	ARG_VALUE_NULL, /* not readable (a string argument pointing to unmapped memory) */
	ARG_VALUE_INT,
	ARG_VALUE_TEXT, /* valid UTF-8 */
	ARG_VALUE_BLOB, /* a string that is not UTF-8: its bytes as they were */
};

struct arg_value {
	int type; /* enum arg_value_type */
	int64_t i;
	const char *bytes; /* TEXT, BLOB: not NUL-terminated */
	size_t len;
};

/* One stored value with what its function's arg_specs say of its position. */
struct stored_arg {
	int position;
	const char *name; /* "arg1", "retval", "errno", or DWARF's name */
	const char *type; /* the format ("d", "s", "x", "u64"); "" when not recorded */
	struct arg_value value;
};

struct arg_writer;

struct arg_writer *arg_writer__new(struct db *db); /* NULL: out of memory (printed) */
void arg_writer__free(struct arg_writer *w);	   /* NULL is a no-op; writes nothing */
/* A function's position: written at once (the run's functions are written together). */
int arg_writer__add_spec(struct arg_writer *w, int64_t function_key, int position, const char *name,
			 const char *type);
/* One value of a call: batched (copied). */
int arg_writer__add(struct arg_writer *w, int64_t span_id, int position, const struct arg_value *v);
int arg_writer__flush(struct arg_writer *w); /* commits what is batched */
int64_t arg_writer__rows(const struct arg_writer *w); /* values added so far */

/* Calls cb for each value of the span, by position (the return value, then arguments).
 * A file of schema version 5 has none. 0, a non-zero cb return, or <0 (printed). */
typedef int (*stored_arg_cb)(void *ctx, const struct stored_arg *a);
struct arg_reader;
struct arg_reader *arg_reader__new(struct db *db); /* NULL: error (printed) */
int arg_reader__span(struct arg_reader *r, int64_t span_id, stored_arg_cb cb, void *ctx);
/* Whether some function of the run has captured values (arg_specs rows): 1, 0, or <0. */
int arg_reader__run_has_values(struct arg_reader *r, int64_t run_key);
void arg_reader__free(struct arg_reader *r);

/* analyze --by name: the run's calls grouped by their --name, the longest total first. */
struct name_figures {
	const char *name;
	int64_t calls, total_ns, min_ns, max_ns;
	int64_t errors;	    /* of status error */
	int64_t incomplete; /* neither ok nor error */
};
int arg_reader__by_name(struct arg_reader *r, int64_t run_key,
			int (*cb)(void *ctx, const struct name_figures *f), void *ctx);

#endif
