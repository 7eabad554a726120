/* core/arg_spec: -A, -R and --error texts, accepted and refused. */
#include "check.h"
#include "core/arg_spec.h"

static void test_specs(void)
{
	struct arg_spec s;
	char err[256], fmt[16];

	EXPECT_EQ(arg_spec__parse("libsqlite3:sqlite3_prepare_v2@arg2/s,arg1/x32,arg3", false, &s, err, sizeof(err)), 0);
	EXPECT_STR(s.pattern, "libsqlite3:sqlite3_prepare_v2");
	EXPECT_EQ(s.nitems, 3);
	EXPECT_EQ(s.items[0].position, 2);
	EXPECT_EQ(s.items[0].kind, ARG_STRING);
	EXPECT_EQ(s.items[1].kind, ARG_HEX);
	EXPECT_EQ(s.items[1].bits, 32);
	EXPECT_STR(arg_item__format(&s.items[1], fmt, sizeof(fmt)), "x32");
	EXPECT_EQ(s.items[2].kind, ARG_SIGNED);
	EXPECT_STR(arg_item__format(&s.items[2], fmt, sizeof(fmt)), "d");
	arg_spec__free(&s);
	EXPECT_EQ(arg_spec__parse("f@retval/i32", true, &s, err, sizeof(err)), 0);
	EXPECT_EQ(s.items[0].position, 0);
	EXPECT_EQ(arg_item__extend(&s.items[0], 0xffffffffu), -1);
	arg_spec__free(&s);
}

static void test_refused(void)
{
	struct arg_spec s;
	char err[256];

	EXPECT_EQ(arg_spec__parse("f@arg1/q", false, &s, err, sizeof(err)), -1);
	EXPECT_STR(err, "unknown format '/q' (d, i, u, x, s, c, p, i8..i64, u8..u64, x8..x64)");
	EXPECT_EQ(arg_spec__parse("f@arg7", false, &s, err, sizeof(err)), -1);
	EXPECT_STR(err, "'arg7': only the first 6 integer arguments (in registers) are captured, not those on the stack");
	EXPECT_EQ(arg_spec__parse("f@arg1,arg1", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@retval", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@arg1", true, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("@arg1", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@arg1/", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@arg1/i12", false, &s, err, sizeof(err)), -1);
	EXPECT_EQ(arg_spec__parse("f@arg1,,arg2", false, &s, err, sizeof(err)), -1);
}

static void test_rules(void)
{
	struct error_rule r;
	char err[256], text[64];

	EXPECT_EQ(error_rule__parse("libc:open*:ret<0", &r, err, sizeof(err)), 0);
	EXPECT_STR(r.pattern, "libc:open*");
	EXPECT(error_rule__matches(&r, -1) && !error_rule__matches(&r, 0));
	EXPECT_STR(error_rule__text(&r, text, sizeof(text)), "ret<0");
	error_rule__free(&r);
	EXPECT_EQ(error_rule__parse("lookup:ret==0", &r, err, sizeof(err)), 0);
	EXPECT(error_rule__matches(&r, 0) && !error_rule__matches(&r, 1));
	error_rule__free(&r);
	EXPECT_EQ(error_rule__parse("f:ret!=-1", &r, err, sizeof(err)), 0);
	EXPECT(error_rule__matches(&r, 0) && !error_rule__matches(&r, -1));
	error_rule__free(&r);
	EXPECT_EQ(error_rule__parse("f:ret>=0x10", &r, err, sizeof(err)), 0);
	EXPECT(error_rule__matches(&r, 16) && !error_rule__matches(&r, 15));
	error_rule__free(&r);
	EXPECT_EQ(error_rule__parse("f:ret", &r, err, sizeof(err)), -1);
	EXPECT_EQ(error_rule__parse("f:ret<x", &r, err, sizeof(err)), -1);
	EXPECT_EQ(error_rule__parse("f:arg1<0", &r, err, sizeof(err)), -1);
	EXPECT_EQ(error_rule__parse(":ret<0", &r, err, sizeof(err)), -1);
}

int main(void)
{
	RUN(test_specs);
	RUN(test_refused);
	RUN(test_rules);
	CHECK_EXIT();
}
