/* SPDX-License-Identifier: BSD-2-Clause */
/* span_notes: function kinds, tags and instant events (see span_notes.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/log.h"
#include "core/util.h"
#include "span_notes.h"

const char span_notes__schema_sql[] =
	/* A comment after an added column stays in the table's SQL, so it must be closed. */
	"ALTER TABLE functions ADD COLUMN kind TEXT /* NULL: a traced function; 'explicit': a span\n"
	" the program opened (ferret.h, one row per name); 'usdt': a --usdt-span pair of probes */;"
	"CREATE TABLE span_events(\n"
	"-- -u: one row per firing of a USDT probe, an instant event on its thread.\n"
	" thread INTEGER REFERENCES threads(id),\n"
	" span_id INTEGER, -- the innermost span open on the thread then; NULL: none\n"
	" ts_ns INTEGER, -- CLOCK_MONOTONIC ns\n"
	" probe TEXT, -- 'provider:name'\n"
	" args TEXT -- JSON array of the probe's arguments as integers (a string's is its address)\n"
	");"
	"CREATE VIEW tag_view AS\n"
	"-- One row per tag of a span: FERRET_TAG (text value), FERRET_TAG_INT (integer value),\n"
	"-- FERRET_STATUS (key 'status'), FERRET_NAME on a traced function's call (key 'name').\n"
	"SELECT r.run_id AS run_id, g.span_id AS span_id, g.key AS key, g.value AS value\n"
	"FROM span_tags g JOIN spans s ON s.span_id = g.span_id JOIN threads t ON t.id = s.thread\n"
	" JOIN runs r ON r.id = t.run;"
	"CREATE VIEW event_view AS\n"
	"-- One row per instant event (-u). ts_ns: CLOCK_MONOTONIC ns; span_id: NULL when no span was open.\n"
	"SELECT r.run_id AS run_id, t.pid AS pid, t.tid AS tid, e.span_id AS span_id,\n"
	" e.ts_ns AS ts_ns, e.probe AS probe, e.args AS args\n"
	"FROM span_events e JOIN threads t ON t.id = e.thread JOIN runs r ON r.id = t.run;";

struct span_notes {
	struct db *db;
	sqlite3_stmt *set_kind, *add_tag, *add_event;
};

struct span_notes *span_notes__new(struct db *db)
{
	struct span_notes *n = calloc(1, sizeof(*n));

	if (!n)
		ferr("out of memory");
	else
		n->db = db;
	return n;
}

void span_notes__free(struct span_notes *n)
{
	if (!n)
		return;
	sqlite3_finalize(n->set_kind);
	sqlite3_finalize(n->add_tag);
	sqlite3_finalize(n->add_event);
	free(n);
}

/* The statement, prepared at its first use, inside the write transaction. */
static int ready(struct span_notes *n, sqlite3_stmt **stmt, const char *sql)
{
	if (db__begin(n->db))
		return -1;
	return *stmt ? 0 : db__prepare(n->db, sql, stmt);
}

static int step(struct span_notes *n, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? 0 : db__error(n->db, what);
}

int span_notes__set_kind(struct span_notes *n, int64_t function_key, const char *kind)
{
	if (ready(n, &n->set_kind, "UPDATE functions SET kind = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_text(n->set_kind, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(n->set_kind, 2, function_key);
	return step(n, n->set_kind, "cannot add a function");
}

int span_notes__add_tag(struct span_notes *n, const struct span_tag *tag)
{
	if (ready(n, &n->add_tag, "INSERT INTO span_tags(span_id, key, value) VALUES(?, ?, ?)"))
		return -1;
	sqlite3_bind_int64(n->add_tag, 1, tag->span_id);
	sqlite3_bind_text(n->add_tag, 2, tag->key, -1, SQLITE_TRANSIENT);
	if (tag->text)
		sqlite3_bind_text(n->add_tag, 3, tag->text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(n->add_tag, 3, tag->ival);
	return step(n, n->add_tag, "cannot add a tag");
}

int span_notes__add_event(struct span_notes *n, const struct span_event_row *ev)
{
	char args[16 * 24]; /* 12 arguments of at most 20 digits each */
	size_t i, len = 0;

	if (ready(n, &n->add_event, "INSERT INTO span_events(thread, span_id, ts_ns, probe, args)"
				    " VALUES(?, ?, ?, ?, ?)"))
		return -1;
	args[len++] = '[';
	for (i = 0; i < ev->nargs && len < sizeof(args) - 24; i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, "%s%" PRId64, i ? "," : "", ev->args[i]);
	snprintf(args + len, sizeof(args) - len, "]");
	sqlite3_bind_int64(n->add_event, 1, ev->thread_key);
	if (ev->span_id)
		sqlite3_bind_int64(n->add_event, 2, ev->span_id);
	sqlite3_bind_int64(n->add_event, 3, ev->ts_ns);
	sqlite3_bind_text(n->add_event, 4, ev->probe, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(n->add_event, 5, args, -1, SQLITE_TRANSIENT);
	return step(n, n->add_event, "cannot add an event");
}

static int add_read_tag(struct span_tag_list *l, sqlite3_stmt *stmt)
{
	struct span_tag *t;

	if (grow_array((void **)&l->tags, &l->cap, l->count + 1, sizeof(*l->tags)))
		return -1;
	t = &l->tags[l->count];
	*t = (struct span_tag){ .span_id = sqlite3_column_int64(stmt, 0), .key = db__dup_text(stmt, 1) };
	if (sqlite3_column_type(stmt, 2) == SQLITE_INTEGER)
		t->ival = sqlite3_column_int64(stmt, 2);
	else
		t->text = db__dup_text(stmt, 2);
	if (!t->key || (sqlite3_column_type(stmt, 2) != SQLITE_INTEGER && !t->text)) {
		free(t->key);
		free(t->text);
		return -1;
	}
	l->count++;
	return 0;
}

int span_tags__read(struct db *db, int64_t run_key, struct span_tag_list *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (db__prepare(db, "SELECT g.span_id, g.key, g.value FROM span_tags g"
			    " JOIN spans s ON s.span_id = g.span_id JOIN threads t ON t.id = s.thread"
			    " WHERE t.run = ? ORDER BY g.span_id, g.rowid", &stmt))
		return -1;
	sqlite3_bind_int64(stmt, 1, run_key);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (add_read_tag(out, stmt)) {
			ferr("out of memory");
			rc = SQLITE_NOMEM;
			break;
		}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	span_tags__free(out);
	return rc == SQLITE_NOMEM ? -1 : db__error(db, "cannot read tags");
}

const struct span_tag *span_tags__of(const struct span_tag_list *l, int64_t span_id, size_t *n)
{
	size_t lo = 0, hi = l->count, end;

	while (lo < hi) { /* the first tag of span_id or later */
		size_t mid = lo + (hi - lo) / 2;

		if (l->tags[mid].span_id < span_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < l->count && l->tags[end].span_id == span_id; end++)
		;
	*n = end - lo;
	return *n ? &l->tags[lo] : NULL;
}

void span_tags__free(struct span_tag_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		free(l->tags[i].key);
		free(l->tags[i].text);
	}
	free(l->tags);
	memset(l, 0, sizeof(*l));
}
