/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * span_notes: what a run records beside its spans (schema version 7): the kind of a function
 * that is not a traced one (functions.kind: 'explicit' for ferret.h's spans, 'usdt' for a
 * --usdt-span pair), tags (span_tags, read through tag_view) and instant events of USDT
 * probes (span_events, read through event_view). Written through the store's connection.
 */
#ifndef FERRET_SPAN_NOTES_H
#define FERRET_SPAN_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define SPAN_KIND_EXPLICIT "explicit"
#define SPAN_KIND_USDT "usdt"

/* The SQL of schema version 7's additions, for a new file and for one of version 5. */
extern const char span_notes__schema_sql[];

struct span_tag {
	int64_t span_id;
	char *key;
	char *text;   /* NULL: an integer tag */
	int64_t ival; /* an integer tag's value */
};

struct span_event_row {
	int64_t thread_key;
	int64_t span_id; /* 0: no span was open on the thread */
	int64_t ts_ns;	 /* CLOCK_MONOTONIC */
	const char *probe; /* "provider:name" */
	const int64_t *args;
	size_t nargs;
};

struct span_notes;

struct span_notes *span_notes__new(struct db *db); /* NULL: out of memory (printed) */
void span_notes__free(struct span_notes *n);
int span_notes__set_kind(struct span_notes *n, int64_t function_key, const char *kind);
int span_notes__add_tag(struct span_notes *n, const struct span_tag *tag);
int span_notes__add_event(struct span_notes *n, const struct span_event_row *ev);

/* A run's tags, by span id (then in the order they were set). */
struct span_tag_list {
	struct span_tag *tags;
	size_t count, cap;
};
int span_tags__read(struct db *db, int64_t run_key, struct span_tag_list *out);
/* The tags of span_id: *n of them from the one returned (NULL, *n = 0: none). */
const struct span_tag *span_tags__of(const struct span_tag_list *l, int64_t span_id, size_t *n);
void span_tags__free(struct span_tag_list *l);

#endif
