/* A tiny unit-test harness: each TEST prints "PASS: name" or "FAIL: name (why)". */
#ifndef FERRET_CHECK_H
#define FERRET_CHECK_H

#include <stdio.h>
#include <string.h>

static int check__failed_in_test;
static int check__failures;

#define EXPECT(cond)                                                                    \
	do {                                                                            \
		if (!(cond)) {                                                          \
			printf("    %s:%d: expected %s\n", __FILE__, __LINE__, #cond);      \
			check__failed_in_test = 1;                                      \
		}                                                                       \
	} while (0)

#define EXPECT_EQ(a, b)                                                                      \
	do {                                                                                 \
		long long check__a = (long long)(a), check__b = (long long)(b);              \
		if (check__a != check__b) {                                                  \
			printf("    %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, \
			       check__a, check__b);                                          \
			check__failed_in_test = 1;                                           \
		}                                                                            \
	} while (0)

#define EXPECT_STR(a, b)                                                                   \
	do {                                                                               \
		const char *check__a = (a), *check__b = (b);                               \
		if (!check__a || !check__b || strcmp(check__a, check__b) != 0) {          \
			printf("    %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
			       #a, check__a ? check__a : "(null)", check__b ? check__b : "(null)"); \
			check__failed_in_test = 1;                                         \
		}                                                                          \
	} while (0)

#define RUN(test_fn)                                                            \
	do {                                                                    \
		check__failed_in_test = 0;                                      \
		test_fn();                                                      \
		printf("%s: %s\n", check__failed_in_test ? "FAIL" : "PASS", #test_fn); \
		check__failures += check__failed_in_test;                       \
	} while (0)

#define CHECK_EXIT() return check__failures ? 1 : 0

#endif /* FERRET_CHECK_H */
