/* ingest_usdt: USDT records -> explicit spans, tags, instant events (see ingest_usdt.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/events.h"
#include "core/hashmap.h"
#include "core/util.h"
#include "ingest_usdt.h"

struct usdt_ingest {
	struct store *store;
	struct span_builder *builder;
	const struct usdt_plan *plan;
	/* Explicit spans' functions: names[i] has function key keys[i]; by (hash, module). */
	char **names;
	int64_t *keys;
	size_t nnames, names_cap, keys_cap;
	struct hashmap by_name;
	struct usdt_counts counts;
};

bool usdt_ingest__handles(uint16_t type)
{
	return type >= FERRET_EV_USDT_BEGIN && type <= FERRET_EV_USDT_FIRE;
}

int usdt_ingest__new(struct store *s, struct span_builder *b, const struct usdt_plan *plan,
		     struct usdt_ingest **out)
{
	struct usdt_ingest *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->store = s;
	u->builder = b;
	u->plan = plan;
	*out = u;
	return 0;
}

void usdt_ingest__free(struct usdt_ingest *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nnames; i++)
		free(u->names[i]);
	free(u->names);
	free(u->keys);
	hashmap__free(&u->by_name);
	free(u);
}

const struct usdt_counts *usdt_ingest__counts(const struct usdt_ingest *u)
{
	return &u->counts;
}

static int64_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (int64_t)h;
}

/* A new explicit function for name in module m. */
static int64_t add_name(struct usdt_ingest *u, const char *name, size_t m, int64_t hash)
{
	int64_t key;
	char *copy = strdup(name);

	if (!copy || grow_array((void **)&u->names, &u->names_cap, u->nnames + 1, sizeof(*u->names)) ||
	    grow_array((void **)&u->keys, &u->keys_cap, u->nnames + 1, sizeof(*u->keys))) {
		free(copy);
		return -ENOMEM;
	}
	key = store__add_function(u->store, u->plan->module_keys[m], name, NULL, 0);
	if (key < 0 || store__set_function_kind(u->store, key, SPAN_KIND_EXPLICIT)) {
		free(copy);
		return -EIO;
	}
	if (hashmap__put(&u->by_name, hash, (int64_t)m, (uint32_t)u->nnames)) {
		free(copy);
		return -ENOMEM;
	}
	u->names[u->nnames] = copy;
	u->keys[u->nnames++] = key;
	u->counts.explicit_names++;
	return key;
}

/* The function key of explicit spans named name in module m (made at its first sight). */
static int64_t explicit_key(struct usdt_ingest *u, const char *name, size_t m)
{
	int64_t hash = name_hash(name);
	uint32_t i;

	/* Another name of the same hash moves on to the next slot of the key space. */
	while (hashmap__get(&u->by_name, hash, (int64_t)m, &i)) {
		if (!strcmp(u->names[i], name))
			return u->keys[i];
		hash++;
	}
	return add_name(u, name, m, hash);
}

/* A fixed-size string of a record, terminated (the BPF side terminates it; a damaged one
 * is cut at its end). */
static void record_str(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len - 1] = '\0';
}

static int on_begin(struct usdt_ingest *u, const struct usdt_site *site, const struct ferret_usdt_begin *e)
{
	char name[FERRET_USDT_STR_LEN];
	int64_t key;

	if (site->role == USDT_SPAN_START)
		return span_builder__entry(u->builder, e->hdr.tid, u->plan->pairs[site->pair].function_key,
					   (int64_t)e->hdr.ts_ns);
	record_str(name, e->name, sizeof(name));
	key = explicit_key(u, name[0] ? name : "(unnamed)", site->module);
	if (key < 0)
		return (int)key;
	return span_builder__entry_explicit(u->builder, e->hdr.tid, key, (int64_t)e->hdr.ts_ns);
}

static int on_end(struct usdt_ingest *u, const struct usdt_site *site, const struct ferret_event *e)
{
	if (site->role == USDT_SPAN_END)
		return span_builder__exit(u->builder, e->tid, u->plan->pairs[site->pair].function_key,
					  (int64_t)e->ts_ns);
	return span_builder__end_explicit(u->builder, e->tid, (int64_t)e->ts_ns);
}

static int add_tag(struct usdt_ingest *u, int64_t span_id, const char *key, const char *text, int64_t ival)
{
	struct span_tag tag = { .span_id = span_id, .key = (char *)key, .text = (char *)text, .ival = ival };

	u->counts.tags++;
	return store__add_span_tag(u->store, &tag) ? -EIO : 0;
}

static int on_note(struct usdt_ingest *u, const struct usdt_site *site, const struct ferret_usdt_note *e)
{
	char key[FERRET_USDT_KEY_LEN], text[FERRET_USDT_STR_LEN];
	int64_t span_id, fkey;
	bool explicit_span;

	if (!span_builder__innermost(u->builder, e->hdr.tid, &span_id, &explicit_span)) {
		u->counts.orphan_notes++;
		return 0;
	}
	record_str(key, e->key, sizeof(key));
	record_str(text, e->text, sizeof(text));
	switch (e->hdr.flags) {
	case FERRET_NOTE_TAG:
		return add_tag(u, span_id, key, text, 0);
	case FERRET_NOTE_TAG_INT:
		return add_tag(u, span_id, key, NULL, e->value);
	case FERRET_NOTE_STATUS:
		return add_tag(u, span_id, "status", text, 0);
	default:
		if (!explicit_span)
			return add_tag(u, span_id, "name", text, 0);
		fkey = explicit_key(u, text[0] ? text : "(unnamed)", site->module);
		if (fkey < 0)
			return (int)fkey;
		span_builder__rename_innermost(u->builder, e->hdr.tid, fkey);
		return 0;
	}
}

static int on_fire(struct usdt_ingest *u, const struct usdt_site *site, const struct ferret_usdt_fire *e)
{
	struct span_event_row row = {
		.thread_key = span_builder__thread_key(u->builder, e->hdr.tid),
		.ts_ns = (int64_t)e->hdr.ts_ns,
		.probe = site->label,
		.nargs = e->nargs < FERRET_USDT_MAX_ARGS ? e->nargs : FERRET_USDT_MAX_ARGS,
	};
	int64_t args[FERRET_USDT_MAX_ARGS];
	bool explicit_span;
	size_t i;

	for (i = 0; i < row.nargs; i++)
		args[i] = e->args[i];
	row.args = args;
	if (!span_builder__innermost(u->builder, e->hdr.tid, &row.span_id, &explicit_span))
		row.span_id = 0;
	u->counts.events++;
	return store__add_span_event(u->store, &row) ? -EIO : 0;
}

static size_t record_size(uint16_t type)
{
	switch (type) {
	case FERRET_EV_USDT_BEGIN:
		return sizeof(struct ferret_usdt_begin);
	case FERRET_EV_USDT_NOTE:
		return sizeof(struct ferret_usdt_note);
	case FERRET_EV_USDT_FIRE:
		return sizeof(struct ferret_usdt_fire);
	default:
		return sizeof(struct ferret_event);
	}
}

int usdt_ingest__event(struct usdt_ingest *u, const void *data, size_t size, int64_t *bad_events)
{
	const struct ferret_event *e = data;
	const struct usdt_site *site;

	if (size < record_size(e->type) || e->func_id >= u->plan->nsites) {
		(*bad_events)++;
		return 0;
	}
	site = &u->plan->sites[e->func_id];
	switch (e->type) {
	case FERRET_EV_USDT_BEGIN:
		return on_begin(u, site, data);
	case FERRET_EV_USDT_END:
		return on_end(u, site, e);
	case FERRET_EV_USDT_NOTE:
		return on_note(u, site, data);
	default:
		return on_fire(u, site, data);
	}
}
