/* SPDX-License-Identifier: BSD-2-Clause */
/* jsonw: streaming JSON writer with escaping that is safe for any byte string. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "log.h"
#include "utf8.h"
#include "util.h"

struct jsonw {
	FILE *out;
	bool spaced;	/* ", " and ": " between items */
	bool html;	/* '<' written as \u003c: the JSON sits inside a <script> element */
	bool after_key; /* the next value follows "key": */
	bool newline;	/* a line break goes before the next item */
	int indent;	/* blanks after that line break */
	bool no_memory; /* the nesting could not grow: the output is cut */
	size_t depth;
	bool *has_items; /* per level: a comma goes before the next item */
	size_t levels;	 /* has_items' capacity: nesting grows as deep as the document */
};

static struct jsonw *new_writer(FILE *out, bool spaced)
{
	struct jsonw *w = calloc(1, sizeof(*w));

	if (!w || grow_array((void **)&w->has_items, &w->levels, 1, sizeof(*w->has_items))) {
		free(w);
		ferr("out of memory");
		return NULL;
	}
	w->out = out;
	w->spaced = spaced;
	w->has_items[0] = false;
	return w;
}

struct jsonw *jsonw__new(FILE *out)
{
	return new_writer(out, false);
}

struct jsonw *jsonw__new_spaced(FILE *out)
{
	return new_writer(out, true);
}

struct jsonw *jsonw__new_html(FILE *out)
{
	struct jsonw *w = new_writer(out, false);

	if (w)
		w->html = true;
	return w;
}

void jsonw__free(struct jsonw *w)
{
	if (!w)
		return;
	free(w->has_items);
	free(w);
}

int jsonw__error(const struct jsonw *w)
{
	return w->no_memory || ferror(w->out);
}

int jsonw__out_of_memory(const struct jsonw *w)
{
	return w->no_memory;
}

static inline void put(struct jsonw *w, char c)
{
	fputc_unlocked(c, w->out);
}

static inline void put_text(struct jsonw *w, const char *s, size_t len)
{
	fwrite_unlocked(s, 1, len, w->out);
}

/* The pending line break and its indent; false when there was none. */
static bool line_break(struct jsonw *w)
{
	if (!w->newline)
		return false;
	put(w, '\n');
	for (int i = 0; i < w->indent; i++)
		put(w, ' ');
	w->newline = false;
	return true;
}

/* Called before every value and key: the comma that separates it from the previous item. */
static void before_item(struct jsonw *w)
{
	bool comma = w->has_items[w->depth];

	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (comma)
		put(w, ',');
	w->has_items[w->depth] = true;
	if (!line_break(w) && comma && w->spaced)
		put(w, ' ');
}

static void open_level(struct jsonw *w, char c)
{
	before_item(w);
	put(w, c);
	if (w->depth + 2 > w->levels &&
	    grow_array((void **)&w->has_items, &w->levels, w->depth + 2, sizeof(*w->has_items))) {
		if (!w->no_memory)
			ferr("out of memory");
		w->no_memory = true;
		return;
	}
	w->depth++;
	w->has_items[w->depth] = false;
}

static void close_level(struct jsonw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	line_break(w);
	put(w, c);
}

void jsonw__begin_object(struct jsonw *w)
{
	open_level(w, '{');
}

void jsonw__end_object(struct jsonw *w)
{
	close_level(w, '}');
}

void jsonw__begin_array(struct jsonw *w)
{
	open_level(w, '[');
}

void jsonw__end_array(struct jsonw *w)
{
	close_level(w, ']');
}

void jsonw__newline(struct jsonw *w)
{
	jsonw__newline_indent(w, 0);
}

void jsonw__newline_indent(struct jsonw *w, int indent)
{
	w->newline = true;
	w->indent = indent;
}

void jsonw__end_line(struct jsonw *w)
{
	put(w, '\n');
	w->newline = false;
	w->has_items[0] = false;
}

/* Bytes written as they are: ASCII but control characters, '"' and '\\'. */
static inline bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Writes s escaped, between quotes. Runs of plain ASCII go out in one fwrite. */
static void write_escaped(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *plain = p;
	char buf[8];
	size_t used;
	uint32_t cp;

	put(w, '"');
	for (;;) {
		unsigned char c = *p;

		if (plain_byte(c) && !(c == '<' && w->html)) {
			p++;
			continue;
		}
		put_text(w, (const char *)plain, (size_t)(p - plain));
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			buf[0] = '\\', buf[1] = (char)c;
			put_text(w, buf, 2);
			used = 1;
		} else if (c < 0x20 || c == '<') {
			memcpy(buf, "\\u00", 4);
			buf[4] = hex[c >> 4], buf[5] = hex[c & 0xF];
			put_text(w, buf, 6);
			used = 1;
		} else {
			used = utf8__decode(p, strlen((const char *)p), &cp);
			if (cp == UTF8_INVALID)
				put_text(w, buf, utf8__encode(0xFFFD, buf));
			else
				put_text(w, (const char *)p, used);
		}
		p += used;
		plain = p;
	}
	put(w, '"');
}

void jsonw__key(struct jsonw *w, const char *key)
{
	before_item(w);
	write_escaped(w, key);
	if (w->spaced)
		put_text(w, ": ", 2);
	else
		put(w, ':');
	w->after_key = true;
}

void jsonw__string(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw__null(w);
		return;
	}
	before_item(w);
	write_escaped(w, s);
}

void jsonw__null(struct jsonw *w)
{
	before_item(w);
	put_text(w, "null", 4);
}

/* Formats u in decimal into the end of buf; returns where the digits start. */
static char *format_uint(uint64_t u, char *end)
{
	char *p = end;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return p;
}

static char *format_int(int64_t v, char *end)
{
	char *p = format_uint(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, end);

	if (v < 0)
		*--p = '-';
	return p;
}

void jsonw__int(struct jsonw *w, int64_t v)
{
	char buf[24], *start = format_int(v, buf + sizeof(buf));

	before_item(w);
	put_text(w, start, (size_t)(buf + sizeof(buf) - start));
}

void jsonw__uint(struct jsonw *w, uint64_t v)
{
	char buf[24], *start = format_uint(v, buf + sizeof(buf));

	before_item(w);
	put_text(w, start, (size_t)(buf + sizeof(buf) - start));
}

void jsonw__int_string(struct jsonw *w, int64_t v)
{
	char buf[24], *start;

	buf[sizeof(buf) - 1] = '"';
	start = format_int(v, buf + sizeof(buf) - 1);
	*--start = '"';
	before_item(w);
	put_text(w, start, (size_t)(buf + sizeof(buf) - start));
}

void jsonw__raw_number(struct jsonw *w, const char *text)
{
	before_item(w);
	put_text(w, text, strlen(text));
}
