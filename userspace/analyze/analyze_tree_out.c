/* Printing a thread's tree: text with box drawing (or ASCII), or nested JSON objects. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_args.h"
#include "analyze_tree.h"
#include "core/utf8.h"

#define NAME_COL_MAX 80 /* deeper or longer names push their line's columns right */

static int print_begin(struct tree_printer *p)
{
	FILE *out = p->st->out;

	if (!p->o->json) {
		out__run_header(p->st, p->run);
		probe_comp__print(p->st, &p->fns->comp);
		out__filter_line(p->st, p->o, p->o->calls ? "" : ", and the calls they are in");
		return 0;
	}
	if (!(p->json = jsonw__new_spaced(out)))
		return -EIO; /* printed */
	jsonw__begin_object(p->json);
	json__run_fields(p->json, p->run);
	probe_comp__json(p->json, &p->fns->comp);
	jsonw__kv_string(p->json, "tree", p->o->calls ? "calls" : "merged");
	json__filter_fields(p->json, p->o);
	jsonw__key(p->json, "threads");
	jsonw__begin_array(p->json);
	return 0;
}

static void fmt_percent(int64_t part, int64_t whole, char *buf, size_t len)
{
	if (!whole)
		snprintf(buf, len, "-");
	else if (part == whole)
		snprintf(buf, len, "100%%");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
}

struct widths {
	size_t name, dur, count, start;
};

static void measure(const struct tree_printer *p, const struct tree_thread *th, struct widths *w)
{
	char buf[64];
	size_t i, n;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < th->n; i++) {
		const struct tree_row *r = &th->rows[i];

		n = 4 * (size_t)r->level + utf8__width(p->fns->v[r->fn].name);
		if (n > w->name)
			w->name = n > NAME_COL_MAX ? NAME_COL_MAX : n;
		if ((n = utf8__width(out__duration(p->st, r->total_ns, buf, sizeof(buf)))) > w->dur)
			w->dur = n;
		if ((n = (size_t)snprintf(buf, sizeof(buf), "%llu", (unsigned long long)r->calls)) > w->count)
			w->count = n;
		if ((n = utf8__width(out__duration(p->st, r->start_ns, buf, sizeof(buf)))) > w->start)
			w->start = n;
	}
}

/* Where the time is spent (self) is what stands out: half of the thread red, a tenth yellow. */
static const char *hot(const struct tree_printer *p, const struct tree_thread *th, const struct tree_row *r)
{
	double self = (double)r->self_ns, total = (double)th->total_ns; /* no overflow */

	if (th->total_ns && self * 2 >= total)
		return out__color(p->st, SGR_RED);
	if (th->total_ns && self * 10 >= total)
		return out__color(p->st, SGR_YELLOW);
	return "";
}

static void print_prefix(const struct tree_printer *p, const bool *ancestor_last, const struct tree_row *r)
{
	bool u = p->st->utf8;
	int32_t l;

	fputs(out__color(p->st, SGR_DIM), p->st->out);
	for (l = 1; l < r->level; l++)
		fputs(ancestor_last[l] ? "    " : u ? "│   " : "|   ", p->st->out);
	fputs(r->last ? (u ? "└── " : "`-- ") : (u ? "├── " : "|-- "), p->st->out);
	fputs(p->st->color ? SGR_RESET : "", p->st->out);
}

/* --calls: the call's tags (ferret.h) as "  [key=value ...]". */
static void print_tags(FILE *out, const struct tree_printer *p, const struct tree_row *r)
{
	size_t i, n;
	const struct span_tag *g = span_tags__of(&p->tags, r->span_id, &n);

	for (i = 0; i < n; i++) {
		fprintf(out, "%s%s=", i ? " " : "  [", g[i].key);
		if (g[i].text)
			fputs(g[i].text, out);
		else
			fprintf(out, "%lld", (long long)g[i].ival);
	}
	if (n)
		fputc(']', out);
}

static void print_row(const struct tree_printer *p, const struct tree_thread *th, const struct tree_row *r,
		      const struct widths *w)
{
	FILE *out = p->st->out;
	const char *color = hot(p, th, r);
	char buf[64], label[96];
	size_t used = 4 * (size_t)r->level;

	fprintf(out, "%s", color);
	out__pad(out, p->fns->v[r->fn].name, w->name > used ? w->name - used : 0, false);
	fputs("  ", out);
	out__pad(out, out__duration(p->st, r->total_ns, buf, sizeof(buf)), w->dur, true);
	if (!p->o->calls) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)r->calls);
		fprintf(out, "  %s", p->st->utf8 ? "×" : "x");
		out__pad(out, buf, w->count, false);
	}
	fmt_percent(r->total_ns, r->parent_ns, buf, sizeof(buf));
	fputs("  ", out);
	out__pad(out, buf, 6, true);
	if (p->o->calls) {
		fputs("  at ", out);
		out__pad(out, out__duration(p->st, r->start_ns, buf, sizeof(buf)), w->start, true);
	}
	if (r->total_ns > r->self_ns && ((double)r->total_ns - (double)r->self_ns) * 100 >= (double)r->total_ns)
		fprintf(out, "  self %s", out__duration(p->st, r->self_ns, buf, sizeof(buf)));
	sched_sum__label(&r->sched, label, sizeof(label));
	if (*label)
		fprintf(out, "  %s", label);
	if (p->o->calls && r->status != SPAN_OK)
		fprintf(out, "  %s", span_status__name(r->status));
	else if (r->errors)
		fprintf(out, "  %llu error%s", (unsigned long long)r->errors, r->errors == 1 ? "" : "s");
	if (p->o->calls) {
		print_tags(out, p, r);
		args_out__text(out, p->args, r->span_id);
	}
	fprintf(out, "%s\n", *color ? out__color(p->st, SGR_RESET) : "");
}

static void print_hidden(const struct tree_printer *p, const struct tree_thread *th)
{
	char dur[32], pct[16];

	if (!th->hidden_nodes)
		return;
	fmt_percent(th->hidden_ns, th->total_ns, pct, sizeof(pct));
	fprintf(p->st->out, "%s(%llu node%s hidden by --max-depth/--min-percent: %s, %s of the thread)%s\n",
		out__color(p->st, SGR_DIM), (unsigned long long)th->hidden_nodes,
		th->hidden_nodes == 1 ? "" : "s", out__duration(p->st, th->hidden_ns, dur, sizeof(dur)),
		pct, p->st->color ? SGR_RESET : "");
}

static void print_text(struct tree_printer *p, const struct tree_thread *th)
{
	bool *ancestor_last;
	struct widths w;
	int32_t max_level = 1;
	size_t i;

	for (i = 0; i < th->n; i++)
		if (th->rows[i].level > max_level)
			max_level = th->rows[i].level;
	ancestor_last = calloc((size_t)max_level + 1, sizeof(*ancestor_last));
	measure(p, th, &w);
	fprintf(p->st->out, "\n%spid %d tid %d ", out__color(p->st, SGR_BOLD), th->pid, th->tid);
	out__pad(p->st->out, th->comm, 0, false);
	fprintf(p->st->out, "%s\n", p->st->color ? SGR_RESET : "");
	for (i = 0; i < th->n && ancestor_last; i++) {
		ancestor_last[th->rows[i].level] = th->rows[i].last;
		print_prefix(p, ancestor_last, &th->rows[i]);
		print_row(p, th, &th->rows[i], &w);
	}
	print_hidden(p, th);
	free(ancestor_last);
}

static void json_tags(struct jsonw *w, const struct tree_printer *p, const struct tree_row *r)
{
	size_t i, n;
	const struct span_tag *g = span_tags__of(&p->tags, r->span_id, &n);

	if (!n)
		return;
	jsonw__key(w, "tags");
	jsonw__begin_object(w);
	for (i = 0; i < n; i++)
		if (g[i].text)
			json__kv_text(w, g[i].key, g[i].text);
		else
			jsonw__kv_int(w, g[i].key, g[i].ival);
	jsonw__end_object(w);
}

/* A row's on-CPU, blocked and run-queue ns, when each of its calls has them. */
static void json_sched(struct jsonw *w, const struct sched_sum *s)
{
	char name[32];

	if (!sched_sum__complete(s))
		return;
	jsonw__kv_int(w, "cpu_ns", s->cpu_ns);
	jsonw__kv_int(w, "blocked_ns", s->blocked_ns);
	jsonw__kv_int(w, "runq_ns", s->runq_ns);
	if (s->blocked_ns)
		jsonw__kv_string(w, "blocked_in", sched__syscall_name(sched_sum__blocked_in(s), name, sizeof(name)));
}

static void json_row(struct jsonw *w, const struct tree_printer *p, const struct tree_row *r)
{
	/* The indent stops growing at level 32: a deep recursion stays on the screen. */
	jsonw__newline_indent(w, (r->level < 32 ? r->level : 32) * 2 + 2);
	jsonw__begin_object(w);
	json__kv_text(w, "function", p->fns->v[r->fn].name);
	json__kv_text(w, "module", p->fns->v[r->fn].module);
	if (p->o->calls) {
		jsonw__kv_int(w, "start_ns", r->start_ns);
		jsonw__kv_int(w, "duration_ns", r->total_ns);
		jsonw__kv_int(w, "self_ns", r->self_ns);
		jsonw__kv_string(w, "status", span_status__name(r->status));
		json_tags(w, p, r);
		args_out__json(w, p->args, r->span_id);
	} else {
		jsonw__kv_uint(w, "calls", r->calls);
		jsonw__kv_int(w, "total_ns", r->total_ns);
		jsonw__kv_int(w, "self_ns", r->self_ns);
		jsonw__kv_uint(w, "errors", r->errors);
	}
	json_sched(w, &r->sched);
	jsonw__key(w, "children");
	jsonw__begin_array(w);
}

static void json_thread_head(struct jsonw *w, const struct tree_thread *th)
{
	jsonw__newline_indent(w, 1);
	jsonw__begin_object(w);
	jsonw__kv_int(w, "pid", th->pid);
	jsonw__kv_int(w, "tid", th->tid);
	json__kv_text(w, "comm", th->comm);
	jsonw__kv_int(w, "total_ns", th->total_ns);
	jsonw__kv_uint(w, "hidden_nodes", th->hidden_nodes);
	jsonw__kv_int(w, "hidden_ns", th->hidden_ns);
	jsonw__key(w, "children");
	jsonw__begin_array(w);
}

/* Rows are in pre-order: every row before a row of level l that is at least as deep
 * is closed first, so the new row follows its siblings' objects in their array. */
static int print_json(struct tree_printer *p, const struct tree_thread *th)
{
	struct jsonw *w = p->json;
	int32_t open = 0;
	size_t i;

	json_thread_head(w, th);
	for (i = 0; i < th->n; i++) {
		for (; open >= th->rows[i].level; open--) {
			jsonw__end_array(w);
			jsonw__end_object(w);
		}
		json_row(w, p, &th->rows[i]);
		open = th->rows[i].level;
	}
	for (; open >= 0; open--) { /* the rows', then the thread's */
		jsonw__end_array(w);
		jsonw__end_object(w);
	}
	return jsonw__out_of_memory(w) ? -EIO : 0; /* a write error is the caller's to report */
}

int tree_out__thread(struct tree_printer *p, const struct tree_thread *th)
{
	if (!p->threads && print_begin(p))
		return -EIO;
	if (p->o->json && print_json(p, th))
		return -EIO;
	if (!p->o->json)
		print_text(p, th);
	p->threads++;
	return 0;
}

void tree_out__end(struct tree_printer *p)
{
	if (!p->json)
		return;
	jsonw__newline(p->json);
	jsonw__end_array(p->json);
	jsonw__end_object(p->json);
	jsonw__end_line(p->json);
	jsonw__free(p->json);
	p->json = NULL;
}
