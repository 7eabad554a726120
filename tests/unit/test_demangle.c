/* SPDX-License-Identifier: BSD-2-Clause */
/* Readable names of mangled symbols: every expectation written out by hand. */
#include <stdlib.h>
#include <string.h>

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
	/* an operator inside template arguments (it used to loop forever: found by fuzzing) */
	expect_names("_Z1fIXadL_ZltRK1AS2_EEEvv", "void f<&(operator<(A const&, A const&))>()", "f");
	expect_names("_Z1fIXadL_ZrsRK1AS2_EEEvv", "void f<&(operator>>(A const&, A const&))>()", "f");
}

/* Symbols from rustc 1.95 (tests/progs/rust_v0.rs and its standard library), legacy
 * mangling: escapes decoded; the whole name keeps the hash, which is all that tells
 * two instances of a generic function apart. */
static void test_rust_legacy(void)
{
	expect_names("_ZN4core3fmt5write17h0123456789abcdefE", "core::fmt::write::h0123456789abcdef",
		     "core::fmt::write");
	expect_names("_ZN7rust_v07largest17h3b6f7ab503a85eeeE", "rust_v0::largest::h3b6f7ab503a85eee",
		     "rust_v0::largest");
	expect_names("_ZN7rust_v07largest17hba121bf7e4396236E", "rust_v0::largest::hba121bf7e4396236",
		     "rust_v0::largest");
	expect_names("_ZN53_$LT$rust_v0..Point$u20$as$u20$core..fmt..Display$GT$3fmt17he10a9f4610394a4aE",
		     "<rust_v0::Point as core::fmt::Display>::fmt::he10a9f4610394a4a",
		     "<rust_v0::Point as core::fmt::Display>::fmt");
	expect_names("_ZN7rust_v04main28_$u7b$$u7b$closure$u7d$$u7d$17hc345ceac445aa337E",
		     "rust_v0::main::{{closure}}::hc345ceac445aa337", "rust_v0::main::{{closure}}");
	expect_names("_ZN94_$LT$std..collections..hash..map..HashMap$LT$K$C$V$C$S$C$A$GT$$u20$as$u20$"
		     "core..fmt..Debug$GT$3fmt17h82d882047e296a17E",
		     "<std::collections::hash::map::HashMap<K,V,S,A> as core::fmt::Debug>::fmt::h82d882047e296a17",
		     "<std::collections::hash::map::HashMap as core::fmt::Debug>::fmt");
	expect_names("_ZN4core3ptr97drop_in_place$LT$$LP$alloc..string..String$C$alloc..vec..Vec$LT$$LP$i32"
		     "$C$$RF$str$RP$$GT$$RP$$GT$17h34d26d4d57a02122E.llvm.2548220421422280222",
		     "core::ptr::drop_in_place<(alloc::string::String,alloc::vec::Vec<(i32,&str)>)>"
		     "::h34d26d4d57a02122",
		     "core::ptr::drop_in_place");
	expect_names("_ZN9hashbrown3raw21RawTable$LT$T$C$A$GT$14reserve_rehash17hbc7146aaca6e843eE",
		     "hashbrown::raw::RawTable<T,A>::reserve_rehash::hbc7146aaca6e843e",
		     "hashbrown::raw::RawTable::reserve_rehash");
	/* a C++ function named like a hash takes parameters: C++, not Rust */
	expect_names("_ZN3foo17h0123456789abcdefEv", "foo::h0123456789abcdef()", "foo");
}

/* v0 mangling (rustc -C symbol-mangling-version=v0): the whole name has the generic
 * arguments, the short one drops them and the crates' disambiguators. */
static void test_rust_v0(void)
{
	expect_names("_RNvCs1zG5boeDNqh_7rust_v04main", "rust_v0::main", "rust_v0::main");
	expect_names("_RINvCs1zG5boeDNqh_7rust_v07largestlEB2_", "rust_v0::largest::<i32>",
		     "rust_v0::largest");
	expect_names("_RINvCs1zG5boeDNqh_7rust_v07largestdEB2_", "rust_v0::largest::<f64>",
		     "rust_v0::largest");
	expect_names("_RINvCs1zG5boeDNqh_7rust_v05applyFxExEB2_", "rust_v0::apply::<fn(i64) -> i64>",
		     "rust_v0::apply");
	expect_names("_RINvCs1zG5boeDNqh_7rust_v05applyNCNvB2_4mains_0EB2_",
		     "rust_v0::apply::<rust_v0::main::{closure#1}>", "rust_v0::apply");
	expect_names("_RNCNvCs1zG5boeDNqh_7rust_v04mains_0B3_", "rust_v0::main::{closure#1}",
		     "rust_v0::main::{closure#1}");
	expect_names("_RNCINvNtCsjrHSEGnQ3l9_3std2rt10lang_startuE0Cs1zG5boeDNqh_7rust_v0",
		     "std::rt::lang_start::<()>::{closure#0}", "std::rt::lang_start::{closure#0}");
	expect_names("_RNvMs0_Cs1zG5boeDNqh_7rust_v0NtB5_5Point3new", "<rust_v0::Point>::new",
		     "rust_v0::Point::new");
	expect_names("_RNvXs_Cs1zG5boeDNqh_7rust_v0NtB4_5PointNtNtCsgEmfK2I1SDS_4core3fmt7Display3fmt",
		     "<rust_v0::Point as core::fmt::Display>::fmt", "<rust_v0::Point as core::fmt::Display>::fmt");
	expect_names("_RNSNvYNCINvNtCsjrHSEGnQ3l9_3std2rt10lang_startuE0INtNtNtCsgEmfK2I1SDS_4core3ops8"
		     "function6FnOnceuE9call_once6vtableCs1zG5boeDNqh_7rust_v0",
		     "<std::rt::lang_start<()>::{closure#0} as core::ops::function::FnOnce<()>>"
		     "::call_once::{shim:vtable#0}",
		     "<std::rt::lang_start::{closure#0} as core::ops::function::FnOnce>::call_once::{shim:vtable#0}");
	expect_names("_RNvXNtCsgEmfK2I1SDS_4core3anyReNtB2_3Any7type_idCsjrHSEGnQ3l9_3std",
		     "<&str as core::any::Any>::type_id", "<&str as core::any::Any>::type_id");
	expect_names("_RINvMNtCsgEmfK2I1SDS_4core5sliceSh11copy_withinINtNtNtB5_3ops5range14RangeInclusivej"
		     "EECsfEOYDRpO4Ta_11miniz_oxide",
		     "<[u8]>::copy_within::<core::ops::range::RangeInclusive<usize>>", "<[u8]>::copy_within");
	expect_names("_RNvMCsl0gHu2WDNTj_3bigINtB2_7WrapperReE4showB2_", "<big::Wrapper<&str>>::show",
		     "big::Wrapper::show");
	expect_names("_RNvCs1zG5boeDNqh_7rust_v04main.llvm.1234", "rust_v0::main", "rust_v0::main");
}

/* Short names of demangled Rust names no symbol above gives. */
static void test_rust_short_names(void)
{
	expect_names("_RINvCs1zG5boeDNqh_7rust_v07largestINtNtCslNYArtu3iFV_5alloc3vec3VecFxExEEB2_",
		     "rust_v0::largest::<alloc::vec::Vec<fn(i64) -> i64>>", "rust_v0::largest");
}

/* A symbol of n characters: prefix, then fill. */
static char *long_symbol(const char *prefix, char fill, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, fill, n);
	memcpy(s, prefix, strlen(prefix));
	s[n] = '\0';
	return s;
}

/* Not Rust, not demanglable, or too deep: no names, and no crash. */
static void test_rust_bad_input(void)
{
	static const char *prefixes[] = { "_R", "_RN", "_ZN", "_RNvC", "_RB", "_RINvC" };
	static const char fills[] = { 'N', 'I', 'B', '9', 'E', '$' };
	char *s;
	size_t i;

	expect_names("_R", NULL, NULL);
	expect_names("_RNv", NULL, NULL);
	expect_names("_RNvCs1zG5boeDNqh_7rust_v", NULL, NULL);	       /* truncated */
	expect_names("_RINvCs1zG5boeDNqh_7rust_v07largestB_EB2_", NULL, NULL);  /* backref to itself */
	expect_names("_RINvCs1zG5boeDNqh_7rust_v07largestBz_EB2_", NULL, NULL); /* backref forward */
	expect_names("_RNvC3foo3bar$$", NULL, NULL);
	expect_names("_RC0", NULL, NULL); /* a crate without a name: no name either */
	expect_names("RNvC5hello4main", NULL, NULL); /* a C name libiberty would read as v0 */
	/* found by fuzzing: a fn type for<'a, 'b, ...> with 62^8 lifetimes, printed or not */
	expect_names("_RINvCs1zG5boeDNqh_7rust_v05applyFGzC1s5boeDNqh_7rust_v05apxE_", NULL, NULL);
	expect_names("_RNvC3foo3barINvC3foo3bazFGzzzzzzzz_EuE", NULL, NULL);
	/* 40 tuples, each two backreferences to the one before: 2^40 "()", cut at 64 KiB */
	expect_names(
		     "_RINvC1a1bTuuETB7_B7_ETBb_Bb_ETBj_Bj_ETBr_Br_ETBz_Bz_ETBH_BH_ETBP_BP_ETBX_BX_ETB15_B15_E"
		     "TB1d_B1d_ETB1n_B1n_ETB1x_B1x_ETB1H_B1H_ETB1R_B1R_ETB21_B21_ETB2b_B2b_ETB2l_B2l_ETB2v_B2v"
		     "_ETB2F_B2F_ETB2P_B2P_ETB2Z_B2Z_ETB39_B39_ETB3j_B3j_ETB3t_B3t_ETB3D_B3D_ETB3N_B3N_ETB3X_B"
		     "3X_ETB47_B47_ETB4h_B4h_ETB4r_B4r_ETB4B_B4B_ETB4L_B4L_ETB4V_B4V_ETB55_B55_ETB5f_B5f_ETB5p"
		     "_B5p_ETB5z_B5z_ETB5J_B5J_ETB5T_B5T_ETB63_B63_EE",
		     NULL, NULL);
	/* a real binder (Box<dyn for<'a> Fn(&'a PanicHookInfo)>) is demangled */
	expect_names("_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeINtNtCslNYArtu3iFV_5alloc5boxed3Box"
		     "DG0_INtNtNtB4_3ops8function2FnTRL1_INtNtCsjrHSEGnQ3l9_3std5panic13PanicHookInfoL0_EEE"
		     "p6OutputuNtNtB4_6marker4SyncNtB2N_4SendEL_EEB1T_",
		     "core::ptr::drop_in_place::<alloc::boxed::Box<dyn for<'a, 'b> core::ops::function::Fn<"
		     "(&'a std::panic::PanicHookInfo<'b>,), Output = ()> + core::marker::Sync + "
		     "core::marker::Send>>",
		     "core::ptr::drop_in_place");
	/* not a hash ('z'): not Rust, but a C++ name, kept whole */
	expect_names("_ZN7rust_v04main17h564d756099313ffzE", "rust_v0::main::h564d756099313ffz",
		     "rust_v0::main::h564d756099313ffz");
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		s = long_symbol(prefixes[i], fills[i], 5000);
		expect_names(s, NULL, NULL);
		free(s);
	}
	s = long_symbol("_RNvC4989", 'a', 5000); /* well-formed: "aaa...a::b", 4992 characters */
	memcpy(s + 4998, "1b", 2);
	{
		char *full, *name;

		EXPECT_EQ(demangle__symbol(s, &full, &name), 0);
		EXPECT(full && strlen(full) == 4992 && !strcmp(full + 4989, "::b"));
		EXPECT(name && !strcmp(full, name));
		free(full);
		free(name);
	}
	free(s);
}

int main(void)
{
	RUN(test_c_names_stay);
	RUN(test_cxx);
	RUN(test_rust_legacy);
	RUN(test_rust_v0);
	RUN(test_rust_short_names);
	RUN(test_rust_bad_input);
	CHECK_EXIT();
}
