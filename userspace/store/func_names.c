/* SPDX-License-Identifier: BSD-2-Clause */
/* func_names: shown names by function key (see func_names.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashmap.h"
#include "core/log.h"
#include "core/util.h"
#include "func_names.h"

struct func_names {
	struct hashmap index_of; /* (function key, 0) -> index in names */
	char **names;
	size_t n, cap;
};

struct func_names *func_names__new(void)
{
	struct func_names *n = calloc(1, sizeof(*n));

	if (!n)
		ferr("out of memory");
	return n;
}

void func_names__free(struct func_names *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		free(n->names[i]);
	free(n->names);
	hashmap__free(&n->index_of);
	free(n);
}

int func_names__set(struct func_names *n, int64_t function_key, const char *name)
{
	char *copy = strdup(name);

	if (!copy || grow_array((void **)&n->names, &n->cap, n->n + 1, sizeof(*n->names)) ||
	    hashmap__put(&n->index_of, function_key, 0, (uint32_t)n->n)) {
		free(copy);
		ferr("out of memory");
		return -ENOMEM;
	}
	n->names[n->n++] = copy;
	return 0;
}

const char *func_names__get(const struct func_names *n, int64_t function_key)
{
	uint32_t i;

	if (!n || !hashmap__get(&n->index_of, function_key, 0, &i))
		return NULL;
	return n->names[i];
}

size_t func_names__count(const struct func_names *n)
{
	return n ? n->n : 0;
}
