/* SPDX-License-Identifier: BSD-2-Clause */
/* schema: ferret's tables and views, created in a new file or verified in an existing one. */
#ifndef FERRET_SCHEMA_H
#define FERRET_SCHEMA_H

#include "db.h"

#define STORE_SCHEMA_VERSION 9

/* A run's stored spans, as SQL over runs r: recorded when the run ends, counted
 * (a scan of its span id range) while it is being written. */
#define SCHEMA_RUN_SPANS_SQL                                                             \
	"coalesce(r.spans, (SELECT count(*) FROM spans WHERE span_id >= r.first_span_id"  \
	" AND thread IN (SELECT id FROM threads WHERE run = r.id)))"

/* A file db__open created gets the schema; any other must be ferret's, of this version or 5
 * (migrated when opened to write; read as it is: db->schema_version says which). */
int schema__set_up(struct db *db);

#endif /* FERRET_SCHEMA_H */
