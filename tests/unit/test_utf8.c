/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of core/utf8.c: terminal width and cutting to a width (decoding and repair
 * are tested through the JSON writer in test_jsonw.c). */
#include <stdio.h>

#include "check.h"
#include "core/utf8.h"

static void test_width(void)
{
	EXPECT_EQ(utf8__width(""), 0);
	EXPECT_EQ(utf8__width("abc"), 3);
	EXPECT_EQ(utf8__width("41.2 µs"), 7);
	EXPECT_EQ(utf8__width("caf\xc3\xa9 \xf0\x9f\x90\xbf"), 6);
	EXPECT_EQ(utf8__width("a\xff" "b"), 3);	  /* an invalid byte: one column (shown as U+FFFD) */
	EXPECT_EQ(utf8__width("\xe2\x82z"), 2); /* a cut-short sequence counts once */
}

static void expect_fit(const char *s, size_t width, const char *ell, size_t len, const char *want)
{
	char buf[64];

	utf8__fit(s, width, ell, buf, len);
	EXPECT_STR(buf, want);
}

static void test_fit(void)
{
	expect_fit("short", 10, "…", 64, "short");
	expect_fit("exactly10!", 10, "…", 64, "exactly10!");
	expect_fit("much_longer_name", 10, "…", 64, "much_long…");
	expect_fit("much_longer_name", 10, "...", 64, "much_lo...");
	expect_fit("µµµµµµµµµµµµ", 5, "…", 64, "µµµµ…"); /* columns, not bytes */
	expect_fit("ab\xc3\xa9" "cdefgh", 4, "...", 64, "a...");
	expect_fit("\xc3\xa9\xc3\xa9\xc3\xa9", 3, "...", 6, "\xc3\xa9\xc3\xa9"); /* never half a character */
	expect_fit("abcdef", 3, "...", 64, "...");
	expect_fit("", 3, "...", 64, "");
}

int main(void)
{
	RUN(test_width);
	RUN(test_fit);
	CHECK_EXIT();
}
