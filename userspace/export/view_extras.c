/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A call's optional fields on the page, read for the calls the page lists (never for
 * every span): the one place that knows where the store keeps them. The page shows
 * whichever of these an object has:
 *   {"name": "dynamic name", "args": [{"name": "fd", "value": "3"}], "ret": "0",
 *    "tags": [{"key": "k", "value": "v"}], "cpu_ns": N, "blocked_ns": N, "runq_ns": N}
 * The store of this version records none of them (status, module, thread and times are
 * the call's own fields), so nothing is written.
 */
#include "view.h"

int view__call_extras(struct store *s, const struct view_call *call, struct jsonw *w)
{
	(void)s;
	(void)call;
	(void)w;
	return 0;
}
