/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Speedscope's evented profile (https://www.speedscope.app/file-format-schema.json):
 * one profile per thread, an O event at each span's start and a C event at its
 * end, frames shared and deduplicated by function. A thread whose spans have on-CPU
 * figures gets a second, sampled profile after it, "... on-CPU": each call path
 * weighted by its self on-CPU ns (export_cpu_paths.c).
 *
 * Speedscope's importer rejects a backwards `at`, a close that is not the top
 * frame (by index) and frames left open, so events come from struct nest: at
 * equal times closes come first, children never outlive their parent, and a
 * thread's stack is drained at its end. Times are integers in nanoseconds
 * relative to the run's start: small enough to be exact as JavaScript doubles.
 *
 * "profiles" is written first and "shared" last, with the frames collected on
 * the way, so one pass suffices (JSON objects are unordered).
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "export_cpu_paths.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/util.h"

struct frame_names {
	char *name; /* the function */
	char *file; /* its module */
};

struct speedscope {
	struct export_common c; /* first: the state is one */
	struct hashmap frame_of; /* function_key -> index in frames */
	struct frame_names *frames;
	size_t nframes, cap;
	bool in_profile;
	int64_t base_ns; /* the run's start */
	int64_t last_ns; /* the profile's latest event, relative: its endValue */
	/* The thread's on-CPU time by call path: a second, sampled profile after its own. */
	struct cpu_paths cpu;
	char thread_name[320];
};

static int frame_index(struct speedscope *st, const struct named_span *row, uint32_t *index)
{
	struct frame_names *f;

	if (hashmap__get(&st->frame_of, row->function_key, 0, index))
		return 0;
	if (grow_array((void **)&st->frames, &st->cap, st->nframes + 1, sizeof(*st->frames)))
		goto oom;
	f = &st->frames[st->nframes];
	f->name = strdup(row->function);
	f->file = strdup(row->module);
	if (!f->name || !f->file) {
		free(f->name);
		free(f->file);
		goto oom;
	}
	*index = (uint32_t)st->nframes++;
	if (!hashmap__put(&st->frame_of, row->function_key, 0, *index))
		return 0;
oom:
	ferr("out of memory");
	return -1;
}

static void write_event(struct speedscope *st, const char *type, uint64_t frame, int64_t at_ns)
{
	struct jsonw *w = st->c.w;

	st->last_ns = at_ns - st->base_ns;
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "type", type);
	jsonw__kv_int(w, "frame", (int64_t)frame);
	jsonw__kv_int(w, "at", st->last_ns);
	jsonw__end_object(w);
}

static void close_frames(struct speedscope *st, const struct named_span *next)
{
	struct open_call *f;

	while ((f = nest__top_to_close(&st->c.nest, next))) {
		write_event(st, "C", f->user, open_call__end_ns(f));
		nest__pop(&st->c.nest);
	}
}

static void end_profile(struct speedscope *st)
{
	if (!st->in_profile)
		return;
	close_frames(st, NULL);
	jsonw__end_array(st->c.w);
	jsonw__kv_int(st->c.w, "endValue", st->last_ns);
	jsonw__end_object(st->c.w);
	cpu_paths__write(&st->cpu, st->c.w, st->thread_name);
	st->in_profile = false;
}

static void begin_profile(struct speedscope *st, const struct named_span *row)
{
	struct jsonw *w = st->c.w;
	char *name = st->thread_name;

	snprintf(name, sizeof(st->thread_name), "%s %d/%d", row->comm, row->pid, row->tid);
	cpu_paths__start(&st->cpu);
	nest__start_thread(&st->c.nest, row);
	st->last_ns = row->start_ns - st->base_ns;
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "type", "evented");
	jsonw__kv_string(w, "name", name);
	jsonw__kv_string(w, "unit", "nanoseconds");
	jsonw__kv_int(w, "startValue", st->last_ns);
	jsonw__key(w, "events");
	jsonw__begin_array(w);
	st->in_profile = true;
}

static int speedscope_begin(struct export_ctx *ctx)
{
	struct speedscope *st = export_common__new(ctx, sizeof(*st), true);
	struct jsonw *w;

	if (!st)
		return -1;
	st->base_ns = ctx->run->start_mono_ns;
	w = st->c.w;
	jsonw__begin_object(w);
	jsonw__kv_string(w, "$schema", "https://www.speedscope.app/file-format-schema.json");
	jsonw__kv_string(w, "exporter", "ferret " FERRET_VERSION);
	jsonw__kv_string(w, "name", ctx->run->run_id);
	jsonw__kv_int(w, "activeProfileIndex", 0);
	jsonw__key(w, "profiles");
	jsonw__begin_array(w);
	return 0;
}

static int speedscope_span(struct export_ctx *ctx, const struct named_span *row)
{
	struct speedscope *st = ctx->state;
	struct open_call *f;
	uint32_t frame;

	if (nest__is_new_thread(&st->c.nest, row)) {
		end_profile(st);
		begin_profile(st, row);
	}
	if (frame_index(st, row, &frame))
		return -1;
	close_frames(st, row);
	f = nest__push(&st->c.nest, row);
	if (!f)
		return -1;
	f->user = frame;
	if (cpu_paths__push(&st->cpu, st->c.nest.stack.depth, frame, row))
		return -1;
	write_event(st, "O", frame, f->start_ns);
	return jsonw__error(st->c.w) ? -1 : 0;
}

static int speedscope_end(struct export_ctx *ctx)
{
	struct speedscope *st = ctx->state;
	struct jsonw *w = st->c.w;
	size_t i;

	end_profile(st);
	jsonw__end_array(w);
	jsonw__key(w, "shared");
	jsonw__begin_object(w);
	jsonw__key(w, "frames");
	jsonw__begin_array(w);
	for (i = 0; i < st->nframes; i++) {
		jsonw__newline(w);
		jsonw__begin_object(w);
		jsonw__kv_string(w, "name", st->frames[i].name);
		jsonw__kv_string(w, "file", st->frames[i].file);
		jsonw__end_object(w);
	}
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
	return jsonw__error(w) ? -1 : 0;
}

static void speedscope_release(struct export_ctx *ctx)
{
	struct speedscope *st = ctx->state;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nframes; i++) {
		free(st->frames[i].name);
		free(st->frames[i].file);
	}
	free(st->frames);
	hashmap__free(&st->frame_of);
	cpu_paths__free(&st->cpu);
	export_common__free(ctx);
}

const struct exporter exporter_speedscope = {
	.name = "speedscope",
	.suffix = ".speedscope.json",
	.description = "Speedscope evented profile, one per thread (speedscope.app)",
	.begin = speedscope_begin,
	.span = speedscope_span,
	.end = speedscope_end,
	.release = speedscope_release,
};
