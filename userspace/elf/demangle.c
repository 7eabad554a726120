/* SPDX-License-Identifier: BSD-2-Clause */
/* Readable names for mangled symbols (see demangle.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "core/util.h"
#include "demangle.h"

/* libstdc++'s Itanium ABI demangler (<cxxabi.h>, extern "C"). */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* Characters of a Rust path: identifiers and "::". */
#define RUST_PATH_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:"

/* Rust legacy symbols end in "::h" and 16 hex digits: a hash, not part of the name. */
static void drop_rust_hash(char *s)
{
	size_t len = strlen(s), i;

	if (len < 19 || strncmp(s + len - 19, "::h", 3) != 0)
		return;
	for (i = len - 16; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return;
	s[len - 19] = '\0';
}

/* Where the name ends and its parameter list starts: the '(' that matches the last
 * ')' (what follows it is " const", " &&", "[clone .isra.0]"...). NULL: no list. */
static const char *parameter_list(const char *s)
{
	const char *close = strrchr(s, ')'), *p;
	int depth = 0;

	if (!close)
		return NULL;
	for (p = close; p >= s; p--) {
		depth += *p == ')';
		depth -= *p == '(';
		if (!depth)
			return p;
	}
	return NULL;
}

/* Copies s[0..len) leaving out template arguments (<...> at any depth), except in
 * "operator<", "operator<<", "operator<=>" and friends, whose '<' are the name. */
static void copy_without_templates(char *out, const char *s, size_t len)
{
	size_t i, o = 0;
	int depth = 0;

	for (i = 0; i < len; i++) {
		if (i >= 8 && !strncmp(s + i - 8, "operator", 8) && strchr("<>=-", s[i])) {
			while (i < len && strchr("<>=-", s[i]) && !depth)
				out[o++] = s[i++];
			i--;
			continue;
		}
		if (s[i] == '<')
			depth++;
		else if (s[i] == '>' && depth)
			depth--;
		else if (!depth)
			out[o++] = s[i];
	}
	out[o] = '\0';
}

/* A template function's return type comes first ("int shop::twice<int>(int)"): the
 * name starts after the last space outside <> and (), unless that is "operator X". */
static const char *skip_return_type(const char *s, size_t len)
{
	const char *start = s;
	int depth = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '<' || s[i] == '(')
			depth++;
		else if ((s[i] == '>' || s[i] == ')') && depth)
			depth--;
		else if (s[i] == ' ' && !depth && (i < 8 || strncmp(s + i - 8, "operator", 8)))
			start = s + i + 1;
	}
	return start;
}

char *demangle__short_name(const char *full)
{
	const char *params = parameter_list(full), *start;
	size_t len = params ? (size_t)(params - full) : strlen(full);
	char *out;

	start = skip_return_type(full, len);
	len -= (size_t)(start - full);
	out = malloc(len + 1);
	if (!out)
		return NULL;
	copy_without_templates(out, start, len);
	drop_rust_hash(out);
	if (!*out) { /* nothing left of it: keep the whole name */
		free(out);
		return strdup(full);
	}
	return out;
}

/* Copies a demangled Rust name without its generic arguments ("::<i32>", the "<T>" of
 * "Vec<T>"): a '<' after a path is one; any other '<' opens a qualified path
 * ("<demo::Point as core::fmt::Debug>::fmt"), kept. The '>' of "->" closes nothing. */
static void copy_without_generics(char *out, const char *s)
{
	size_t i, o = 0;
	int depth = 0; /* inside generic arguments: dropped */

	for (i = 0; s[i]; i++) {
		bool closes = s[i] == '>' && !(i && s[i - 1] == '-');

		if (depth) {
			depth += s[i] == '<';
			depth -= closes;
		} else if (s[i] == '<' && o && strchr(RUST_PATH_CHARS, out[o - 1])) {
			depth = 1;
			if (o >= 2 && !strncmp(out + o - 2, "::", 2))
				o -= 2; /* the turbofish's "::" goes with it */
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* An inherent impl's method is "<demo::Point>::new" (v0): shown as its path,
 * "demo::Point::new", as legacy symbols name it. */
static void unwrap_inherent_impl(char *s)
{
	size_t len = s[0] == '<' ? strspn(s + 1, RUST_PATH_CHARS) : 0;

	if (!len || s[1] == ':' || strncmp(s + 1 + len, ">::", 3))
		return;
	memmove(s, s + 1, len);					    /* "demo::Point" */
	memmove(s + len, s + len + 2, strlen(s + len + 2) + 1); /* then "::new" */
}

/* The short name of a demangled Rust name: no hash, generic arguments or crate
 * disambiguators (those only appear with DMGL_VERBOSE, which v0 names are not
 * demangled with). */
static char *rust_short_name(const char *full)
{
	char *hashless = strdup(full), *out = malloc(strlen(full) + 1);

	if (!hashless || !out) {
		free(hashless);
		free(out);
		return NULL;
	}
	drop_rust_hash(hashless);
	copy_without_generics(out, hashless);
	free(hashless);
	unwrap_inherent_impl(out);
	if (!*out) { /* nothing left of it: keep the whole name */
		free(out);
		return strdup(full);
	}
	return out;
}

/* The text libiberty's demangler hands over in pieces; failed: out of memory. */
struct demangled {
	char *text;
	size_t len, cap;
	bool failed;
};

static void append_piece(const char *piece, size_t n, void *opaque)
{
	struct demangled *d = opaque;

	if (d->failed || grow_array((void **)&d->text, &d->cap, d->len + n + 1, 1)) {
		d->failed = true;
		return;
	}
	memcpy(d->text + d->len, piece, n);
	d->len += n;
	d->text[d->len] = '\0';
}

/* Rust, legacy ("_ZN...17h<hash>E") or v0 ("_R..."), with libiberty's Rust demangler
 * (libstdc++ has none): 1 and *full when it is one, 0 when not, -1 out of memory.
 * Legacy generic instances differ only in their hash, so their whole name keeps it
 * (DMGL_VERBOSE); v0 names carry the generic arguments instead. */
static int demangle_rust(const char *symbol, char **full)
{
	struct demangled d = { 0 };
	bool v0 = !strncmp(symbol, "_R", 2);

	if (!v0 && strncmp(symbol, "_ZN", 3)) /* libiberty also takes "R...", a C name */
		return 0;
	if (!rust_demangle_callback(symbol, v0 ? DMGL_NO_OPTS : DMGL_VERBOSE, append_piece, &d) ||
	    !d.text || d.failed) {
		free(d.text);
		return d.failed ? -1 : 0;
	}
	*full = d.text;
	return 1;
}

/* 0 with both names, or -1 (out of memory) with neither. */
static int set_short_name(char **full, char **name, char *short_name)
{
	*name = short_name;
	if (short_name)
		return 0;
	free(*full);
	*full = NULL;
	return -1;
}

int demangle__symbol(const char *symbol, char **full, char **name)
{
	int rust, status = -1;

	*full = *name = NULL;
	rust = demangle_rust(symbol, full);
	if (rust)
		return rust < 0 ? -1 : set_short_name(full, name, rust_short_name(*full));
	if (strncmp(symbol, "_Z", 2) != 0)
		return 0;
	*full = __cxa_demangle(symbol, NULL, NULL, &status);
	if (status == -1)
		return -1;
	if (status || !*full) {
		free(*full);
		*full = NULL;
		return 0;
	}
	drop_rust_hash(*full); /* Rust legacy the Rust demangler refused */
	return set_short_name(full, name, demangle__short_name(*full));
}
