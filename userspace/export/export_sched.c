/* The on-CPU, blocked and run-queue figures of a span as the exporters write them. */
#include "analyze/analyze_sched.h"
#include "export.h"

const char *export__blocked_in(const struct named_span *row, char *buf, size_t len)
{
	return sched__syscall_name(row->blocked_in, buf, len);
}

void export__sched_fields(struct jsonw *w, const struct named_span *row)
{
	char name[32];

	if (!row->has_sched)
		return;
	jsonw__kv_int(w, "cpu_ns", row->cpu_ns);
	jsonw__kv_int(w, "blocked_ns", row->blocked_ns);
	jsonw__kv_int(w, "runq_ns", row->runq_ns);
	if (row->blocked_ns)
		jsonw__kv_string(w, "blocked_in", export__blocked_in(row, name, sizeof(name)));
}
