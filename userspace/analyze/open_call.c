#include <stdlib.h>
#include <string.h>

#include "open_call.h"
#include "core/util.h"

struct open_call *call_stack__push(struct call_stack *s)
{
	struct open_call *c;

	if (grow_array((void **)&s->calls, &s->cap, s->depth + 1, sizeof(*s->calls)))
		return NULL;
	c = &s->calls[s->depth++];
	memset(c, 0, sizeof(*c));
	return c;
}

void call_stack__pop(struct call_stack *s)
{
	struct open_call *c;

	if (!s->depth)
		return;
	c = &s->calls[--s->depth];
	if (s->depth)
		s->calls[s->depth - 1].children_ns = add_ns(s->calls[s->depth - 1].children_ns, c->duration_ns);
}

void call_stack__free(struct call_stack *s)
{
	free(s->calls);
	memset(s, 0, sizeof(*s));
}
