/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * demangle: readable names for C++ symbols, with the standard Itanium demangler of
 * GCC's C++ runtime (__cxa_demangle, as uftrace, perf and gdb show them), and for
 * Rust symbols, legacy and v0, with libiberty's Rust demangler (binutils' and gdb's).
 */
#ifndef FERRET_DEMANGLE_H
#define FERRET_DEMANGLE_H

/*
 * For a mangled symbol ("_ZN4shop4Cart3addEi"), 0 and two malloc'd names:
 *   *full: the whole demangled name, "shop::Cart::add(int)";
 *   *name: the short one that ferret shows and patterns match first,
 *          "shop::Cart::add": no return type, template arguments, parameters
 *          or qualifiers.
 * Rust: *full is "demo::largest::<i32>" (v0) or, for legacy symbols, the path with
 * its hash, "demo::largest::h0123456789abcdef" (what tells generic instances apart);
 * *name has no hash, generic arguments or crate disambiguators: "demo::largest",
 * "<demo::Point as core::fmt::Debug>::fmt", "demo::Point::new" (an inherent impl).
 * Not mangled, or not demanglable: 0 with both NULL. Out of memory: -1.
 */
int demangle__symbol(const char *symbol, char **full, char **name);

/* The short name of an already demangled name (exposed for tests); malloc'd or NULL. */
char *demangle__short_name(const char *full);

#endif /* FERRET_DEMANGLE_H */
