/*
 * ingest_go: Go's goroutines for the span builder. Each goroutine (a g's life, from its first
 * traced call to runtime.goexit0) is a thread of its own for the builder, under a key no kernel
 * tid reaches, with a thread row (comm "goroutine", tid the thread its first call ran on).
 */
#ifndef FERRET_INGEST_GO_H
#define FERRET_INGEST_GO_H

#include <stdint.h>

#include "spans.h"
#include "store/store.h"

struct ferret_go_event;
struct go_ingest;

struct go_ingest *go_ingest__new(struct store *s, struct span_builder *b);
void go_ingest__free(struct go_ingest *gi);
/* The builder's key of a Go record's goroutine, made (with its thread row) at its first
 * call. 0 or <0. */
int go_ingest__key(struct go_ingest *gi, const struct ferret_go_event *e, uint32_t *key);
/* runtime.goexit0: the goroutine's open calls end; its g may start another goroutine. */
int go_ingest__end(struct go_ingest *gi, const struct ferret_go_event *e);
/* The process is gone (or exec'd): so are its goroutines. */
int go_ingest__end_process(struct go_ingest *gi, uint32_t pid, int64_t ts);

#endif
