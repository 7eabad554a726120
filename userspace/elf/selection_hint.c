/* Close names for a pattern that matched nothing: typos and half-remembered names. */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "elf_syms.h"
#include "core/log.h"
#include "selection_hint.h"

#define MAX_HINTS 5
#define MAX_COMPARED 128 /* longer names are compared by their first 128 characters */

struct hint {
	const char *name;
	int score; /* lower is closer */
};

/* Levenshtein distance, case-insensitive, between a and the first blen chars of b. */
static int edit_distance(const char *a, const char *b, size_t blen)
{
	int row[MAX_COMPARED + 1], diag, up, i, j;
	int la = (int)strnlen(a, MAX_COMPARED), lb = (int)strnlen(b, MAX_COMPARED);

	if ((size_t)lb > blen)
		lb = (int)blen;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int best = diag + cost;

			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The glob without its wildcards: "handle_*x?" -> "handle_x". */
static void literal_part(const char *glob, char *out, size_t cap)
{
	size_t o = 0;

	for (; *glob && o + 1 < cap; glob++) {
		if (*glob == '[') {
			const char *close = strchr(glob + 1, ']');

			if (close) {
				glob = close;
				continue;
			}
		}
		if (*glob != '*' && *glob != '?' && *glob != '\\')
			out[o++] = *glob;
	}
	out[o] = '\0';
}

/* How close name is to the pattern's literal part (lower is closer), or -1 when it is
 * not worth offering. A typo of the whole name within a third of its length; a typo
 * of its beginning, for literals long enough that a few letters say something; the
 * literal inside the name. A distance as long as the literal is no likeness: "y"
 * is one edit from every one-letter name. */
static int closeness(const char *literal, const char *name)
{
	int len = (int)strlen(literal), limit = len / 3 > 1 ? len / 3 : 1;
	int full = edit_distance(literal, name, MAX_COMPARED);
	int prefix = len >= 4 ? edit_distance(literal, name, (size_t)len) + 1 : INT_MAX;

	if (full <= limit && full < len)
		return full;
	if (prefix <= limit + 1)
		return prefix;
	if (len >= 3 && strcasestr(name, literal))
		return 2;
	return -1;
}

/* Keeps hints sorted by (score, name), at most MAX_HINTS, each name once. */
static void consider(struct hint *hints, size_t *n, const char *name, int score)
{
	size_t i, pos;

	for (i = 0; i < *n; i++)
		if (strcmp(hints[i].name, name) == 0)
			return;
	for (pos = 0; pos < *n; pos++)
		if (score < hints[pos].score ||
		    (score == hints[pos].score && strcmp(name, hints[pos].name) < 0))
			break;
	if (pos == MAX_HINTS)
		return;
	if (*n < MAX_HINTS)
		(*n)++;
	memmove(&hints[pos + 1], &hints[pos], (*n - 1 - pos) * sizeof(*hints));
	hints[pos] = (struct hint){ name, score };
}

void selection_hint__no_match(const char *glob, const char *module,
			      const struct elf_syms *const *syms, size_t n)
{
	struct hint hints[MAX_HINTS];
	char literal[MAX_COMPARED + 1], where[512], close[512];
	size_t i, k, nhints = 0, total = 0, len = 0;
	size_t counts[FUNC_SOURCE_COUNT], unnamed = 0;
	bool stripped = false;

	literal_part(glob, literal, sizeof(literal));
	for (k = 0; k < n; k++) {
		total += elf_syms__count(syms[k]);
		stripped |= elf_syms__is_stripped(syms[k]);
		elf_syms__count_sources(syms[k], counts);
		unnamed += counts[FUNC_SRC_EH_FRAME];
		for (i = 0; *literal && i < elf_syms__count(syms[k]); i++) {
			const char *name = elf_func__shown_name(elf_syms__get(syms[k], i));
			int score = closeness(literal, name);

			if (score >= 0)
				consider(hints, &nhints, name, score);
		}
	}
	if (n == 1)
		snprintf(where, sizeof(where), "%s", elf_syms__path(syms[0]));
	else
		snprintf(where, sizeof(where), "the %zu modules matching '%s'", n, module);
	for (i = 0; i < nhints && len < sizeof(close); i++)
		len += (size_t)snprintf(close + len, sizeof(close) - len, "%s%s", i ? ", " : "",
					hints[i].name);
	if (nhints > 0)
		ferr("no function matches '%s' in %s (close: %s)", glob, where, close);
	else
		ferr("no function matches '%s' in %s (%zu functions%s)", glob, where, total,
		     !stripped	   ? ""
		     : unnamed > 0 ? "; stripped: only exported functions have names, the others "
				     "are sub_ADDR"
				   : "; stripped: only exported functions are visible");
}
