/* SPDX-License-Identifier: BSD-2-Clause */
/* export: the format registry, the driver loop, and the helpers exporters share. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "core/log.h"

const struct exporter *const exporters[] = {
	&exporter_speedscope, &exporter_chrome, &exporter_folded, &exporter_otlp, NULL,
};

volatile int export_interrupted;

const struct exporter *exporter__find(const char *name)
{
	size_t i;

	for (i = 0; exporters[i]; i++)
		if (!strcmp(exporters[i]->name, name))
			return exporters[i];
	return NULL;
}

void exporter__list_names(char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; exporters[i] && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", exporters[i]->name);
}

static int report_nothing_to_export(const struct run_row *run, const struct span_filter *f)
{
	bool filtered = f && (f->pid || f->tid || f->function_glob || f->min_duration_ns);

	if (!run->spans)
		ferr("run '%s' has no spans to export", run->run_id);
	else if (filtered)
		ferr("none of the %" PRId64 " spans of run '%s' matches the filters", run->spans,
		     run->run_id);
	else
		ferr("run '%s': no spans could be read", run->run_id);
	return -1;
}

/* Called right after a failure: a write error is reported here (errno is still the
 * write's), any other error was printed where it happened. */
static int write_failed(const struct export_target *to)
{
	int saved = errno;

	if (ferror(to->file))
		ferr("cannot write %s: %s", to->name, strerror(saved));
	return -1;
}

/*
 * Names longer than EXPORT_NAME_MAX bytes are cut there, ending in "…": every event
 * repeats its function's name, so a 50 MB symbol made files of gigabytes and exports of
 * minutes. Cut at a character boundary; *name then points into buf.
 */
static void cap_name(const char **name, char buf[EXPORT_NAME_MAX + 1])
{
	size_t n = strnlen(*name, EXPORT_NAME_MAX + 1);

	if (n <= EXPORT_NAME_MAX)
		return;
	n = EXPORT_NAME_MAX - strlen("…");
	while (n && ((unsigned char)(*name)[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, *name, n);
	strcpy(buf + n, "…");
	*name = buf;
}

int export__run(const struct exporter *ex, struct store *s, const struct run_row *run,
		const struct span_filter *filter, const struct export_target *to, int64_t *spans)
{
	return export__run_with(ex, s, run, filter, to, NULL, spans);
}

int export__run_with(const struct exporter *ex, struct store *s, const struct run_row *run,
		     const struct span_filter *filter, const struct export_target *to, void *arg,
		     int64_t *spans)
{
	struct export_ctx ctx = { .out = to->file, .run = run, .arg = arg };
	char function[EXPORT_NAME_MAX + 1], module[EXPORT_NAME_MAX + 1];
	struct span_reader *it;
	struct named_span row;
	bool begun = false;
	int64_t written = 0;
	int rc, err = 0;

	if (store__span_tags(s, run->run_key, &ctx.tags))
		return -1;
	ctx.args = store__arg_reader(s);
	if (ctx.args && arg_reader__run_has_values(ctx.args, run->run_key) != 1) {
		arg_reader__free(ctx.args);
		ctx.args = NULL;
	}
	it = store__spans(s, run->run_key, filter);
	if (!it) {
		span_tags__free(&ctx.tags);
		arg_reader__free(ctx.args);
		return -1;
	}
	/* The first span is read before anything is written: no span, no output. */
	rc = span_reader__next(it, &row);
	if (rc <= 0) {
		err = rc < 0 ? -1 : report_nothing_to_export(run, filter);
		goto cleanup;
	}
	begun = true;
	err = ex->begin(&ctx);
	if (err) {
		write_failed(to);
		goto cleanup;
	}
	do {
		if (export_interrupted) {
			ferr("interrupted");
			err = -1;
			goto cleanup;
		}
		cap_name(&row.function, function);
		cap_name(&row.module, module);
		err = ex->span(&ctx, &row);
		if (err) {
			write_failed(to);
			goto cleanup;
		}
		written++;
	} while ((rc = span_reader__next(it, &row)) > 0);
	if (rc < 0) {
		err = -1;
		goto cleanup;
	}
	err = ex->end(&ctx);
	if (!err && fflush(to->file))
		err = -1;
	if (err)
		write_failed(to);
cleanup:
	if (begun)
		ex->release(&ctx);
	span_reader__free(it);
	span_tags__free(&ctx.tags);
	arg_reader__free(ctx.args);
	if (spans)
		*spans = written;
	return err;
}

/* ---- nest ---- */

void nest__init(struct nest *n)
{
	memset(n, 0, sizeof(*n));
}

void nest__free(struct nest *n)
{
	call_stack__free(&n->stack);
	nest__init(n);
}

bool nest__is_new_thread(const struct nest *n, const struct named_span *row)
{
	return !n->started || n->thread_key != row->thread_key;
}

void nest__start_thread(struct nest *n, const struct named_span *row)
{
	n->stack.depth = 0;
	n->thread_key = row->thread_key;
	n->started = true;
}

struct open_call *nest__top_to_close(struct nest *n, const struct named_span *row)
{
	struct open_call *top = call_stack__top(&n->stack);

	if (!top || !row || open_call__end_ns(top) < row->start_ns)
		return top;
	if (open_call__end_ns(top) == row->start_ns && top->span_id != row->parent_id)
		return top;
	return NULL;
}

void nest__pop(struct nest *n)
{
	call_stack__pop(&n->stack);
}

struct open_call *nest__push(struct nest *n, const struct named_span *row)
{
	struct open_call *c, *parent;
	int64_t end = row->end_ns;

	if (!(c = call_stack__push(&n->stack))) {
		ferr("out of memory");
		return NULL;
	}
	parent = call_stack__parent(&n->stack);
	/* A child cannot outlive its parent: only clock skew or an incomplete parent's
	 * early recorded end produce that, and every viewer rejects it. */
	if (parent && end > open_call__end_ns(parent))
		end = open_call__end_ns(parent);
	if (end < row->start_ns)
		end = row->start_ns;
	c->span_id = row->span_id;
	c->start_ns = row->start_ns;
	c->duration_ns = end - row->start_ns;
	c->status = row->status;
	OPEN_CALL_TAKE_SCHED(c, row); /* the viewer's table and calls show them */
	return c;
}

struct open_call *nest__parent(struct nest *n)
{
	return call_stack__parent(&n->stack);
}

void *export_common__new(struct export_ctx *ctx, size_t size, bool with_json)
{
	struct export_common *c = calloc(1, size);

	if (!c) {
		ferr("out of memory");
		return NULL;
	}
	nest__init(&c->nest);
	c->ctx = ctx;
	c->args = ctx->args;
	ctx->state = c;
	if (with_json && !(c->w = jsonw__new(ctx->out))) {
		export_common__free(ctx);
		return NULL;
	}
	return c;
}

void export_common__free(struct export_ctx *ctx)
{
	struct export_common *c = ctx->state;

	if (!c)
		return;
	nest__free(&c->nest);
	jsonw__free(c->w);
	free(c);
	ctx->state = NULL;
}

char *format_us(int64_t ns, char *buf, size_t len)
{
	uint64_t u = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, ns < 0 ? "-" : "", u / 1000, u % 1000);
	return buf;
}

const struct span_tag *export__tags(const struct export_ctx *ctx, int64_t span_id, size_t *n)
{
	return span_tags__of(&ctx->tags, span_id, n);
}
