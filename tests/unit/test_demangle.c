/* SPDX-License-Identifier: BSD-2-Clause */
/* Readable names of mangled symbols: every expectation written out by hand. */
#include <stdlib.h>

#include "check.h"
#include "elf/demangle.h"

static void expect_names(const char *symbol, const char *full, const char *name)
{
	char *got_full = (char *)"x", *got_name = (char *)"x";

	EXPECT_EQ(demangle__symbol(symbol, &got_full, &got_name), 0);
	if (!full) {
		EXPECT(got_full == NULL && got_name == NULL);
		return;
	}
	EXPECT_STR(got_full, full);
	EXPECT_STR(got_name, name);
	free(got_full);
	free(got_name);
}

static void test_c_names_stay(void)
{
	expect_names("main", NULL, NULL);
	expect_names("check.cold", NULL, NULL);
	expect_names("_Zgarbage", NULL, NULL); /* looks mangled, is not */
}

static void test_cxx(void)
{
	expect_names("_ZN4shop4Cart3addEi", "shop::Cart::add(int)", "shop::Cart::add");
	expect_names("_ZNK4shop4Cart5totalEv", "shop::Cart::total() const", "shop::Cart::total");
	expect_names("_ZN4shop5twiceIiEET_S1_", "int shop::twice<int>(int)", "shop::twice");
	expect_names("_ZN3FooclEi", "Foo::operator()(int)", "Foo::operator()");
	expect_names("_ZlsRSoRK3Foo", "operator<<(std::ostream&, Foo const&)", "operator<<");
	expect_names("_ZNSt6vectorIiSaIiEE9push_backERKi",
		     "std::vector<int, std::allocator<int> >::push_back(int const&)", "std::vector::push_back");
	expect_names("_Z3fooi.isra.0", "foo(int) [clone .isra.0]", "foo");
}

static void test_rust_legacy(void)
{
	expect_names("_ZN4core3fmt5write17h0123456789abcdefE", "core::fmt::write", "core::fmt::write");
	expect_names("_ZN5hello4main17h9f8e7d6c5b4a3921E", "hello::main", "hello::main");
}

int main(void)
{
	RUN(test_c_names_stay);
	RUN(test_cxx);
	RUN(test_rust_legacy);
	CHECK_EXIT();
}
