#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "bpf/events.h"
#include "core/hashmap.h"
#include "core/util.h"
#include "ingest_go.h"

/* Above any kernel tid (pid_max <= 2^22). */
#define GOROUTINE_KEY_BASE 0x80000000u

struct goroutine {
	uint32_t pid, key;
	uint64_t g;
	bool ended;
};

struct go_ingest {
	struct store *store;
	struct span_builder *builder;
	struct hashmap by_g; /* (pid, g) -> index in goroutines of its live one */
	struct goroutine *goroutines;
	size_t ngoroutines, goroutines_cap;
};

struct go_ingest *go_ingest__new(struct store *s, struct span_builder *b)
{
	struct go_ingest *gi = calloc(1, sizeof(*gi));

	if (gi) {
		gi->store = s;
		gi->builder = b;
	}
	return gi;
}

void go_ingest__free(struct go_ingest *gi)
{
	if (!gi)
		return;
	hashmap__free(&gi->by_g);
	free(gi->goroutines);
	free(gi);
}

int go_ingest__key(struct go_ingest *gi, const struct ferret_go_event *e, uint32_t *key)
{
	struct goroutine *g;
	uint32_t i;
	int64_t row;
	int err;

	if (hashmap__get(&gi->by_g, e->pid, (int64_t)e->goroutine, &i) && !gi->goroutines[i].ended) {
		*key = gi->goroutines[i].key;
		return 0;
	}
	if (gi->ngoroutines >= 0x7fffffffu ||
	    grow_array((void **)&gi->goroutines, &gi->goroutines_cap, gi->ngoroutines + 1,
		       sizeof(*gi->goroutines)))
		return -ENOMEM;
	g = &gi->goroutines[gi->ngoroutines];
	*g = (struct goroutine){ .pid = e->pid, .g = e->goroutine,
				 .key = GOROUTINE_KEY_BASE | (uint32_t)(gi->ngoroutines + 1) };
	row = store__add_thread(gi->store, (int)e->pid, (int)e->hdr.tid, "goroutine");
	if (row < 0)
		return (int)row;
	err = span_builder__set_thread(gi->builder, g->key, row);
	if (!err)
		err = hashmap__put(&gi->by_g, e->pid, (int64_t)e->goroutine, (uint32_t)gi->ngoroutines);
	if (err)
		return err;
	gi->ngoroutines++;
	*key = g->key;
	return 0;
}

int go_ingest__end(struct go_ingest *gi, const struct ferret_go_event *e)
{
	uint32_t i;

	if (!hashmap__get(&gi->by_g, e->pid, (int64_t)e->goroutine, &i) || gi->goroutines[i].ended)
		return 0;
	gi->goroutines[i].ended = true;
	return span_builder__end_thread(gi->builder, gi->goroutines[i].key, (int64_t)e->hdr.ts_ns);
}

int go_ingest__end_process(struct go_ingest *gi, uint32_t pid, int64_t ts)
{
	size_t i;
	int err;

	for (i = 0; gi && i < gi->ngoroutines; i++) {
		if (gi->goroutines[i].pid != pid || gi->goroutines[i].ended)
			continue;
		gi->goroutines[i].ended = true;
		err = span_builder__end_thread(gi->builder, gi->goroutines[i].key, ts);
		if (err)
			return err;
	}
	return 0;
}
