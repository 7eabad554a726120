#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "analyze/open_call.h" /* add_ns, sub_ns */
#include "export_cpu_paths.h"

void cpu_paths__start(struct cpu_paths *p)
{
	p->n = 0;
	hashmap__free(&p->index_of);
	p->complete = true;
}

static int32_t path_of(struct cpu_paths *p, int32_t parent, uint32_t frame)
{
	uint32_t i;

	if (hashmap__get(&p->index_of, parent + 1, frame, &i))
		return (int32_t)i;
	if (p->n >= INT32_MAX || grow_array((void **)&p->v, &p->cap, p->n + 1, sizeof(*p->v)) ||
	    hashmap__put(&p->index_of, parent + 1, frame, (uint32_t)p->n))
		return -1;
	p->v[p->n] = (struct cpu_path){ .parent = parent, .frame = frame };
	return (int32_t)p->n++;
}

int cpu_paths__push(struct cpu_paths *p, size_t depth, uint32_t frame, const struct named_span *row)
{
	int32_t parent, path;

	if (!p->complete)
		return 0;
	if (!row->has_sched) {
		p->complete = false;
		return 0;
	}
	parent = depth > 1 ? p->open[depth - 2] : -1;
	if (grow_array((void **)&p->open, &p->open_cap, depth, sizeof(*p->open)) ||
	    (path = path_of(p, parent, frame)) < 0) {
		ferr("out of memory");
		return -1;
	}
	p->open[depth - 1] = path;
	p->v[path].self_ns = add_ns(p->v[path].self_ns, row->cpu_ns);
	if (parent >= 0) /* a parent's figures include its children's */
		p->v[parent].self_ns = sub_ns(p->v[parent].self_ns, row->cpu_ns);
	return 0;
}

/* The frames of path i, root first. */
static void write_stack(const struct cpu_paths *p, struct jsonw *w, int32_t i)
{
	if (p->v[i].parent >= 0)
		write_stack(p, w, p->v[i].parent);
	jsonw__uint(w, p->v[i].frame);
}

void cpu_paths__write(const struct cpu_paths *p, struct jsonw *w, const char *thread_name)
{
	char name[400];
	int64_t total = 0;
	size_t i;

	for (i = 0; i < p->n; i++)
		total = add_ns(total, p->v[i].self_ns > 0 ? p->v[i].self_ns : 0);
	if (!p->complete || total <= 0)
		return;
	snprintf(name, sizeof(name), "%s on-CPU", thread_name);
	jsonw__newline(w);
	jsonw__begin_object(w);
	jsonw__kv_string(w, "type", "sampled");
	jsonw__kv_string(w, "name", name);
	jsonw__kv_string(w, "unit", "nanoseconds");
	jsonw__kv_int(w, "startValue", 0);
	jsonw__kv_int(w, "endValue", total);
	jsonw__key(w, "samples");
	jsonw__begin_array(w);
	for (i = 0; i < p->n; i++) {
		if (p->v[i].self_ns <= 0)
			continue;
		jsonw__begin_array(w);
		write_stack(p, w, (int32_t)i);
		jsonw__end_array(w);
	}
	jsonw__end_array(w);
	jsonw__key(w, "weights");
	jsonw__begin_array(w);
	for (i = 0; i < p->n; i++)
		if (p->v[i].self_ns > 0)
			jsonw__int(w, p->v[i].self_ns);
	jsonw__end_array(w);
	jsonw__end_object(w);
}

void cpu_paths__free(struct cpu_paths *p)
{
	free(p->v);
	free(p->open);
	hashmap__free(&p->index_of);
	memset(p, 0, sizeof(*p));
}
