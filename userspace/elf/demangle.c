/* SPDX-License-Identifier: BSD-2-Clause */
/* Readable names for mangled symbols (see demangle.h). */
#include <ctype.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "core/util.h"
#include "demangle.h"

/* libstdc++'s Itanium ABI demangler (<cxxabi.h>, extern "C"). */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* v0's numbers; and the characters of a Rust path: identifiers and "::". */
#define BASE62_DIGITS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define RUST_PATH_CHARS BASE62_DIGITS "_:"

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
 * "operator<", "operator<<", "operator<=>" and friends, whose '<' are the name (and
 * no bracket, also inside template arguments: "f<&operator<>"). */
static void copy_without_templates(char *out, const char *s, size_t len)
{
	size_t i, o = 0;
	int depth = 0;

	for (i = 0; i < len; i++) {
		if (i >= 8 && !strncmp(s + i - 8, "operator", 8) && strchr("<>=-", s[i])) {
			for (; i < len && s[i] && strchr("<>=-", s[i]); i++)
				if (!depth)
					out[o++] = s[i];
			i--; /* the loop's i++ moves to the character after them */
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

/* Longer is not a name: a crafted symbol whose backreferences repeat themselves
 * (v0) can make libiberty print without end. */
#define DEMANGLED_MAX 65536

/* The text libiberty's demangler hands over in pieces; failed: out of memory;
 * too_long: past DEMANGLED_MAX, and escape is where the next piece jumps to. */
struct demangled {
	char *text;
	size_t len, cap;
	bool failed, too_long;
	jmp_buf escape;
};

/* Jumping out of libiberty is safe: it holds no memory between two pieces (a
 * punycode identifier's buffer is freed right after its one piece), hence the jump
 * on the piece after the one that went too far. */
static void append_piece(const char *piece, size_t n, void *opaque)
{
	struct demangled *d = opaque;

	if (d->too_long)
		longjmp(d->escape, 1);
	if (d->len + n > DEMANGLED_MAX) {
		d->too_long = true;
		return;
	}
	if (d->failed || grow_array((void **)&d->text, &d->cap, d->len + n + 1, 1)) {
		d->failed = true;
		return;
	}
	if (n) /* an empty identifier comes as (NULL, 0) */
		memcpy(d->text + d->len, piece, n);
	d->len += n;
	d->text[d->len] = '\0';
}

/* libiberty's rust_demangle_callback, stopped when the name grows too long. */
static int run_rust_demangler(const char *symbol, int options, struct demangled *d)
{
	if (setjmp(d->escape))
		return 0;
	return rust_demangle_callback(symbol, options, append_piece, d) && !d->too_long;
}

/* A v0 binder ("F" or "D" then "G<base-62 count>_", the for<'a, ...> of a fn pointer
 * or dyn type) that libiberty would loop over once per lifetime, even where it prints
 * nothing, so with no end in sight: rustc's have a few lifetimes, a one-digit count. */
static bool has_huge_binder(const char *v0_symbol)
{
	const char *g = v0_symbol + 1; /* past "_": every 'G' has a character before it */
	size_t digits;

	while ((g = strchr(g + 1, 'G'))) {
		digits = strspn(g + 1, BASE62_DIGITS);
		if ((g[-1] == 'F' || g[-1] == 'D') && digits >= 3 && g[1 + digits] == '_')
			return true;
	}
	return false;
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
	if ((v0 && has_huge_binder(symbol)) ||
	    !run_rust_demangler(symbol, v0 ? DMGL_NO_OPTS : DMGL_VERBOSE, &d) || !d.len || d.failed) {
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
