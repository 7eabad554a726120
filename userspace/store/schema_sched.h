/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * schema_sched: the columns of on-CPU, blocked and run-queue time (schema version 9, from 5):
 * spans.cpu_ns, blocked_ns, runq_ns, blocked_in (a system call number) and the syscalls
 * table that names them in span_view. A version 5 file opened to write gets them (additive:
 * its spans read NULL); opened to read, it is read as it is, and readers leave them out.
 * Version 9 also stores these sums with analyze's figures (run_functions, run_tree).
 */
#ifndef FERRET_SCHEMA_SCHED_H
#define FERRET_SCHEMA_SCHED_H

#include "db.h"

/* In CREATE TABLE spans. */
#define SCHEMA_SCHED_SPAN_COLUMNS                                                                 \
	" -- On-CPU, blocked and run-queue time (NULL: not measured: --no-sched, stack mode, Go,\n" \
	" -- a file before version 9, or not known for this span); cpu + blocked + runq = duration\n" \
	" cpu_ns INTEGER, -- on a CPU\n"                                                          \
	" blocked_ns INTEGER, -- asleep (I/O, locks, sleeps)\n"                                   \
	" runq_ns INTEGER, -- runnable, waiting for a CPU\n"                                      \
	" blocked_in INTEGER -- the system call it slept in most (syscalls.nr; -1: in none)\n"

/* span_view's columns (over spans s LEFT JOIN syscalls sc ON sc.nr = s.blocked_in). */
#define SCHEMA_SCHED_VIEW_COLUMNS                                                                   \
	",\n s.cpu_ns AS cpu_ns, s.blocked_ns AS blocked_ns, s.runq_ns AS runq_ns,\n"            \
	" CASE WHEN s.blocked_in = -1 THEN '(no syscall)'"                                        \
	" ELSE coalesce(sc.name, 'syscall_' || s.blocked_in) END AS blocked_in\n"
#define SCHEMA_SCHED_VIEW_JOIN " LEFT JOIN syscalls sc ON sc.nr = s.blocked_in"

/* An older file's spans get the columns (schema.c's migration; then schema_sched__create). */
#define SCHEMA_SCHED_ADD_SQL                                                                      \
	"ALTER TABLE spans ADD COLUMN cpu_ns INTEGER;"                                            \
	"ALTER TABLE spans ADD COLUMN blocked_ns INTEGER;"                                        \
	"ALTER TABLE spans ADD COLUMN runq_ns INTEGER;"                                           \
	"ALTER TABLE spans ADD COLUMN blocked_in INTEGER;"

/* In CREATE TABLE run_functions and run_tree (analyze's stored figures, run_figures.h): the
 * sum analyze shows (struct sched_sum), so that a run with these figures is analyzed from the
 * stored ones too. The system calls go in one TEXT column, not two per slot: a sum keeps at
 * most SCHED_SUM_SYSCALLS of them, most rows have none or one, and they are only ever read
 * back whole. Comments in C style: SQLite's DROP COLUMN (the tests' version 5 files) breaks on
 * a "--" comment that ends a column's definition. */
#define SCHEMA_SCHED_FIGURES_COLUMNS                                                              \
	" sched_calls INTEGER, /* of its calls counted (run_functions: outermost activations),\n"  \
	"  those with on-CPU figures; NULL: a file before version 9 */\n"                          \
	" nosched_calls INTEGER, /* and those without */\n"                                        \
	" cpu_ns INTEGER, blocked_ns INTEGER, runq_ns INTEGER, /* summed over sched_calls */\n"     \
	" blocked_in TEXT, /* blocked ns by each call's blocked_in, the largest few (in the order\n" \
	"  first seen): 'nr:ns,nr:ns' (nr: syscalls.nr, -1: in none); '': none */\n"

#define SCHEMA_SCHED_FIGURES_ADD(table)                                                           \
	"ALTER TABLE " table " ADD COLUMN sched_calls INTEGER;"                                   \
	"ALTER TABLE " table " ADD COLUMN nosched_calls INTEGER;"                                 \
	"ALTER TABLE " table " ADD COLUMN cpu_ns INTEGER;"                                        \
	"ALTER TABLE " table " ADD COLUMN blocked_ns INTEGER;"                                    \
	"ALTER TABLE " table " ADD COLUMN runq_ns INTEGER;"                                       \
	"ALTER TABLE " table " ADD COLUMN blocked_in TEXT;"

/* An older file's stored figures get them (the same step as the spans' columns). */
#define SCHEMA_SCHED_FIGURES_ADD_SQL \
	SCHEMA_SCHED_FIGURES_ADD("run_functions") SCHEMA_SCHED_FIGURES_ADD("run_tree")

/* The syscalls table, filled: in a new file, or one the migration gave the columns. 0 or -1
 * (printed). */
int schema_sched__create(struct db *db);
/* 1: the file's spans have the columns; 0: not (an older file); <0: error (printed). */
int schema_sched__has_columns(struct db *db);

#endif
