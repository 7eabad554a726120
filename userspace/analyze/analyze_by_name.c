/* analyze --by name: a table of the calls grouped by the names --name gave them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "core/glob.h"
#include "core/utf8.h"
#include "store/run_query.h"

struct by_name {
	const struct out_style *st;
	const struct analyze_opts *o;
	struct jsonw *w;
	size_t rows;
};

static void text_row(struct by_name *b, const struct name_figures *f)
{
	char total[32], min[32], avg[32], max[32];
	char *name = utf8__terminal_dup(f->name ? f->name : "");

	fprintf(b->st->out, "%-40s  %8lld  %10s  %10s  %10s  %10s  %lld  %lld\n", name ? name : "?",
		(long long)f->calls, out__duration(b->st, f->total_ns, total, sizeof(total)),
		out__duration(b->st, f->min_ns, min, sizeof(min)),
		out__duration(b->st, f->calls ? f->total_ns / f->calls : 0, avg, sizeof(avg)),
		out__duration(b->st, f->max_ns, max, sizeof(max)), (long long)f->errors, (long long)f->incomplete);
	free(name);
}

static int one_name(void *ctx, const struct name_figures *f)
{
	struct by_name *b = ctx;

	if (b->o->function_glob && !glob_match(b->o->function_glob, f->name ? f->name : ""))
		return 0;
	if (!b->w) {
		text_row(b, f);
	} else {
		jsonw__newline_indent(b->w, 2);
		jsonw__begin_object(b->w);
		jsonw__kv_string(b->w, "name", f->name);
		jsonw__kv_int(b->w, "calls", f->calls);
		jsonw__kv_int(b->w, "total_ns", f->total_ns);
		jsonw__kv_int(b->w, "min_ns", f->min_ns);
		jsonw__kv_int(b->w, "avg_ns", f->calls ? f->total_ns / f->calls : 0);
		jsonw__kv_int(b->w, "max_ns", f->max_ns);
		jsonw__kv_int(b->w, "errors", f->errors);
		jsonw__kv_int(b->w, "incomplete", f->incomplete);
		jsonw__end_object(b->w);
	}
	b->rows++;
	return 0;
}

int analyze__by_name(struct run_query *ss, const struct run_row *run, const struct analyze_opts *o,
		     const struct out_style *st)
{
	struct by_name b = { .st = st, .o = o };
	struct arg_reader *r = run_query__arg_reader(ss);
	int err;

	if (!r)
		return -EIO;
	if (o->json) {
		if (!(b.w = jsonw__new_spaced(st->out))) {
			arg_reader__free(r);
			return -EIO;
		}
		jsonw__begin_object(b.w);
		json__run_fields(b.w, run);
		jsonw__key(b.w, "names");
		jsonw__begin_array(b.w);
	} else {
		out__run_header(st, run);
		fprintf(st->out, "\n%-40s  %8s  %10s  %10s  %10s  %10s  %s  %s\n", "Name", "Calls", "Total", "Min",
			"Avg", "Max", "Errors", "Incomplete");
	}
	err = arg_reader__by_name(r, run->run_key, one_name, &b);
	if (b.w) {
		jsonw__newline(b.w);
		jsonw__end_array(b.w);
		jsonw__end_object(b.w);
		jsonw__end_line(b.w);
		jsonw__free(b.w);
	} else if (!err && !b.rows) {
		fprintf(st->out, "(no call of the run has a name: trace with --name 'FUNC=TEMPLATE')\n");
	}
	arg_reader__free(r);
	return err ? -EIO : 0;
}
