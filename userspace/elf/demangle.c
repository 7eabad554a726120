/* SPDX-License-Identifier: BSD-2-Clause */
/* Readable names for mangled symbols (see demangle.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

/* libstdc++'s Itanium ABI demangler (<cxxabi.h>, extern "C"). */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

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

int demangle__symbol(const char *symbol, char **full, char **name)
{
	int status = -1;

	*full = *name = NULL;
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
	drop_rust_hash(*full);
	*name = demangle__short_name(*full);
	if (!*name) {
		free(*full);
		*full = NULL;
		return -1;
	}
	return 0;
}
