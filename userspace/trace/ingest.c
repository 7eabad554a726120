#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/events.h"
#include "core/util.h"
#include "ingest.h"
#include "ingest_go.h"
#include "ingest_usdt.h"
#include "ingest_args.h"
#include "sched_time.h"

struct ingest {
	struct store *store;
	struct span_builder *builder;
	const int64_t *func_keys;
	size_t nfuncs;
	int64_t bad_events;
	int64_t span_base;	/* stack mode: the store's id of BPF span id 0 */
	bool span_base_set;
	struct span_counts whole; /* stack mode's whole spans (threads counted by the builder) */
	uint64_t *calls;		       /* per function id: entries seen */
	struct span_counts counts;	       /* the builder's plus those, for ingest__counts */
	struct go_ingest *go; /* goroutines (ingest_go.c); NULL until a Go record */
	struct usdt_ingest *usdt; /* USDT records (ingest_usdt.c); NULL: no USDT probes */
	struct call_values *values; /* -A, -R, --error; NULL: nothing captured */
	struct sched_time *sched; /* on-CPU/blocked time per span; NULL: off */
};

/* The store said why it failed; the errno is for the tracer's last line. */
static int64_t open_span(void *ctx, const struct stored_span *call)
{
	struct ingest *in = ctx;
	int64_t id = store__open_span(in->store, call);

	if (id >= 0 && in->values && call_values__opened(in->values, id))
		return -EIO;
	if (id >= 0 && in->sched && sched_time__open(in->sched, call->thread_key, id, call->start_ns))
		return -ENOMEM;
	return id < 0 ? -EIO : id;
}

/* A span's on-CPU/blocked share: kept when known and its end is (an error call's too). */
static void add_sched_figures(struct ingest *in, struct stored_span *span)
{
	struct sched_figures f;

	sched_time__close(in->sched, span->thread_key, span->span_id, span->end_ns, &f);
	if (!f.known || span->status == SPAN_NO_RETURN || span->status == SPAN_LOST) /* end unknown */
		return;
	span->has_sched = true;
	span->cpu_ns = f.cpu_ns;
	span->blocked_ns = f.blocked_ns;
	span->runq_ns = f.runq_ns;
	span->blocked_in = f.blocked_in;
}

static int close_span(void *ctx, const struct stored_span *span)
{
	struct ingest *in = ctx;
	struct stored_span s = *span;

	if (in->values && call_values__closing(in->values, &s))
		return -EIO;
	if (in->sched)
		add_sched_figures(in, &s);
	return store__close_span(in->store, &s) ? -EIO : 0;
}

int ingest__new(struct store *s, const int64_t *func_keys, size_t nfuncs, struct ingest **out)
{
	struct ingest *in = calloc(1, sizeof(*in));
	struct span_sink sink = { .open = open_span, .emit = close_span, .ctx = in };

	if (!in)
		return -ENOMEM;
	sink.ctx = in;
	in->store = s;
	in->func_keys = func_keys;
	in->nfuncs = nfuncs;
	in->builder = span_builder__new(&sink);
	in->calls = calloc(nfuncs ? nfuncs : 1, sizeof(*in->calls));
	if (!in->builder || !in->calls) {
		ingest__free(in);
		return -ENOMEM;
	}
	*out = in;
	return 0;
}

/* The process of a thread, from /proc/TID/status (0 once it is gone): entry and return
 * records carry no pid, their thread's announcement does. */
static uint32_t tgid_of(uint32_t tid)
{
	char path[64], line[128];
	unsigned int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* A thread whose announcement was lost: name it from /proc while it may still exist. */
static int add_unannounced_thread(struct ingest *in, const struct ferret_event *e)
{
	uint32_t pid = e->type == FERRET_EV_SPAN ? e->pid : tgid_of(e->tid);
	char path[64], comm[FERRET_COMM_LEN + 1] = "?";
	int64_t key;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pid, e->tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	key = store__add_thread(in->store, (int)pid, (int)e->tid, comm);
	if (key < 0)
		return (int)key;
	return span_builder__set_thread(in->builder, e->tid, key);
}

static int on_thread(struct ingest *in, const struct ferret_thread_event *t)
{
	int64_t key = span_builder__thread_key(in->builder, t->hdr.tid);
	char comm[FERRET_COMM_LEN + 1];

	memcpy(comm, t->comm, FERRET_COMM_LEN);
	comm[FERRET_COMM_LEN] = '\0';
	/* A rename: the same thread, its calls go on. (Of a thread whose announcement was
	 * lost and that has no row yet, it is the announcement.) */
	if (key && (t->hdr.flags & FERRET_THREAD_RENAMED))
		return store__rename_thread(in->store, key, comm);
	/* The same tid announced again is a new thread (tid reuse): its old calls are over. */
	if (key)
		span_builder__end_thread(in->builder, t->hdr.tid, (int64_t)t->hdr.ts_ns);
	key = store__add_thread(in->store, (int)t->hdr.pid, (int)t->hdr.tid, comm);
	if (key < 0)
		return (int)key;
	return span_builder__set_thread(in->builder, t->hdr.tid, key);
}

/* --overhead reads the counts from another thread: one writer, relaxed atomics. */
static void count_call(struct ingest *in, uint32_t func_id)
{
	__atomic_store_n(&in->calls[func_id], in->calls[func_id] + 1, __ATOMIC_RELAXED);
}

/* The store's key of the event's function, and its thread known: 1; a bad event: 0. */
static int resolve(struct ingest *in, const struct ferret_event *e, int64_t *fkey)
{
	int err;

	if (e->func_id >= in->nfuncs) {
		in->bad_events++;
		return 0;
	}
	*fkey = in->func_keys[e->func_id];
	if (e->type != FERRET_EV_EXIT)
		count_call(in, e->func_id);
	if (!span_builder__thread_key(in->builder, e->tid)) {
		err = add_unannounced_thread(in, e);
		if (err)
			return err;
	}
	return 1;
}

static int store_whole_span(struct ingest *in, const struct stored_span *span)
{
	span_counts__add(&in->whole, span->status);
	return store__append_span(in->store, span) ? -EIO : 0;
}

/* Stack mode's span ids come from a BPF counter of every call: the store reserves
 * a range wide enough for any run, and hands back what is unused at its end. */
#define STACK_MODE_SPAN_IDS (1LL << 40)

static int span_status_of(uint16_t flags)
{
	if (flags & FERRET_SPAN_NO_RETURN)
		return SPAN_NO_RETURN;
	return flags & FERRET_SPAN_INCOMPLETE ? SPAN_INCOMPLETE : SPAN_OK;
}

static int on_span(struct ingest *in, const struct ferret_span_event *e)
{
	struct stored_span span;
	int64_t fkey, first;
	int ok = resolve(in, &e->hdr, &fkey);

	if (ok <= 0)
		return ok;
	if (!in->span_base_set) {
		first = store__reserve_span_ids(in->store, STACK_MODE_SPAN_IDS);
		if (first < 0)
			return -EIO;
		in->span_base = first - 1; /* BPF's ids start at 1 */
		in->span_base_set = true;
	}
	span = (struct stored_span){
		.span_id = in->span_base + (int64_t)e->span_id,
		.parent_id = e->parent_id ? in->span_base + (int64_t)e->parent_id : 0,
		.thread_key = span_builder__thread_key(in->builder, e->hdr.tid),
		.function_key = fkey,
		.start_ns = (int64_t)e->start_ns,
		.end_ns = (int64_t)e->hdr.ts_ns,
		.depth = (int32_t)e->depth,
		.status = span_status_of(e->hdr.flags),
	};
	return store_whole_span(in, &span);
}

int ingest__open_stack(struct ingest *in, uint32_t pid, uint32_t tid,
		       const struct open_frame *frames, uint32_t nframes, int64_t end_ns)
{
	struct ferret_span_event e = { .hdr = { .pid = pid, .tid = tid, .type = FERRET_EV_SPAN } };
	uint32_t i;
	int err = 0;

	/* Innermost first, as the kernel would have sent them. */
	for (i = nframes; i-- > 0 && !err;) {
		const struct open_frame *f = &frames[i];

		if (!f->span_id || !f->sends_span) /* --aggregate, or demoted by --max-rate */
			continue;
		e.hdr.ts_ns = (uint64_t)end_ns;
		e.hdr.func_id = f->func_id;
		e.hdr.flags = f->no_return ? FERRET_SPAN_NO_RETURN : FERRET_SPAN_INCOMPLETE;
		e.start_ns = f->start_ns;
		e.span_id = f->span_id;
		e.parent_id = f->parent_id;
		e.depth = f->depth;
		err = on_span(in, &e);
	}
	return err;
}

static int on_go_call(struct ingest *in, const struct ferret_go_event *e)
{
	int64_t fkey, ts = (int64_t)e->hdr.ts_ns;
	uint32_t key = 0;
	int err;

	if (!in->go && !(in->go = go_ingest__new(in->store, in->builder)))
		return -ENOMEM;
	if (e->hdr.type == FERRET_EV_GO_END)
		return go_ingest__end(in->go, e);
	if (e->hdr.func_id >= in->nfuncs) {
		in->bad_events++;
		return 0;
	}
	fkey = in->func_keys[e->hdr.func_id];
	err = go_ingest__key(in->go, e, &key);
	if (!err)
		err = span_builder__lost_mark(in->builder, key, e->hdr.lost_mark, ts);
	if (err)
		return err;
	if (e->hdr.type == FERRET_EV_GO_EXIT)
		return span_builder__go_exit(in->builder, key, fkey, ts, e->stack_pos);
	count_call(in, e->hdr.func_id);
	return span_builder__go_entry(in->builder, key, fkey, ts, e->stack_pos);
}

/* A thread's exit; the leader's (or an exec) ends the process's goroutines too. */
static int on_thread_end(struct ingest *in, const struct ferret_event *e)
{
	int err = span_builder__end_thread(in->builder, e->tid, (int64_t)e->ts_ns);

	if (!err && in->go && (e->tid == e->pid || e->type == FERRET_EV_EXEC))
		err = go_ingest__end_process(in->go, e->pid, (int64_t)e->ts_ns);
	return err;
}

/* A call record: its thread is on a CPU. */
static int sched_on_cpu(struct ingest *in, const struct ferret_event *e)
{
	int64_t key = span_builder__thread_key(in->builder, e->tid);

	sched_time__lost_mark(in->sched, key, e->lost_mark);
	return sched_time__running(in->sched, key, (int64_t)e->ts_ns);
}

/* A traced thread's context switch or wakeup (bpf/sched.bpf.h); of a thread not announced
 * (its announcement lost), ignored. */
static int on_sched(struct ingest *in, const struct ferret_sched_event *e)
{
	int64_t key = span_builder__thread_key(in->builder, e->hdr.tid), ts = (int64_t)e->hdr.ts_ns;
	int err;

	if (!key || !in->sched)
		return 0;
	err = span_builder__lost_mark(in->builder, e->hdr.tid, e->hdr.lost_mark, ts);
	if (err)
		return err;
	sched_time__lost_mark(in->sched, key, e->hdr.lost_mark);
	if (e->hdr.type == FERRET_EV_SCHED_OUT)
		return sched_time__out(in->sched, key, ts, e->hdr.flags & FERRET_SCHED_RUNNABLE,
				       (int32_t)e->hdr.func_id, (int64_t)e->exec_ns);
	if (e->hdr.type == FERRET_EV_SCHED_IN)
		return sched_time__in(in->sched, key, ts);
	return sched_time__wakeup(in->sched, key, ts);
}

static int on_call(struct ingest *in, const struct ferret_event *e)
{
	int64_t fkey;
	int ok = resolve(in, e, &fkey);

	if (ok <= 0)
		return ok;
	ok = span_builder__lost_mark(in->builder, e->tid, e->lost_mark, (int64_t)e->ts_ns);
	if (ok)
		return ok;
	if (in->sched && (ok = sched_on_cpu(in, e)))
		return ok;
	if (e->type == FERRET_EV_EXIT)
		return span_builder__exit(in->builder, e->tid, fkey, (int64_t)e->ts_ns);
	return span_builder__entry_at(in->builder, e->tid, fkey, (int64_t)e->ts_ns,
				      &(struct entry_place){ ((const struct ferret_entry_event *)e)->sp,
							     e->flags & FERRET_ENTRY_TAIL_CALL },
				      e->flags & FERRET_ENTRY_NO_RETURN);
}

/* A USDT record (ingest_usdt.c), of a thread known and whose loss mark is checked. */
static int on_usdt(struct ingest *in, const struct ferret_event *e, size_t size)
{
	int err = span_builder__thread_key(in->builder, e->tid) ? 0 : add_unannounced_thread(in, e);

	if (!err)
		err = span_builder__lost_mark(in->builder, e->tid, e->lost_mark, (int64_t)e->ts_ns);
	return err ? err : usdt_ingest__event(in->usdt, e, size, &in->bad_events);
}

int ingest__set_usdt(struct ingest *in, const struct usdt_plan *plan)
{
	return plan ? usdt_ingest__new(in->store, in->builder, plan, &in->usdt) : 0;
}

const struct usdt_counts *ingest__usdt_counts(const struct ingest *in)
{
	return in->usdt ? usdt_ingest__counts(in->usdt) : NULL;
}

/* The size of a record of this type: a shorter one is malformed. */
static size_t record_size(uint16_t type)
{
	switch (type) {
	case FERRET_EV_ENTRY:
		return sizeof(struct ferret_entry_event);
	case FERRET_EV_THREAD:
		return sizeof(struct ferret_thread_event);
	case FERRET_EV_SPAN:
		return sizeof(struct ferret_span_event);
	case FERRET_EV_GO_ENTRY:
	case FERRET_EV_GO_EXIT:
	case FERRET_EV_GO_END:
		return sizeof(struct ferret_go_event);
	case FERRET_EV_SCHED_OUT:
	case FERRET_EV_SCHED_IN:
	case FERRET_EV_SCHED_WAKEUP:
		return sizeof(struct ferret_sched_event);
	default:
		return sizeof(struct ferret_event);
	}
}

int ingest__set_capture(struct ingest *in, const struct capture_plan *plan)
{
	call_values__free(in->values);
	in->values = plan ? call_values__new(plan, in->store, in->func_keys) : NULL;
	return plan && !in->values ? -ENOMEM : 0;
}

/* An entry or return with its values: the call as its plain record, the values with it. */
static int on_call_values(struct ingest *in, const void *data, size_t size)
{
	struct ferret_entry_event rec; /* an entry's, or a return's (sp 0) */
	int err;

	if (!in->values || !call_values__take(in->values, data, size, &rec)) {
		in->bad_events++;
		return 0;
	}
	err = on_call(in, &rec.hdr);
	call_values__clear(in->values);
	return err;
}

int ingest__event(struct ingest *in, const void *data, size_t size)
{
	const struct ferret_event *e = data;

	if (size < sizeof(*e) || size < record_size(e->type)) {
		in->bad_events++;
		return 0;
	}
	switch (e->type) {
	case FERRET_EV_ENTRY:
	case FERRET_EV_EXIT:
		return on_call(in, e);
	case FERRET_EV_THREAD:
		return on_thread(in, data);
	case FERRET_EV_PROC_EXIT:
	case FERRET_EV_EXEC:
		return on_thread_end(in, e);
	case FERRET_EV_GO_ENTRY:
	case FERRET_EV_GO_EXIT:
	case FERRET_EV_GO_END:
		return on_go_call(in, data);
	case FERRET_EV_SPAN:
		return on_span(in, data);
	case FERRET_EV_FORK:
		return 0;
	case FERRET_EV_ARGS:
	case FERRET_EV_ARGS_STR:
	case FERRET_EV_RET:
		return on_call_values(in, data, size);
	case FERRET_EV_SCHED_OUT:
	case FERRET_EV_SCHED_IN:
	case FERRET_EV_SCHED_WAKEUP:
		return on_sched(in, data);
	default:
		if (in->usdt && usdt_ingest__handles(e->type))
			return on_usdt(in, e, size);
		in->bad_events++;
		return 0;
	}
}

int64_t ingest__event_ts(const void *data, size_t size)
{
	const struct ferret_event *e = data;

	return size >= sizeof(*e) ? (int64_t)e->ts_ns : -1;
}

int ingest__finish(struct ingest *in, int64_t end_ns)
{
	return span_builder__end_all(in->builder, end_ns);
}

int64_t ingest__errors(const struct ingest *in)
{
	return call_values__errors(in->values);
}

uint64_t ingest__calls(const struct ingest *in, uint32_t func_id)
{
	return func_id < in->nfuncs ? __atomic_load_n(&in->calls[func_id], __ATOMIC_RELAXED) : 0;
}

int ingest__probes_removed(struct ingest *in, uint32_t func_id, int64_t at_ns)
{
	return func_id < in->nfuncs ? span_builder__end_function(in->builder, in->func_keys[func_id], at_ns)
				    : 0;
}

int64_t ingest__bad_events(const struct ingest *in)
{
	return in->bad_events;
}

const struct span_counts *ingest__counts(struct ingest *in)
{
	in->counts = *span_builder__counts(in->builder);
	in->counts.spans += in->whole.spans;
	in->counts.incomplete += in->whole.incomplete;
	in->counts.no_return += in->whole.no_return;
	in->counts.lost += in->whole.lost;
	return &in->counts;
}

int ingest__enable_sched(struct ingest *in)
{
	if (!in->sched)
		in->sched = sched_time__new();
	return in->sched ? 0 : -ENOMEM;
}

void ingest__free(struct ingest *in)
{
	if (!in)
		return;
	usdt_ingest__free(in->usdt);
	sched_time__free(in->sched);
	span_builder__free(in->builder);
	call_values__free(in->values);
	go_ingest__free(in->go);
	free(in->calls);
	free(in);
}

const struct span_builder *ingest__builder(const struct ingest *in)
{
	return in->builder;
}
