/* SPDX-License-Identifier: BSD-2-Clause */
/* output_file: the file an export or a view is written to (output_file.c). */
#ifndef FERRET_OUTPUT_FILE_H
#define FERRET_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

/* Where the bytes go: stdout, a device, or a temporary file renamed at the end. */
struct output {
	FILE *file;
	char *path;	/* what the user asked for, resolved; NULL for stdout */
	char *tmp_path; /* NULL when writing in place */
};

/* requested: a path, NULL or "-" for stdout; a directory (or a path ending in '/') gets
 * <run_id><suffix> inside it. 0 or -1 (printed). */
int output__open(struct output *o, const char *requested, const char *run_id, const char *suffix);
/* Completes (ok) or abandons the output; returns 0 only if the file is in place.
 * o->path stays for the caller's message: output__free() releases it. */
int output__close(struct output *o, bool ok);
void output__free(struct output *o);
/* SIGINT, SIGTERM and SIGHUP set export_interrupted: the writing stops and fails. */
void output__catch_signals(void);

#endif
