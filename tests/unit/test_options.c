/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of cmd/options.c: the option values every command parses alike, and the
 * database given once. (The commands' messages and exit codes: tests/e2e/test_cli.sh.) */
#include <stdint.h>

#include "check.h"
#include "cmd/options.h"

static void test_ids(void)
{
	int id = 0;

	EXPECT_EQ(options__id("--pid", "process", "1", &id), PARSE_RUN);
	EXPECT_EQ(id, 1);
	EXPECT_EQ(options__id("--pid", "process", "4194304", &id), PARSE_RUN);
	EXPECT_EQ(options__id("--pid", "process", "4194305", &id), PARSE_USAGE);
	EXPECT_EQ(options__id("--pid", "process", "0", &id), PARSE_USAGE);
	EXPECT_EQ(options__id("--pid", "process", "-3", &id), PARSE_USAGE);
	EXPECT_EQ(options__id("--thread", "thread", "12x", &id), PARSE_USAGE);
	EXPECT_EQ(options__id("--thread", "thread", "", &id), PARSE_USAGE);
	EXPECT_EQ(id, 4194304);
}

static void test_times(void)
{
	int64_t ns = 0;

	EXPECT_EQ(options__seconds("-d", "0.5", &ns), PARSE_RUN);
	EXPECT_EQ(ns, 500000000);
	EXPECT_EQ(options__seconds("-d", "0", &ns), PARSE_USAGE);
	EXPECT_EQ(options__seconds("-d", "1e12", &ns), PARSE_USAGE);
	EXPECT_EQ(options__seconds("-d", "2s", &ns), PARSE_USAGE);
	EXPECT_EQ(options__duration("--min-duration", "2ms", &ns), PARSE_RUN);
	EXPECT_EQ(ns, 2000000);
	EXPECT_EQ(options__duration("--min-duration", "2", &ns), PARSE_USAGE);
	EXPECT_EQ(options__duration("--min-duration", "0", &ns), PARSE_RUN);
	EXPECT_EQ(ns, 0);
}

static void test_database(void)
{
	char *argv[] = { "analyze", "a.db", "b.db", NULL };
	const char *db = NULL;

	EXPECT_EQ(options__db("x.db", &db), PARSE_RUN);
	EXPECT_EQ(options__db("y.db", &db), PARSE_USAGE); /* --db twice */
	EXPECT_STR(db, "x.db");
	db = NULL;
	optind = 3;
	EXPECT_EQ(options__db_argument(3, argv, &db), PARSE_RUN);
	EXPECT_STR(db, DEFAULT_DB);
	db = NULL;
	optind = 1;
	EXPECT_EQ(options__db_argument(2, argv, &db), PARSE_RUN);
	EXPECT_STR(db, "a.db");
	db = NULL;
	optind = 1;
	EXPECT_EQ(options__db_argument(3, argv, &db), PARSE_USAGE); /* one database at a time */
	EXPECT_EQ(options__exit_code(PARSE_USAGE), EXIT_USAGE);
	EXPECT_EQ(options__exit_code(PARSE_HELP), EXIT_OK);
}

int main(void)
{
	RUN(test_ids);
	RUN(test_times);
	RUN(test_database);
	CHECK_EXIT();
}
