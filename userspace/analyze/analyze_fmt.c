/* Output helpers shared by the table and the tree: style, widths, the run header, JSON strings. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analyze.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "core/utf8.h"
#include "core/util.h"

void out_style__detect(struct out_style *st, FILE *out)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM"), *codeset;

	/* Only the character set: LC_NUMERIC must stay "C" so numbers keep their '.'. */
	setlocale(LC_CTYPE, "");
	codeset = nl_langinfo(CODESET);
	st->out = out;
	st->utf8 = codeset && (!strcasecmp(codeset, "UTF-8") || !strcasecmp(codeset, "utf8"));
	st->color = isatty(fileno(out)) && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
}

const char *out__color(const struct out_style *st, const char *sgr)
{
	return st->color ? sgr : "";
}

/* Control characters (a comm or a symbol may hold any byte) would break the layout: '?'. */
static void put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s, out);
}

void out__pad(FILE *out, const char *s, size_t width, bool right)
{
	size_t w = utf8__width(s);
	int fill = (int)(width > w ? width - w : 0);

	if (right)
		fprintf(out, "%*s", fill, "");
	put_clean(out, s);
	if (!right)
		fprintf(out, "%*s", fill, "");
}

char *out__duration(const struct out_style *st, int64_t ns, char *buf, size_t len)
{
	return fmt_duration(ns, !st->utf8, buf, len);
}

/* "WARNING: N what", in red, when there are any. */
static void warn_count(const struct out_style *st, int64_t n, const char *what)
{
	if (n)
		fprintf(st->out, "%sWARNING: %lld %s%s\n", out__color(st, SGR_RED), (long long)n, what,
			out__color(st, SGR_RESET));
}

void out__run_header(const struct out_style *st, const struct run_row *run)
{
	const char *sep = st->utf8 ? " · " : " | ";
	/* Free text: an ESC or a line break in it must not reach the terminal. */
	char *run_id = utf8__terminal_dup(run->run_id), *command = utf8__terminal_dup(run->command);
	char dur[32];

	/* A run still written (or whose tracer was killed) has no end yet: no "0 ns". */
	if (run->end_mono_ns == run->start_mono_ns)
		snprintf(dur, sizeof(dur), "in progress");
	else
		out__duration(st, run->end_mono_ns - run->start_mono_ns, dur, sizeof(dur));
	fprintf(st->out, "%srun %s%s%s%s%s%s%s%lld span%s%s%lld thread%s%s", out__color(st, SGR_BOLD),
		run_id ? run_id : "?", out__color(st, SGR_RESET), sep, command ? command : "?", sep, dur, sep,
		(long long)run->spans, run->spans == 1 ? "" : "s", sep, (long long)run->threads,
		run->threads == 1 ? "" : "s", sep);
	if (run->lost_events)
		fprintf(st->out, "%s%lld lost events%s\n%sWARNING: %lld events lost: the figures below "
			"miss those calls%s\n", out__color(st, SGR_RED), (long long)run->lost_events,
			out__color(st, SGR_RESET), out__color(st, SGR_RED),
			(long long)run->lost_events, out__color(st, SGR_RESET));
	else
		fprintf(st->out, "0 lost events\n");
	warn_count(st, run->no_return_spans, "calls nested past the kernel's return probe limit: "
		   "their ends are not known (status no_return_probe)");
	warn_count(st, run->lost_spans, "calls were open when their thread lost events: "
		   "their ends are not known (status lost)");
	warn_count(st, run->unstored_spans, "calls were seen but not stored (a write failed): "
		   "the figures below miss them");
	if (run->end_mono_ns == run->start_mono_ns)
		fprintf(st->out, "(run still in progress or never ended: figures are partial)\n");
	free(run_id);
	free(command);
}

void json__kv_text(struct jsonw *w, const char *key, const char *s)
{
	jsonw__kv_string(w, key, s ? s : "");
}

void json__run_fields(struct jsonw *w, const struct run_row *run)
{
	json__kv_text(w, "run_id", run->run_id);
	json__kv_text(w, "command", run->command);
	jsonw__kv_int(w, "duration_ns", run->end_mono_ns - run->start_mono_ns);
	jsonw__kv_int(w, "span_count", run->spans);
	jsonw__kv_int(w, "thread_count", run->threads);
	jsonw__kv_int(w, "lost_events", run->lost_events);
	/* Calls whose figures are missing or unknown, so a script sees what a reader sees. */
	jsonw__kv_int(w, "no_return_spans", run->no_return_spans);
	jsonw__kv_int(w, "lost_spans", run->lost_spans);
	jsonw__kv_int(w, "unstored_spans", run->unstored_spans);
}

void analyze__filters_text(const struct analyze_opts *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (o->function_glob)
		n += (size_t)snprintf(buf + n, len - n, "-f '%s'", o->function_glob);
	if (o->status && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s--status %s", n ? " " : "", o->status);
	if (o->where && n < len)
		snprintf(buf + n, len - n, "%s--where '%s'", n ? " " : "", o->where);
}

void analyze__no_match(const struct run_row *run, const struct analyze_opts *o, const char *what)
{
	char which[600];

	analyze__filters_text(o, which, sizeof(which));
	if (analyze_opts__filtered(o))
		ferr("no call of run %s matches %s", run->run_id, which);
	else
		ferr("no %s of run %s matches '%s'", what, run->run_id, o->function_glob);
}

void out__filter_line(const struct out_style *st, const struct analyze_opts *o, const char *what)
{
	struct analyze_opts only = { .status = o->status, .where = o->where };
	char text[600], *shown;

	if (!analyze_opts__filtered(o))
		return;
	analyze__filters_text(&only, text, sizeof(text));
	shown = utf8__terminal_dup(text); /* the user's text: no ESC reaches the terminal */
	fprintf(st->out, "only the calls of %s%s\n", shown ? shown : "?", what);
	free(shown);
}

void json__filter_fields(struct jsonw *w, const struct analyze_opts *o)
{
	if (o->status)
		jsonw__kv_string(w, "status", o->status);
	if (o->where)
		jsonw__kv_string(w, "where", o->where);
}
