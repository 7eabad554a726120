#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "core/glob.h"
#include "core/log.h"
#include "core/util.h"
#include "follow.h"
#include "pause.h"
#include "probe_site.h"

/* A program that barely runs still gets this much probe time per second (1% of a CPU): an
 * idle server's timer would otherwise lose its probes to a few calls. */
#define MIN_WORK_NS_PER_S 10000000LL
#define PAUSE_TIMEOUT_MS 500
#define MAX_PIDS 4096
#define NAMED 5 /* functions named per removal line */

struct budget {
	const struct selection *sel;
	double fraction;
	enum loader_probe_state *state;
	bool *count_only; /* --count-only's, removed or not */
	int64_t *removed_at_ns; /* 0: never */
	uint64_t *calls_at_check;
	int64_t checked_at_ns;
	uint64_t cpu_ticks_at_check;
	size_t ncount_only, nremoved;
	bool said_pause_failed;
};

static bool is_go(const struct selection *sel, size_t f)
{
	return sel->modules[sel->funcs[f].module].go;
}

static int mark_count_only(struct budget *b, char *const *globs, size_t n)
{
	size_t i, k, matched;

	for (k = 0; k < n; k++) {
		for (i = 0, matched = 0; i < b->sel->nfuncs; i++) {
			if (is_go(b->sel, i) || !glob_match(globs[k], b->sel->funcs[i].name))
				continue;
			b->ncount_only += !b->count_only[i];
			b->count_only[i] = true;
			b->state[i] = LOADER_PROBE_COUNT_ONLY;
			matched++;
		}
		if (!matched) {
			ferr("--count-only %s matches no traced function (Go functions cannot be count-only)",
			     globs[k]);
			return -ENOENT;
		}
	}
	return 0;
}

int budget__new(const struct selection *sel, double fraction, char *const *count_only,
		size_t ncount_only, struct budget **out)
{
	struct budget *b = calloc(1, sizeof(*b));
	size_t n = sel->nfuncs ? sel->nfuncs : 1;
	int err;

	if (!b)
		return -ENOMEM;
	b->sel = sel;
	b->fraction = fraction;
	b->state = calloc(n, sizeof(*b->state));
	b->removed_at_ns = calloc(n, sizeof(*b->removed_at_ns));
	b->calls_at_check = calloc(n, sizeof(*b->calls_at_check));
	b->count_only = calloc(n, sizeof(*b->count_only));
	err = !b->state || !b->removed_at_ns || !b->calls_at_check || !b->count_only ? -ENOMEM : 0;
	if (!err)
		err = mark_count_only(b, count_only, ncount_only);
	if (err) {
		budget__free(b);
		return err;
	}
	*out = b;
	return 0;
}

void budget__free(struct budget *b)
{
	if (!b)
		return;
	free(b->state);
	free(b->removed_at_ns);
	free(b->calls_at_check);
	free(b->count_only);
	free(b);
}

bool budget__needs_probe_states(const struct budget *b)
{
	return b && (b->fraction > 0 || b->ncount_only);
}

int budget__apply_states(const struct budget *b, struct loader *l)
{
	size_t i;
	int err;

	for (i = 0; b && i < b->sel->nfuncs; i++) {
		if (b->state[i] == LOADER_PROBE_TRACED)
			continue;
		if ((err = loader__set_probe_state(l, (uint32_t)i, b->state[i]))) {
			ferr("cannot set the probe of %s: %s", b->sel->funcs[i].name, strerror(-err));
			return err;
		}
	}
	return 0;
}

static uint64_t calls_of(const struct budget *b, const struct loader *l, const struct consumer *c,
			 size_t f)
{
	return b->count_only[f] ? loader__func_hits(l, (uint32_t)f)
						       : consumer__calls(c, (uint32_t)f);
}

/* utime + stime of a process, in clock ticks (0: gone). Its threads' time, the probes' too:
 * the kernel runs a uprobe's handlers in the thread that hit it. */
static uint64_t process_cpu_ticks(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* After "comm)": state is field 3; utime and stime are fields 14 and 15. */
	for (field = 2; p && *p && field < 14; p++)
		field += *p == ' ';
	if (!p || sscanf(p, "%llu %llu", &ut, &st) != 2)
		return 0;
	return ut + st;
}

static uint64_t traced_cpu_ticks(const int *pids, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += process_cpu_ticks(pids[i]);
	return sum;
}

/* This interval's estimated probe cost of each function still probed (cost[f], ns), and
 * their sum. */
static uint64_t interval_costs(struct budget *b, const struct loader *l, const struct consumer *c,
			       uint64_t *cost)
{
	uint64_t sum = 0, now;
	size_t i;

	for (i = 0; i < b->sel->nfuncs; i++) {
		cost[i] = 0;
		if (b->state[i] == LOADER_PROBE_REMOVED || is_go(b->sel, i))
			continue;
		now = calls_of(b, l, c, i);
		cost[i] = (now - b->calls_at_check[i]) *
			  probe_kind__call_cost_ns((enum probe_kind)b->sel->funcs[i].probe_kind);
		b->calls_at_check[i] = now;
		sum += cost[i];
	}
	return sum;
}

/* Picks the costliest functions until what is left fits in allowed_ns; marks them in pick.
 * Returns how many. */
static size_t pick_costliest(const struct budget *b, uint64_t *cost, uint64_t total,
			     uint64_t allowed_ns, bool *pick)
{
	size_t i, best, n = 0;

	while (total > allowed_ns) {
		for (i = 0, best = b->sel->nfuncs; i < b->sel->nfuncs; i++)
			if (cost[i] && (best == b->sel->nfuncs || cost[i] > cost[best]))
				best = i;
		if (best == b->sel->nfuncs)
			break;
		pick[best] = true;
		total -= cost[best];
		cost[best] = 0;
		n++;
	}
	return n;
}

static void say_removed(const struct budget *b, const bool *pick, size_t n, double pct_before)
{
	char names[512] = "";
	size_t i, used = 0, k = 0;

	for (i = 0; i < b->sel->nfuncs && k < NAMED && used < sizeof(names); i++)
		if (pick[i])
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", k++ ? ", " : "",
						 b->sel->funcs[i].name);
	if (n > NAMED)
		fwarn("probes cost ~%.0f%% of the traced processes' CPU time, over --overhead %g%%: "
		      "removed the probes of %s and %zu more", pct_before, b->fraction * 100, names, n - NAMED);
	else
		fwarn("probes cost ~%.0f%% of the traced processes' CPU time, over --overhead %g%%: "
		      "removed the probes of %s", pct_before, b->fraction * 100, names);
}

static size_t n_picked(const struct budget *b, const bool *pick)
{
	size_t i, n = 0;

	for (i = 0; i < b->sel->nfuncs; i++)
		n += pick[i];
	return n;
}

/* Holds the traced processes still: through their follower, or seized here. */
static int hold_processes(struct follower *f, const int *pids, size_t npids, struct pause **p)
{
	return f ? follower__hold(f, PAUSE_TIMEOUT_MS) : pause__stop(pids, npids, PAUSE_TIMEOUT_MS, p);
}

static void release_processes(struct follower *f, struct pause *p)
{
	if (f)
		follower__release(f);
	else
		pause__resume(p);
}

/* The picked functions lose their probes, with the traced processes held still. */
static int remove_probes(struct budget *b, struct loader *l, struct consumer *c, const bool *pick,
			 struct follower *f, const int *pids, size_t npids)
{
	bool *touched = calloc(b->sel->nmodules ? b->sel->nmodules : 1, sizeof(*touched));
	struct pause *p = NULL;
	int64_t at = 0, held_from;
	size_t i, m;
	int err;

	if (!touched)
		return -ENOMEM;
	held_from = mono_ns();
	if ((err = hold_processes(f, pids, npids, &p))) {
		if (!b->said_pause_failed)
			fwarn("--overhead cannot hold the traced processes still (%s): probes stay for now",
			      strerror(-err));
		b->said_pause_failed = true;
		free(touched);
		return err;
	}
	for (i = 0; !err && i < b->sel->nfuncs; i++)
		if (pick[i] && !(err = loader__set_probe_state(l, (uint32_t)i, LOADER_PROBE_REMOVED))) {
			b->state[i] = LOADER_PROBE_REMOVED;
			touched[b->sel->funcs[i].module] = true;
		}
	at = mono_ns(); /* the BPF side ignores them from here: their figures end here */
	for (m = 0; !err && m < b->sel->nmodules; m++)
		if (touched[m])
			err = loader__replace_module_links(l, b->sel, m);
	/* From the flip on, the BPF side ignored them: a failed swap leaves probes that count
	 * nothing. Posted before the processes run on: ahead of any event they send after. */
	for (i = 0; i < b->sel->nfuncs; i++)
		if (pick[i] && b->state[i] == LOADER_PROBE_REMOVED && !b->removed_at_ns[i]) {
			b->removed_at_ns[i] = at;
			b->nremoved++;
			if (!err)
				err = consumer__probes_removed(c, (uint32_t)i, at);
		}
	/* Still held: a thread running meanwhile keeps the kernel from finishing with the old
	 * links (its pending return probes delay the grace period it waits for) and keeps
	 * hitting their probes; held, their destruction takes milliseconds. */
	loader__drop_replaced_links(l);
	release_processes(f, p);
	fdebug("removed %zu functions' probes; the traced processes were held %.1f ms", n_picked(b, pick),
	       (double)(mono_ns() - held_from) / 1e6);
	free(touched);
	return err;
}

int budget__check(struct budget *b, struct loader *l, struct consumer *c, struct follower *f,
		  int64_t now_ns)
{
	int pids[MAX_PIDS];
	/* The follower changes the loader's links as processes come and go: its own list. */
	size_t npids = f ? follower__pids(f, pids, MAX_PIDS) : loader__followed_pids(l, pids, MAX_PIDS), n;
	uint64_t ticks = traced_cpu_ticks(pids, npids), cpu_ns, est, work, min_work;
	uint64_t *cost = calloc(b->sel->nfuncs ? b->sel->nfuncs : 1, sizeof(*cost));
	bool *pick = calloc(b->sel->nfuncs ? b->sel->nfuncs : 1, sizeof(*pick));
	double seconds = (double)(now_ns - b->checked_at_ns) / 1e9;
	int err = 0;

	if (!cost || !pick) {
		err = -ENOMEM;
		goto out;
	}
	est = interval_costs(b, l, c, cost);
	cpu_ns = (ticks - b->cpu_ticks_at_check) * (uint64_t)(1e9 / (double)sysconf(_SC_CLK_TCK));
	if (!b->checked_at_ns || b->fraction <= 0 || ticks < b->cpu_ticks_at_check)
		goto out;
	/* The processes' own work: their CPU time less what the probes added to it. */
	min_work = (uint64_t)(seconds * (double)MIN_WORK_NS_PER_S);
	work = cpu_ns > est ? cpu_ns - est : 0;
	work = work > min_work ? work : min_work;
	if ((double)est <= b->fraction * (double)work)
		goto out;
	n = pick_costliest(b, cost, est, (uint64_t)(b->fraction * (double)work), pick);
	if (n) {
		say_removed(b, pick, n, 100.0 * (double)est / (double)work);
		err = remove_probes(b, l, c, pick, f, pids, npids);
		err = err ? err : (int)n;
	}
out:
	b->checked_at_ns = now_ns;
	b->cpu_ticks_at_check = ticks;
	free(cost);
	free(pick);
	return err;
}

size_t budget__removed(const struct budget *b)
{
	return b ? b->nremoved : 0;
}

int budget__store(const struct budget *b, const struct loader *l, const struct consumer *c,
		  struct store *s, const int64_t *func_keys)
{
	struct function_probe_row row;
	size_t i;
	int err;

	for (i = 0; b && i < b->sel->nfuncs; i++) {
		if (b->state[i] == LOADER_PROBE_TRACED)
			continue;
		row = (struct function_probe_row){
			.function_key = func_keys[i],
			.count_only = b->count_only[i],
			.calls = (int64_t)calls_of(b, l, c, i),
			.removed_at_ns = b->removed_at_ns[i],
		};
		if ((err = store__add_function_probe(s, &row)))
			return err;
	}
	return 0;
}
