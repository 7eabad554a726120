/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * span_rows: the rows of the spans table, below span_writer. Its prepared statements, and
 * inserting spans in id order: the id after the last one stored gets a NULL rowid, so SQLite
 * appends the row without a b-tree search, when the table's last row is this writer's.
 */
#ifndef FERRET_SPAN_ROWS_H
#define FERRET_SPAN_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "span_writer.h"

struct span_rows {
	struct db *db;		/* NULL until span_rows__prepare */
	int64_t run_start_ns;	/* stored start_ns are relative to it */
	int64_t last_stored_id; /* the highest span id inserted */
	bool may_append;	/* no other writer's span since ours: NULL rowids are ours */
	struct sqlite3_stmt *insert_one;  /* one span */
	struct sqlite3_stmt *insert_many; /* several spans in one statement */
	struct sqlite3_stmt *update;	  /* a call that was open when its row was written */
};

int span_rows__prepare(struct span_rows *sr, struct db *db); /* 0 or -1 (printed) */
void span_rows__free(struct span_rows *sr);		     /* the statements */
/* Once per transaction: whether the table's last row is ours. 0 or -1 (printed). */
int span_rows__check_append(struct span_rows *sr);
/* Inserts n spans in ascending id order: how many went in (duplicates are skipped), or -1
 * with why set (an SQLite error, or a row that landed under another id than meant). */
int64_t span_rows__insert(struct span_rows *sr, const struct stored_span *spans, size_t n, char *why,
			  size_t why_len);
/* A call whose row went in as an open placeholder: its duration and status. 0 or -1. */
int span_rows__update(struct span_rows *sr, const struct stored_span *span);

#endif
