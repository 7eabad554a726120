/* SPDX-License-Identifier: BSD-2-Clause */
/* run_reader: the runs of a file as readers see them (ferret runs, analyze, export). */
#ifndef FERRET_RUN_READER_H
#define FERRET_RUN_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* A run as the readers see it (run_view plus the anchor). */
struct run_row {
	int64_t run_key;
	char run_id[128];
	char command[512];
	char mode[16];
	char host[128];
	char kernel[128];
	char version[32];
	int pid;
	int64_t start_mono_ns;
	int64_t end_mono_ns; /* == start_mono_ns while a run is in progress */
	int64_t start_real_ns;
	int64_t spans;
	int64_t threads;
	int64_t functions;
	int64_t lost_events;
	int64_t no_return_spans; /* calls the kernel gave no return probe */
	int64_t lost_spans;	 /* calls open when their thread lost events */
	int64_t unstored_spans;	 /* calls seen but not stored: a write failed */
	bool has_exit_code;
	int exit_code;
};

/* run_id NULL: the latest run. Unknown id: error lists the available ones. */
int run_reader__find(struct db *db, const char *run_id, struct run_row *out);
/* Calls cb for every run, oldest first; a non-zero return from cb stops and is returned. */
int run_reader__list(struct db *db, int (*cb)(const struct run_row *run, void *ctx), void *ctx);

/* A function of a run with its module, as stored: what the files on disk now are
 * compared with (cmd/ finds better names). Strings valid during the callback. */
struct stored_function {
	int64_t module_key;
	const char *module_path;
	const char *build_id; /* the module's, NULL: none recorded */
	int64_t function_key;
	const char *name;
	const char *symbol; /* NULL: the same as name */
	uint64_t offset;    /* file offset of the probed function */
};
/* Calls cb for every function of run_key, grouped by module; a non-zero return from cb
 * stops and is returned. */
int run_reader__functions(struct db *db, int64_t run_key,
			  int (*cb)(const struct stored_function *f, void *ctx), void *ctx);

#endif /* FERRET_RUN_READER_H */
