/* SPDX-License-Identifier: BSD-2-Clause */
/* schema_sched: on-CPU/blocked columns and their migration (see schema_sched.h). */
#include <stdio.h>

#include <sqlite3.h>

#include "core/syscall_names.h"
#include "schema_sched.h"

int schema_sched__create(struct db *db)
{
	sqlite3_stmt *stmt = NULL;
	const char *name;
	int nr, err = 0;

	if (db__exec(db, "CREATE TABLE syscalls(\n"
			 "-- x86-64 system call names, for spans.blocked_in\n"
			 " nr INTEGER PRIMARY KEY, name TEXT)",
		     "cannot create the schema") ||
	    db__prepare(db, "INSERT INTO syscalls VALUES(?, ?)", &stmt))
		return -1;
	for (nr = 0; nr < syscall_count() && !err; nr++) {
		name = syscall_name(nr);
		if (!name)
			continue;
		sqlite3_bind_int(stmt, 1, nr);
		sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
		err = sqlite3_step(stmt) == SQLITE_DONE ? 0 : db__error(db, "cannot create the schema");
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return err;
}

int schema_sched__has_columns(struct db *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (db__prepare(db, "SELECT 1 FROM pragma_table_info('spans') WHERE name = 'cpu_ns'", &stmt))
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db__error(db, "cannot read the schema");
}
