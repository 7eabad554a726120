/* core/arg_type: enum type texts written, and values named from them. */
#include "check.h"
#include "core/arg_type.h"

static void test_written(void)
{
	char buf[ARG_TYPE_MAX], small[40];

	arg_type__begin_enum(buf, sizeof(buf), "i32", "color");
	EXPECT_STR(buf, "i32 enum color {}");
	EXPECT(arg_type__add_enumerator(buf, sizeof(buf), "RED", 0));
	EXPECT(arg_type__add_enumerator(buf, sizeof(buf), "NEG", -3));
	EXPECT_STR(buf, "i32 enum color {RED=0,NEG=-3}");
	EXPECT(!arg_type__add_enumerator(buf, sizeof(buf), "not one", 1));
	EXPECT(!arg_type__add_enumerator(buf, sizeof(buf), "9lives", 1));
	EXPECT_STR(buf, "i32 enum color {RED=0,NEG=-3}");
	arg_type__begin_enum(buf, sizeof(buf), "u32", NULL);
	EXPECT_STR(buf, "u32 enum {}");
	arg_type__begin_enum(buf, sizeof(buf), "u32", "(anonymous)");
	EXPECT_STR(buf, "u32 enum {}");
	/* what does not fit is left out, the text stays whole */
	arg_type__begin_enum(small, sizeof(small), "u32", "e");
	EXPECT(arg_type__add_enumerator(small, sizeof(small), "FIRST_ONE", 1));
	EXPECT(!arg_type__add_enumerator(small, sizeof(small), "SECOND_LONGER_ONE", 2));
	EXPECT_STR(small, "u32 enum e {FIRST_ONE=1}");
}

static void test_named(void)
{
	const char *color = "u32 enum color {RED=0,GREEN=1,BLUE=7}";
	const char *perm = "u32 enum perm {PERM_NONE=0,PERM_READ=1,PERM_WRITE=2,PERM_EXEC=4}";
	char buf[64];

	EXPECT(arg_type__value_name(color, 1, buf, sizeof(buf)));
	EXPECT_STR(buf, "GREEN");
	EXPECT(arg_type__value_name(color, 7, buf, sizeof(buf)));
	EXPECT_STR(buf, "BLUE");
	EXPECT(!arg_type__value_name(color, 5, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name(color, 3, buf, sizeof(buf))); /* two nonzero: not flags */
	EXPECT(arg_type__value_name(perm, 3, buf, sizeof(buf)));
	EXPECT_STR(buf, "PERM_READ|PERM_WRITE");
	EXPECT(arg_type__value_name(perm, 9, buf, sizeof(buf)));
	EXPECT_STR(buf, "PERM_READ|0x8");
	EXPECT(arg_type__value_name(perm, 0, buf, sizeof(buf)));
	EXPECT_STR(buf, "PERM_NONE");
	EXPECT(!arg_type__value_name(perm, 8, buf, sizeof(buf))); /* no bit of it named */
	EXPECT(!arg_type__value_name(perm, -1, buf, sizeof(buf)));
	EXPECT(arg_type__value_name("i32 enum {A=-1,B=2}", -1, buf, sizeof(buf)));
	EXPECT_STR(buf, "A");
	/* a name that does not fit the buffer is not shown cut short */
	EXPECT(!arg_type__value_name(color, 1, buf, 5));
	EXPECT(arg_type__value_name(color, 0, buf, 5));
	EXPECT_STR(buf, "RED");
	EXPECT(!arg_type__value_name(perm, 3, buf, 12));
	/* formats and texts ferret did not write */
	EXPECT(!arg_type__value_name("i32", 0, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("", 0, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name(NULL, 0, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("i32 enum e {}", 0, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("i32 enum e {A=}", 0, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("i32 enum e {A=1", 1, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("i32 enum e {=1}", 1, buf, sizeof(buf)));
	EXPECT(!arg_type__value_name("i32 enum e {A=99999999999999999999}", 1, buf, sizeof(buf)));
}

int main(void)
{
	RUN(test_written);
	RUN(test_named);
	CHECK_EXIT();
}
