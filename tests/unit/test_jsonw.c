/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the streaming JSON writer (jsonw.c) and of the exporters' helpers
 * (struct hashmap as they use it, struct nest in export.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "export/export.h"
#include "core/jsonw.h"
#include "core/utf8.h"

#define FFFD "\xef\xbf\xbd"

/* Runs fn on a writer made by make and returns what it wrote (malloc'ed). */
static char *written_by(struct jsonw *(*make)(FILE *out), void (*fn)(struct jsonw *w, const void *arg),
			const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct jsonw *w = make(out);

	fn(w, arg);
	EXPECT_EQ(jsonw__error(w), 0);
	jsonw__free(w);
	fclose(out);
	return text;
}

static char *written(void (*fn)(struct jsonw *w, const void *arg), const void *arg)
{
	return written_by(jsonw__new, fn, arg);
}

static void write_string(struct jsonw *w, const void *arg)
{
	jsonw__string(w, arg);
}

static void expect_escaped(const char *raw, const char *json)
{
	char *text = written(write_string, raw);

	EXPECT_STR(text, json);
	free(text);
}

static void test_escaping(void)
{
	expect_escaped("plain", "\"plain\"");
	expect_escaped("", "\"\"");
	expect_escaped("a\"b\\c/", "\"a\\\"b\\\\c/\"");
	expect_escaped("\x01\x1f\t\n\r\x7f", "\"\\u0001\\u001f\\u0009\\u000a\\u000d\x7f\"");
	expect_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xbf", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xbf\"");
	expect_escaped(FFFD, "\"" FFFD "\""); /* a real U+FFFD passes through */
}

static void test_invalid_utf8(void)
{
	expect_escaped("\xff", "\"" FFFD "\"");
	expect_escaped("a\x80z", "\"a" FFFD "z\"");		      /* stray continuation */
	expect_escaped("\xc0\xaf", "\"" FFFD FFFD "\"");	      /* overlong '/' */
	expect_escaped("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");     /* overlong, 3 bytes */
	expect_escaped("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");     /* a surrogate */
	expect_escaped("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* > U+10FFFF */
	expect_escaped("\xe2\x82z", "\"" FFFD "z\"");		      /* cut short: one U+FFFD */
	expect_escaped("\xf0\x9f\x90", "\"" FFFD "\"");		      /* truncated at the end */
	expect_escaped("\xc3\"", "\"" FFFD "\\\"\"");		      /* the quote is not swallowed */
}

static void test_clean_dup(void)
{
	char *s = utf8__clean_dup("a;b\nc\rd\xff" "e", ";\n\r");

	EXPECT_STR(s, "abcd" FFFD "e");
	free(s);
	s = utf8__clean_dup("", ";");
	EXPECT_STR(s, "");
	free(s);
}

static void write_document(struct jsonw *w, const void *arg)
{
	(void)arg;
	jsonw__begin_object(w);
	jsonw__kv_string(w, "a", "x");
	jsonw__key(w, "list");
	jsonw__begin_array(w);
	jsonw__int(w, 0);
	jsonw__int(w, INT64_MIN);
	jsonw__int(w, INT64_MAX);
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__end_object(w);
	jsonw__begin_array(w);
	jsonw__end_array(w);
	jsonw__string(w, NULL);
	jsonw__raw_number(w, "0.001");
	jsonw__int_string(w, -42);
	jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__kv_int(w, "n", 7);
	jsonw__end_object(w);
	jsonw__end_line(w);
	jsonw__begin_object(w); /* JSON Lines: commas restart with each line */
	jsonw__end_object(w);
	jsonw__end_line(w);
}

static void test_commas_and_numbers(void)
{
	char *text = written(write_document, NULL);

	EXPECT_STR(text, "{\"a\":\"x\",\"list\":[0,-9223372036854775808,9223372036854775807,\n"
			 "{},[],null,0.001,\"-42\"\n],\"n\":7}\n{}\n");
	free(text);
}

static void write_spaced(struct jsonw *w, const void *arg)
{
	(void)arg;
	jsonw__begin_object(w);
	jsonw__kv_string(w, "a", "x");
	jsonw__kv_uint(w, "u", UINT64_MAX);
	jsonw__key(w, "rows");
	jsonw__begin_array(w);
	jsonw__newline_indent(w, 2);
	jsonw__begin_object(w);
	jsonw__key(w, "v");
	jsonw__null(w);
	jsonw__end_object(w);
	jsonw__newline_indent(w, 2);
	jsonw__int(w, -1);
	jsonw__int(w, 2);
	jsonw__newline(w);
	jsonw__end_array(w);
	jsonw__end_object(w);
	jsonw__end_line(w);
}

/* analyze's layout: a blank after every comma and colon, but none before a line break. */
static void test_spaced(void)
{
	char *text = written_by(jsonw__new_spaced, write_spaced, NULL);

	EXPECT_STR(text, "{\"a\": \"x\", \"u\": 18446744073709551615, \"rows\": [\n"
			 "  {\"v\": null},\n  -1, 2\n]}\n");
	free(text);
}

#define DEEP 5000

static void write_deep(struct jsonw *w, const void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < DEEP; i++) {
		jsonw__begin_array(w);
		jsonw__int(w, i % 10);
	}
	for (i = 0; i < DEEP; i++)
		jsonw__end_array(w);
}

/* Nesting has no fixed limit (a call tree is as deep as the program's calls), and
 * every level keeps its own commas. */
static void test_deep_nesting(void)
{
	char *text = written(write_deep, NULL);
	int bad = 0, i;

	EXPECT(text && strlen(text) == (size_t)DEEP * 4 - 1); /* "[0,[1,...[9" and DEEP "]" */
	for (i = 0; text && i < DEEP; i++)
		bad += text[3 * i] != '[' || text[3 * i + 1] != '0' + i % 10 ||
		       text[3 * i + 2] != (i < DEEP - 1 ? ',' : ']');
	EXPECT_EQ(bad, 0);
	free(text);
}

static void test_hashmap(void)
{
	struct hashmap m = { 0 };
	uint32_t v = 0;
	int64_t i;
	int bad = 0;

	EXPECT_EQ(hashmap__get(&m, 1, 2, &v), 0);
	for (i = 0; i < 200000; i++)
		bad += hashmap__put(&m, i, i * 7, (uint32_t)(i ^ 0x5555)) != 0;
	EXPECT_EQ(bad, 0);
	for (i = 0; i < 200000; i++)
		bad += !hashmap__get(&m, i, i * 7, &v) || v != (uint32_t)(i ^ 0x5555);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(hashmap__get(&m, 5, 36, &v), 0);
	EXPECT_EQ(hashmap__get(&m, -1, 0, &v), 0);
	hashmap__free(&m);
}

static struct named_span row(int64_t id, int64_t parent, int64_t start, int64_t end)
{
	return (struct named_span){ .span_id = id, .parent_id = parent, .thread_key = 1,
				  .start_ns = start, .end_ns = end };
}

/* A child running past its parent is clamped; a zero-length child at its parent's very
 * end stays inside; anything else starting at a frame's end closes that frame first. */
static void test_nest(void)
{
	struct nest n;
	struct named_span r;
	struct open_call *f;

	nest__init(&n);
	r = row(1, 0, 100, 200);
	EXPECT(nest__is_new_thread(&n, &r));
	nest__start_thread(&n, &r);
	f = nest__push(&n, &r);
	EXPECT(!nest__is_new_thread(&n, &r));
	r = row(2, 1, 150, 260);
	EXPECT(nest__top_to_close(&n, &r) == NULL);
	f = nest__push(&n, &r);
	EXPECT_EQ(open_call__end_ns(f), 200);
	EXPECT_EQ(nest__parent(&n)->span_id, 1);
	r = row(3, 1, 200, 200);
	EXPECT(nest__top_to_close(&n, &r) != NULL); /* frame 2 ends at 200: closes first */
	nest__pop(&n);
	EXPECT(nest__top_to_close(&n, &r) == NULL); /* frame 1 is 3's parent: stays */
	EXPECT_EQ(n.stack.calls[0].children_ns, 50);
	f = nest__push(&n, &r);
	EXPECT_EQ(open_call__end_ns(f), 200);
	r = row(4, 0, 200, 190); /* end before start: a zero-length span */
	EXPECT(nest__top_to_close(&n, &r) != NULL);
	nest__pop(&n);
	EXPECT(nest__top_to_close(&n, &r) != NULL); /* not 4's parent */
	nest__pop(&n);
	f = nest__push(&n, &r);
	EXPECT_EQ(open_call__end_ns(f), 200);
	EXPECT(nest__top_to_close(&n, NULL) != NULL);
	nest__free(&n);
}

int main(void)
{
	RUN(test_escaping);
	RUN(test_invalid_utf8);
	RUN(test_clean_dup);
	RUN(test_commas_and_numbers);
	RUN(test_spaced);
	RUN(test_deep_nesting);
	RUN(test_hashmap);
	RUN(test_nest);
	CHECK_EXIT();
}
