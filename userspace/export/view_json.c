/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The page's data, compact: numbers in flat arrays (a node is 7 numbers, a call 5, a
 * flame chart span 3, its start relative to the previous one), names once in "funcs".
 *
 *   run      analyze's run fields, and mode, host, start_real_ns
 *   summary  what was kept: spans read, flame chart spans (those over flame_over_ns when
 *            cut; flame_hidden of them on paths left out), calls listed (every call, or the
 *            calls_per_path slowest of each path), paths (those over paths_over_ns when cut)
 *   funcs    [name, module, library?] per function index
 *   threads  {pid, tid, comm, nodes: [node - parent, func, calls, errors, incomplete, total_ns,
 *            self_ns]... (node i is the i-th tuple, from 1; a root: node - parent = i),
 *            calls: [node, start_ns, duration_ns, status, extras]... (slowest first within
 *            a node; extras 0 or view__call_extras' object), flame: [node, start delta,
 *            duration_ns]... by start}
 *   table    analyze's statistics rows (percentiles from histograms: within 1/64)
 *   diff     with --diff only: view_diff.c
 */
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "core/log.h"

/* The run's main executable: the base name of its command's first word. */
static void main_module(const struct run_row *run, char *buf, size_t len)
{
	size_t n = strcspn(run->command, " ");
	const char *start = run->command, *p;

	for (p = run->command; p < run->command + n; p++)
		if (*p == '/')
			start = p + 1;
	snprintf(buf, len, "%.*s", (int)(run->command + n - start), start);
}

/* A library: a shared object (".so" in its name) other than the command itself. */
static bool is_library(const char *module, const char *main)
{
	return strcmp(module, main) && strstr(module, ".so");
}

static void write_run(const struct view *v, struct jsonw *w)
{
	const struct span_filter *f = v->in->filter;

	jsonw__key(w, "run");
	jsonw__begin_object(w);
	json__run_fields(w, v->run);
	jsonw__kv_string(w, "mode", v->run->mode);
	jsonw__kv_string(w, "host", v->run->host);
	jsonw__kv_int(w, "start_real_ns", v->run->start_real_ns);
	jsonw__end_object(w);
	jsonw__key(w, "filter");
	jsonw__begin_object(w);
	jsonw__kv_int(w, "pid", f->pid);
	jsonw__kv_int(w, "tid", f->tid);
	jsonw__kv_string(w, "function", f->function_glob);
	jsonw__kv_int(w, "min_duration_ns", f->min_duration_ns);
	jsonw__end_object(w);
	jsonw__key(w, "summary");
	jsonw__begin_object(w);
	jsonw__kv_int(w, "spans", v->spans);
	jsonw__kv_uint(w, "flame_spans", v->nflame);
	jsonw__kv_int(w, "flame_over_ns", v->flame_over_ns);
	jsonw__kv_uint(w, "calls", v->ncalls);
	jsonw__kv_int(w, "calls_per_path", v->all_calls ? 0 : v->calls_per_path);
	jsonw__kv_uint(w, "paths", v->tree.nrecorded);
	jsonw__kv_int(w, "paths_over_ns", v->nodes_over_ns);
	jsonw__kv_uint(w, "flame_hidden", v->flame_hidden);
	jsonw__end_object(w);
}

static void write_funcs(const struct view *v, struct jsonw *w)
{
	char main[256];
	size_t i;

	main_module(v->run, main, sizeof(main));
	jsonw__key(w, "funcs");
	jsonw__begin_array(w);
	for (i = 0; i < v->table.fns.n; i++) {
		const struct func_info *fi = &v->table.fns.v[i];

		jsonw__newline(w);
		jsonw__begin_array(w);
		jsonw__string(w, fi->name);
		jsonw__string(w, fi->module);
		jsonw__int(w, is_library(fi->module, main));
		jsonw__end_array(w);
	}
	jsonw__end_array(w);
}

static void write_nodes(const struct view *v, const struct view_thread *th, struct jsonw *w)
{
	size_t i;

	jsonw__key(w, "nodes");
	jsonw__begin_array(w);
	for (i = th->first_node; i < th->first_node + th->nnodes; i++) {
		const struct stored_tree_node *n = &v->tree.recorded[i];
		int32_t parent = n->parent ? v->nodes[th->first_node + (size_t)n->parent - 1].shown : 0;

		if (!v->nodes[i].shown)
			continue;
		jsonw__int(w, v->nodes[i].shown - parent);
		jsonw__int(w, fn_table__find(&v->table.fns, n->function_key));
		jsonw__uint(w, n->calls);
		jsonw__uint(w, n->errors);
		jsonw__uint(w, v->nodes[i].incomplete);
		jsonw__int(w, n->total_ns);
		jsonw__int(w, n->self_ns);
	}
	jsonw__end_array(w);
}

/* calls[*next..) of th's nodes (calls are sorted by node); *next moves past them. */
static void write_calls(const struct view *v, const struct view_thread *th, size_t *next,
			struct jsonw *w)
{
	size_t end = th->first_node + th->nnodes, i;

	jsonw__key(w, "calls");
	jsonw__begin_array(w);
	for (i = *next; i < v->ncalls && (size_t)v->calls[i].node < end; i++) {
		const struct view_call *c = &v->calls[i];

		if (!v->nodes[c->node].shown)
			continue;
		jsonw__int(w, v->nodes[c->node].shown);
		jsonw__int(w, c->start_ns);
		jsonw__int(w, c->duration_ns);
		jsonw__int(w, c->status);
		if (!view__call_extras(v, c, w))
			jsonw__int(w, 0);
	}
	*next = i;
	jsonw__end_array(w);
}

static void write_flame(const struct view *v, const struct view_thread *th, size_t *next,
			struct jsonw *w)
{
	size_t end = th->first_node + th->nnodes, i;
	int64_t prev = 0;

	jsonw__key(w, "flame");
	jsonw__begin_array(w);
	for (i = *next; i < v->nflame && (size_t)v->flame[i].node < end; i++) {
		const struct view_call *c = &v->flame[i];

		if (!v->nodes[c->node].shown)
			continue;
		jsonw__int(w, v->nodes[c->node].shown);
		jsonw__int(w, c->start_ns - prev);
		jsonw__int(w, c->duration_ns);
		prev = c->start_ns;
	}
	*next = i;
	jsonw__end_array(w);
}

static void write_threads(const struct view *v, struct jsonw *w)
{
	size_t i, next_call = 0, next_flame = 0;

	jsonw__key(w, "threads");
	jsonw__begin_array(w);
	for (i = 0; i < v->nthreads; i++) {
		const struct view_thread *th = &v->threads[i];

		jsonw__newline(w);
		jsonw__begin_object(w);
		jsonw__kv_int(w, "pid", th->pid);
		jsonw__kv_int(w, "tid", th->tid);
		jsonw__kv_string(w, "comm", th->comm);
		jsonw__kv_uint(w, "hidden_nodes", th->hidden_nodes);
		jsonw__kv_int(w, "hidden_ns", th->hidden_ns);
		write_nodes(v, th, w);
		write_calls(v, th, &next_call, w);
		write_flame(v, th, &next_flame, w);
		jsonw__end_object(w);
	}
	jsonw__end_array(w);
}

static void write_table(const struct view *v, struct jsonw *w)
{
	size_t i;

	jsonw__key(w, "table");
	jsonw__begin_array(w);
	for (i = 0; i < v->table.nfigures; i++)
		if (v->table.figures[i].calls)
			table__json_function(w, &v->table, (int32_t)i);
	jsonw__end_array(w);
}

int view__write_json(struct view *v, struct jsonw *w)
{
	jsonw__begin_object(w);
	jsonw__kv_string(w, "format", "ferret-view");
	jsonw__kv_int(w, "version", 1);
	write_run(v, w);
	write_funcs(v, w);
	write_threads(v, w);
	write_table(v, w);
	if (view__write_diff(v, w))
		return -1;
	jsonw__end_object(w);
	return jsonw__error(w) ? -1 : 0;
}
