/*
 * budget: what each function's probes do besides the usual entry and return. --count-only
 * functions get an entry probe only (counted in the kernel, no spans). --overhead PCT:
 * once a second ferret estimates what the probes added (each function's calls since the
 * last check x its probe kind's cost, probe_kind__call_cost_ns) against the CPU time the
 * traced processes used meanwhile (/proc/PID/stat), and while over the budget removes the
 * probes of the costliest functions: their modules' links are replaced, the processes held
 * still meanwhile (pause.h), so that no call is counted twice or missed. Writes what
 * happened to the run (function_probes).
 */
#ifndef FERRET_BUDGET_H
#define FERRET_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consumer.h"
#include "loader.h"
#include "elf/selection.h"
#include "store/store.h"

struct budget;
struct follower;

/* fraction: --overhead as a fraction (0.1 for 10%), 0: none. count_only: the --count-only
 * globs (matched against function names, Go code left out). */
int budget__new(const struct selection *sel, double fraction, char *const *count_only,
		size_t ncount_only, struct budget **out);
void budget__free(struct budget *b); /* NULL is a no-op */
/* Whether the BPF side must check each entry's probe state (loader_opts.probe_states). */
bool budget__needs_probe_states(const struct budget *b);
/* Before attaching: the count-only functions' states. */
int budget__apply_states(const struct budget *b, struct loader *l);
/* --overhead, once a second (the first call only starts the count). Returns how many
 * functions lost their probes now (<0: an error, printed; tracing goes on). f: the
 * follower of a launched command's processes, which holds them for the swap (NULL: the
 * processes are seized for it, see pause.h). */
int budget__check(struct budget *b, struct loader *l, struct consumer *c, struct follower *f,
		  int64_t now_ns);
/* How many functions lost their probes to --overhead. */
size_t budget__removed(const struct budget *b);
/* After detaching: a function_probes row for each count-only or removed function. */
int budget__store(const struct budget *b, const struct loader *l, const struct consumer *c,
		  struct store *s, const int64_t *func_keys);

#endif
