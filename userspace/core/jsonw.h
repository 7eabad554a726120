/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * jsonw: a streaming JSON writer. Nothing is kept in memory but the nesting
 * (commas are decided per level; it grows as deep as the document, e.g. a call
 * tree), so exporters can write millions of spans.
 *
 * Strings are escaped for any input: '"' and '\' get a backslash, control
 * characters become \u00XX, and bytes that are not valid UTF-8 become U+FFFD
 * (symbol names come from ELF files and may hold anything).
 * Write errors are sticky: check jsonw__error() (or ferror on the FILE) at the end.
 */
#ifndef FERRET_JSONW_H
#define FERRET_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct jsonw;

/* NULL when out of memory (printed). */
struct jsonw *jsonw__new(FILE *out);
/* Writes ", " and ": " between items (analyze's layout, which scripts read) where
 * jsonw__new writes "," and ":". */
struct jsonw *jsonw__new_spaced(FILE *out);
/* Like jsonw__new, and '<' in strings becomes \u003c: the document can sit inside an HTML
 * <script> element, which no "</script>" or "<!--" in a string can then end. */
struct jsonw *jsonw__new_html(FILE *out);
void jsonw__free(struct jsonw *w); /* NULL is a no-op; does not close the FILE */

void jsonw__begin_object(struct jsonw *w);
void jsonw__end_object(struct jsonw *w);
void jsonw__begin_array(struct jsonw *w);
void jsonw__end_array(struct jsonw *w);
void jsonw__key(struct jsonw *w, const char *key);
void jsonw__string(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw__null(struct jsonw *w);
void jsonw__int(struct jsonw *w, int64_t v);
void jsonw__uint(struct jsonw *w, uint64_t v);
void jsonw__int_string(struct jsonw *w, int64_t v); /* "123": int64 in protobuf JSON */
/* A number already formatted by the caller, e.g. "12.345" (written as is). */
void jsonw__raw_number(struct jsonw *w, const char *text);
/* A line break before the next item or closing bracket (after its comma): keeps huge
 * arrays readable one element per line. */
void jsonw__newline(struct jsonw *w);
/* The same, followed by indent blanks. */
void jsonw__newline_indent(struct jsonw *w, int indent);
/* Writes a line break now: ends a document, or a line of JSON Lines output (depth 0). */
void jsonw__end_line(struct jsonw *w);

static inline void jsonw__kv_string(struct jsonw *w, const char *key, const char *s)
{
	jsonw__key(w, key);
	jsonw__string(w, s);
}

static inline void jsonw__kv_int(struct jsonw *w, const char *key, int64_t v)
{
	jsonw__key(w, key);
	jsonw__int(w, v);
}

static inline void jsonw__kv_uint(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw__key(w, key);
	jsonw__uint(w, v);
}

/* Non-zero once a write failed, or the nesting could not grow (out of memory). */
int jsonw__error(const struct jsonw *w);
/* Non-zero when only the latter: a caller that reports the FILE's errors itself. */
int jsonw__out_of_memory(const struct jsonw *w);

#endif /* FERRET_JSONW_H */
