/*
 * aggregates: stack mode's per-function figures (calls, total, min, max, log2
 * histogram) as the kernel counted them, plus the calls still open at the end;
 * the --max-rate guard; and writing them to the run.
 */
#ifndef FERRET_AGGREGATES_H
#define FERRET_AGGREGATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "store/store.h"

struct aggregates;

int aggregates__new(size_t nfuncs, struct aggregates **out);
void aggregates__free(struct aggregates *a);
/* Reads every function's figures from the kernel (after detaching). */
int aggregates__read(struct aggregates *a, const struct loader *l);
/* A call still open when tracing stopped counts, with the time it had run. */
void aggregates__add_open_call(struct aggregates *a, uint32_t func_id, uint64_t dur_ns, bool nested);
/* --max-rate: functions called more than max_rate times a second since the last
 * check stop sending spans (they are still aggregated). Returns how many were demoted now. */
int aggregates__check_rates(struct aggregates *a, struct loader *l, int64_t max_rate, int64_t now_ns,
			    const struct selection *sel);
size_t aggregates__demoted(const struct aggregates *a);
uint64_t aggregates__calls(const struct aggregates *a, uint32_t func_id);
int aggregates__store(const struct aggregates *a, struct store *s, const int64_t *func_keys);

#endif
