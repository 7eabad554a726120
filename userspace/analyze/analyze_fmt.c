/* Output helpers shared by the table and the tree: style, widths, the run header, JSON strings. */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analyze.h"
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

size_t out__width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80; /* count characters, not continuation bytes */
	return w;
}

/* Control characters (a comm or a symbol may hold any byte) would break the layout: '?'. */
static void put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s, out);
}

void out__pad(FILE *out, const char *s, size_t width, bool right)
{
	size_t w = out__width(s);
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

void out__run_header(const struct out_style *st, const struct run_row *run)
{
	const char *sep = st->utf8 ? " · " : " | ";
	/* Free text: an ESC or a line break in it must not reach the terminal. */
	char *run_id = utf8__terminal_dup(run->run_id), *command = utf8__terminal_dup(run->command);
	char dur[32];

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
	if (run->no_return_spans)
		fprintf(st->out, "%sWARNING: %lld calls nested past the kernel's return probe limit: "
			"their ends are not known (status no_return_probe)%s\n", out__color(st, SGR_RED),
			(long long)run->no_return_spans, out__color(st, SGR_RESET));
	if (run->lost_spans)
		fprintf(st->out, "%sWARNING: %lld calls were open when their thread lost events: "
			"their ends are not known (status lost)%s\n", out__color(st, SGR_RED),
			(long long)run->lost_spans, out__color(st, SGR_RESET));
	if (run->end_mono_ns == run->start_mono_ns)
		fprintf(st->out, "(run still in progress or never ended: figures are partial)\n");
	free(run_id);
	free(command);
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

/* Writes s as a JSON string; bytes that are not UTF-8 (a comm can hold anything) become U+FFFD. */
void json__string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n;

	fputc('"', out);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p == '\n') {
			fputs("\\n", out), p++;
		} else if (*p == '\t') {
			fputs("\\t", out), p++;
		} else if (*p < 0x20 || *p == 0x7F) {
			fprintf(out, "\\u%04x", *p++);
		} else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", out), p++;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}

void json__run_fields(FILE *out, const struct run_row *run)
{
	fputs("\"run_id\": ", out);
	json__string(out, run->run_id);
	fputs(", \"command\": ", out);
	json__string(out, run->command);
	fprintf(out, ", \"duration_ns\": %lld, \"span_count\": %lld, \"thread_count\": %lld, \"lost_events\": %lld",
		(long long)(run->end_mono_ns - run->start_mono_ns), (long long)run->spans,
		(long long)run->threads, (long long)run->lost_events);
}
