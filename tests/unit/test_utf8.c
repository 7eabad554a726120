/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of core/utf8.c: terminal width and cutting to a width (decoding and repair
 * are tested through the JSON writer in test_jsonw.c). */
#include <stdio.h>
#include <stdlib.h>

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

static void expect_terminal(const char *s, const char *want)
{
	char *got = utf8__terminal_dup(s);

	EXPECT_STR(got, want);
	free(got);
}

static void test_terminal_dup(void)
{
	expect_terminal("plain /usr/bin/x --flag", "plain /usr/bin/x --flag");
	expect_terminal("caf\xc3\xa9 41.2 µs", "caf\xc3\xa9 41.2 µs");
	expect_terminal("a\x1b[31mred", "a\\x1b[31mred");
	expect_terminal("two\nlines\r\t", "two\\x0alines\\x0d\\x09");
	expect_terminal("del\x7f", "del\\x7f");
	expect_terminal("csi\xc2\x9b" "2J", "csi\\xc2\\x9b2J"); /* C1 CSI, as UTF-8 */
	expect_terminal("bad\xff\xe2\x82", "bad\\xff\\xe2\\x82"); /* not UTF-8 */
	expect_terminal("", "");
}

int main(void)
{
	RUN(test_width);
	RUN(test_fit);
	RUN(test_terminal_dup);
	CHECK_EXIT();
}
