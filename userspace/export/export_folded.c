/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Folded stacks (flamegraph.pl, inferno, speedscope): one line per distinct
 * call path, "comm;outer;inner;leaf VALUE", VALUE the path's self time in
 * integer nanoseconds. Self times add up to the traced time exactly.
 *
 * Paths are nodes of a tree (parent node, function) -> node, so memory grows
 * with distinct call paths, not spans; lines are written at the end, in the
 * order paths were first seen. Names lose ';' and every control character
 * ('\n' and '\r' would break the format, ESC sequences the terminal showing it)
 * and invalid UTF-8 becomes U+FFFD.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/util.h"

#define NO_PARENT UINT32_MAX
/* What names lose: the frame separator, C0 controls and DEL. */
#define FOLDED_DROP ";\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f" \
		    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"

struct path_node {
	uint32_t parent; /* NO_PARENT for a thread's root (its comm) */
	uint32_t name;	 /* index in names */
	int64_t self_ns;
};

struct folded {
	struct export_common c; /* first: the state is one */
	struct hashmap name_of;	/* function_key -> index in names */
	struct hashmap child_of; /* (parent node, function_key) -> node */
	char **names;
	size_t nnames, names_cap;
	struct path_node *nodes;
	size_t nnodes, nodes_cap;
	uint32_t *roots; /* one node per distinct comm */
	size_t nroots, roots_cap;
	uint32_t root;	 /* the current thread's root node */
};

static int add_name(struct folded *st, const char *raw, uint32_t *index)
{
	char *name;

	if (grow_array((void **)&st->names, &st->names_cap, st->nnames + 1, sizeof(*st->names))) {
		ferr("out of memory");
		return -1;
	}
	name = utf8__clean_dup(raw, FOLDED_DROP);
	if (!name)
		return -1;
	st->names[st->nnames] = name;
	*index = (uint32_t)st->nnames++;
	return 0;
}

static int add_node(struct folded *st, uint32_t parent, uint32_t name, uint32_t *node)
{
	if (grow_array((void **)&st->nodes, &st->nodes_cap, st->nnodes + 1, sizeof(*st->nodes))) {
		ferr("out of memory");
		return -1;
	}
	st->nodes[st->nnodes] = (struct path_node){ .parent = parent, .name = name };
	*node = (uint32_t)st->nnodes++;
	return 0;
}

/* Threads with the same comm share one root: folded stacks aggregate by name. */
static int thread_root(struct folded *st, const char *comm, uint32_t *node)
{
	char *clean = utf8__clean_dup(comm, FOLDED_DROP);
	uint32_t name;
	size_t i;
	int err;

	if (!clean)
		return -1;
	for (i = 0; i < st->nroots; i++) {
		if (!strcmp(st->names[st->nodes[st->roots[i]].name], clean)) {
			*node = st->roots[i];
			free(clean);
			return 0;
		}
	}
	free(clean);
	err = grow_array((void **)&st->roots, &st->roots_cap, st->nroots + 1, sizeof(*st->roots));
	if (err)
		ferr("out of memory");
	if (!err)
		err = add_name(st, comm, &name);
	if (!err)
		err = add_node(st, NO_PARENT, name, node);
	if (!err)
		st->roots[st->nroots++] = *node;
	return err;
}

static int child_node(struct folded *st, uint32_t parent, const struct named_span *row,
		      uint32_t *node)
{
	uint32_t name;

	if (hashmap__get(&st->child_of, parent, row->function_key, node))
		return 0;
	if (!hashmap__get(&st->name_of, row->function_key, 0, &name)) {
		if (add_name(st, row->function, &name))
			return -1;
		if (hashmap__put(&st->name_of, row->function_key, 0, name))
			goto oom;
	}
	if (add_node(st, parent, name, node))
		return -1;
	if (!hashmap__put(&st->child_of, parent, row->function_key, *node))
		return 0;
oom:
	ferr("out of memory");
	return -1;
}

static void close_frames(struct folded *st, const struct named_span *next)
{
	struct open_call *f;

	while ((f = nest__top_to_close(&st->c.nest, next))) {
		st->nodes[f->user].self_ns += f->duration_ns - f->children_ns;
		nest__pop(&st->c.nest);
	}
}

static int folded_begin(struct export_ctx *ctx)
{
	return export_common__new(ctx, sizeof(struct folded), false) ? 0 : -1;
}

static int folded_span(struct export_ctx *ctx, const struct named_span *row)
{
	struct folded *st = ctx->state;
	struct open_call *f, *top;
	uint32_t parent, node;

	if (nest__is_new_thread(&st->c.nest, row)) {
		close_frames(st, NULL);
		nest__start_thread(&st->c.nest, row);
		if (thread_root(st, row->comm, &st->root))
			return -1;
	}
	close_frames(st, row);
	top = call_stack__top(&st->c.nest.stack);
	parent = top ? (uint32_t)top->user : st->root;
	if (child_node(st, parent, row, &node))
		return -1;
	f = nest__push(&st->c.nest, row);
	if (!f)
		return -1;
	f->user = node;
	return 0;
}

static int folded_end(struct export_ctx *ctx)
{
	struct folded *st = ctx->state;
	uint32_t *path = NULL, n;
	size_t i, len, cap = 0;
	int err = 0;

	close_frames(st, NULL);
	for (i = 0; i < st->nnodes; i++) {
		if (st->nodes[i].self_ns <= 0)
			continue;
		len = 0;
		for (n = (uint32_t)i; n != NO_PARENT; n = st->nodes[n].parent) {
			if (grow_array((void **)&path, &cap, len + 1, sizeof(*path))) {
				ferr("out of memory");
				err = -1;
				goto cleanup;
			}
			path[len++] = n;
		}
		while (len--) {
			fputs_unlocked(st->names[st->nodes[path[len]].name], ctx->out);
			fputc_unlocked(len ? ';' : ' ', ctx->out);
		}
		fprintf(ctx->out, "%" PRId64 "\n", st->nodes[i].self_ns);
	}
	err = ferror(ctx->out) ? -1 : 0;
cleanup:
	free(path);
	return err;
}

static void folded_release(struct export_ctx *ctx)
{
	struct folded *st = ctx->state;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nnames; i++)
		free(st->names[i]);
	free(st->names);
	free(st->nodes);
	free(st->roots);
	hashmap__free(&st->name_of);
	hashmap__free(&st->child_of);
	export_common__free(ctx);
}

const struct exporter exporter_folded = {
	.name = "folded",
	.suffix = ".folded",
	.description = "folded stacks with self time in ns (flamegraph.pl, inferno)",
	.begin = folded_begin,
	.span = folded_span,
	.end = folded_end,
	.release = folded_release,
};
