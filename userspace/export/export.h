/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * export: writing a run for the viewers people already use.
 *
 * Each format is an exporter (one file each, registered in export.c): begin,
 * then span() for every span in store__spans() order (per thread, by start, a
 * parent before its children), then end. Exporters stream: they keep what
 * grows with distinct functions, threads or call paths, never with spans.
 *
 * Spans reach an exporter as the database holds them; struct nest turns them
 * into a properly nested sequence per thread (what every viewer needs) even
 * when filters removed some parents, a span is zero-length, or an incomplete
 * span's recorded end lies before its children's.
 */
#ifndef FERRET_EXPORT_H
#define FERRET_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/open_call.h"
#include "core/hashmap.h"
#include "core/jsonw.h"
#include "store/store.h"

struct export_ctx {
	FILE *out;
	const struct run_row *run;
	void *state; /* the exporter's own, made by begin(), freed by release() */
	/* Tags of the run's spans (ferret.h's FERRET_TAG, FERRET_STATUS): export__tags. */
	struct span_tag_list tags;
	void *arg;   /* what export__run_with was given (an exporter outside the registry's) */
	struct arg_reader *args; /* the calls' values (-a, -A, -R, --name); NULL: the run has none */
};
/* The tags of span_id (chrome args, OTLP attributes): *n of them, NULL when none. */
const struct span_tag *export__tags(const struct export_ctx *ctx, int64_t span_id, size_t *n);

struct exporter {
	const char *name;	 /* --format NAME */
	const char *suffix;	 /* default file name: <run_id><suffix> */
	const char *description; /* one line for --help */
	int (*begin)(struct export_ctx *ctx);
	int (*span)(struct export_ctx *ctx, const struct named_span *span);
	int (*end)(struct export_ctx *ctx); /* writes what is left; not called after an error */
	void (*release)(struct export_ctx *ctx); /* always called; frees ctx->state */
};

extern const struct exporter exporter_speedscope, exporter_chrome, exporter_folded, exporter_otlp;
/* All of them, NULL-terminated, the default first. */
extern const struct exporter *const exporters[];

/* NULL (nothing printed) for an unknown name. */
const struct exporter *exporter__find(const char *name);
/* "speedscope, chrome, folded, otlp" */
void exporter__list_names(char *buf, size_t len);

/* Where an export goes; name is for messages (the requested path, or "stdout"). */
struct export_target {
	FILE *file;
	const char *name;
};

/* Function and module names are cut to this many bytes in exports (see export.c). */
#define EXPORT_NAME_MAX 4096

/*
 * Writes one run's spans (those filter keeps) with ex. Fails, before writing
 * anything, when there is no span to write. Returns 0 or -1 (printed: a write
 * error names the target). *spans (may be NULL) receives how many were written.
 */
int export__run(const struct exporter *ex, struct store *s, const struct run_row *run,
		const struct span_filter *filter, const struct export_target *to, int64_t *spans);
/* The same, with ctx->arg set to arg for ex. */
int export__run_with(const struct exporter *ex, struct store *s, const struct run_row *run,
		     const struct span_filter *filter, const struct export_target *to, void *arg,
		     int64_t *spans);
/* A span's on-CPU/blocked figures (has_sched): "cpu_ns", "blocked_ns", "runq_ns" and, when
 * it was blocked, "blocked_in" (the system call's name), as members of an open object. */
void export__sched_fields(struct jsonw *w, const struct named_span *row);
/* The name of the system call the span was blocked in most (buf: for an unnamed number). */
const char *export__blocked_in(const struct named_span *row, char *buf, size_t len);

/* Set from a signal handler: export__run stops at the next span and fails. */
extern volatile int export_interrupted;

/* ---- struct nest: one thread's stack of open spans ---- */

/* Its calls' durations are clamped: a call never ends past the enclosing call's end, never
 * before its start. children_ns is the time covered by direct children so far. */
struct nest {
	struct call_stack stack;
	int64_t thread_key;
	bool started;
};
void nest__init(struct nest *n);
void nest__free(struct nest *n);
/* True when row starts a new thread (the first row included): drain the old one, then call
 * nest__start_thread(). */
bool nest__is_new_thread(const struct nest *n, const struct named_span *row);
void nest__start_thread(struct nest *n, const struct named_span *row);
/*
 * The top call if it must close before row opens (it ends at or before row's start:
 * at equal times closes come first, except for row's own parent, which a zero-length
 * child at the parent's very end stays inside), else NULL. row NULL: any top frame
 * (draining at the end of a thread).
 */
struct open_call *nest__top_to_close(struct nest *n, const struct named_span *row);
/* Removes the top call, counting its duration into its parent's children_ns. */
void nest__pop(struct nest *n);
/* Opens row: its end clamped into the enclosing call; user is 0. NULL when out of memory (printed). */
struct open_call *nest__push(struct nest *n, const struct named_span *row);
/* The call below the top (the parent of the call just pushed), or NULL. */
struct open_call *nest__parent(struct nest *n);

/* What every exporter's state starts with (ctx->state points to it): the JSON writer
 * (NULL for a format that is not JSON) and the nesting of the spans. */
struct export_common {
	struct jsonw *w;
	struct nest nest;
	const struct export_ctx *ctx; /* for export__tags */
	struct arg_reader *args;      /* ctx->args */
};

/* export_args.c: a call's values. Chrome: "name": value members of the open args object;
 * OTLP: attributes code.function.args.N, code.function.return_value, ferret.errno,
 * ferret.name (elements of the open attributes array); *errno_out: its errno, 0: none. */
void export_args__chrome(struct jsonw *w, struct arg_reader *r, int64_t span_id);
void export_args__otlp(struct jsonw *w, struct arg_reader *r, int64_t span_id, int64_t *errno_out);

/* A zeroed state of size bytes that starts with struct export_common, made ctx->state;
 * with_json: its writer on ctx->out. NULL when out of memory (printed). */
void *export_common__new(struct export_ctx *ctx, size_t size, bool with_json);
/* Frees the writer, the nesting and the state itself (NULL is a no-op); ctx->state
 * becomes NULL. The exporter frees what it added first. */
void export_common__free(struct export_ctx *ctx);

/* "%lld.%03lld" of ns as microseconds, exact (Chrome's ts/dur); returns buf. */
char *format_us(int64_t ns, char *buf, size_t len);

#endif /* FERRET_EXPORT_H */
