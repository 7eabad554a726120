/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of core/util.c: parsing and formatting durations. */
#include <stdint.h>

#include "check.h"
#include "core/util.h"

static void expect_duration(const char *text, int want_err, int64_t want_ns)
{
	int64_t ns = -1;
	int err = parse_duration(text, &ns);

	EXPECT_EQ(err, want_err);
	if (!want_err)
		EXPECT_EQ(ns, want_ns);
}

static void test_parse_duration(void)
{
	expect_duration("300ns", 0, 300);
	expect_duration("50us", 0, 50000);
	expect_duration("50µs", 0, 50000);
	expect_duration("1.5ms", 0, 1500000);
	expect_duration("2s", 0, 2000000000);
	expect_duration("0", 0, 0); /* zero is zero in any unit */
	expect_duration("0.0", 0, 0);
	expect_duration("5", -1, 0); /* 5 what? */
	expect_duration("1.5", -1, 0);
	expect_duration("-1ms", -1, 0);
	expect_duration("5 ms", -1, 0);
	expect_duration("ms", -1, 0);
	expect_duration("", -1, 0);
}

static void test_fmt_duration(void)
{
	char buf[32];

	EXPECT_STR(fmt_duration(950, false, buf, sizeof(buf)), "950 ns");
	EXPECT_STR(fmt_duration(41200, false, buf, sizeof(buf)), "41.20 µs");
	EXPECT_STR(fmt_duration(41200, true, buf, sizeof(buf)), "41.20 us");
	EXPECT_STR(fmt_duration(1204000000, false, buf, sizeof(buf)), "1.204 s");
}

int main(void)
{
	RUN(test_parse_duration);
	RUN(test_fmt_duration);
	CHECK_EXIT();
}
