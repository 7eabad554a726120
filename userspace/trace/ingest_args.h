/*
 * ingest_args: the records of functions with a capture plan (-A, -R, --error) into
 * span_args. An entry's values wait until the builder opens its span (and gives its id),
 * a return's until the builder ends the span it returns from, whose status it may make
 * an error.
 */
#ifndef FERRET_INGEST_ARGS_H
#define FERRET_INGEST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "store/store.h"

struct call_values;

/* func_keys[func_id]: the store's function keys, as ingest__new's. */
struct call_values *call_values__new(const struct capture_plan *plan, struct store *s,
				     const int64_t *func_keys);
void call_values__free(struct call_values *cv);
/* A record of type FERRET_EV_ARGS, _ARGS_STR or _RET: kept as pending, and the plain entry or
 * exit record it stands for copied to rec (a struct ferret_entry_event; a return's sp is 0).
 * false: not one of them, or malformed (too short, no plan for its function). */
bool call_values__take(struct call_values *cv, const void *data, size_t size, void *rec);
/* The builder opened a span (id): the pending entry's values go with it. <0: store error. */
int call_values__opened(struct call_values *cv, int64_t span_id);
/* The builder ends a span: if it is the pending return's call (ok, of its function), its
 * return value goes with it and an error rule may set its status (and store the errno of
 * a -4095..-1 return). <0: store error. */
int call_values__closing(struct call_values *cv, struct stored_span *span);
/* Whatever the builder did with the record, its pending values are done. */
void call_values__clear(struct call_values *cv);
int64_t call_values__errors(const struct call_values *cv); /* spans made errors */

#endif
