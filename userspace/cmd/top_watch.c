/* top_watch: the run top watches, read as it is committed (see top_watch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/live_window.h"
#include "core/hashmap.h"
#include "core/log.h"
#include "core/util.h"
#include "store/live_calls.h"
#include "top_screen.h"
#include "top_watch.h"

#define NS_PER_S 1000000000LL
#define COMMIT_LAG_NS NS_PER_S /* the tracer commits about every second */
#define FIRST_SPANS 200000     /* read at the start: the run's latest spans, not all */
#define MAX_PENDING 100000

struct top_watch {
	struct top_watch_opts o;
	struct live_reader *lr;
	struct run_row run;
	struct live_window win;
	int64_t last_id;
	int64_t *pending; /* spans stored while open (incomplete, 0 ns): read again until they end */
	size_t npending, pending_cap;
	struct hashmap seen_pending; /* span id -> 1: ever pending */
	struct top_open *open;
	size_t nopen, open_cap;
	char **stalls;
	size_t nstalls, stalls_cap;
	struct hashmap reported; /* span id -> 1: a stall shown */
};

/* ---- spans ---- */

static int add_pending(struct top_watch *t, int64_t span_id)
{
	uint32_t one;

	if (hashmap__get(&t->seen_pending, span_id, 0, &one) || t->npending >= MAX_PENDING)
		return 0;
	if (hashmap__put(&t->seen_pending, span_id, 0, 1) ||
	    grow_array((void **)&t->pending, &t->pending_cap, t->npending + 1, sizeof(*t->pending)))
		return -ENOMEM;
	t->pending[t->npending++] = span_id;
	return 0;
}

static bool still_open(const struct live_span *s)
{
	return s->status == SPAN_INCOMPLETE && !s->duration_ns;
}

static int count_span(struct top_watch *t, const struct live_span *s)
{
	int32_t fn = live_window__func(&t->win, s->function_key);

	if (fn < 0)
		return fn;
	if (!t->win.f[fn].name && !(t->win.f[fn].name = live_reader__function_name(t->lr, s->function_key)))
		return -ENOMEM;
	return live_window__add(&t->win, fn, add_ns(s->start_ns, s->duration_ns), s->duration_ns,
				s->status != SPAN_OK);
}

static int new_span(void *ctx, const struct live_span *s)
{
	struct top_watch *t = ctx;

	if (s->span_id > t->last_id)
		t->last_id = s->span_id;
	return still_open(s) ? add_pending(t, s->span_id) : count_span(t, s);
}

/* Spans stored while open: counted once their end is committed. */
static int reread_pending(struct top_watch *t)
{
	struct live_span s;
	size_t i, kept = 0;
	int found, err = 0;

	for (i = 0; i < t->npending; i++) {
		if (err || (found = live_reader__span(t->lr, t->pending[i], &s)) == 0 ||
		    (found > 0 && still_open(&s))) {
			t->pending[kept++] = t->pending[i];
			continue;
		}
		err = found < 0 ? found : count_span(t, &s);
	}
	t->npending = kept;
	return err;
}

/* ---- open calls and stalls ---- */

static void free_open(struct top_watch *t)
{
	size_t i;

	for (i = 0; i < t->nopen; i++) {
		free(t->open[i].function);
		free(t->open[i].callers);
	}
	t->nopen = 0;
}

static int copy_open(void *ctx, const struct live_open_call *c)
{
	struct top_watch *t = ctx;
	struct top_open *o;

	if (grow_array((void **)&t->open, &t->open_cap, t->nopen + 1, sizeof(*t->open)))
		return -ENOMEM;
	o = &t->open[t->nopen];
	*o = (struct top_open){ .span_id = c->span_id, .parent_id = c->parent_id, .thread_key = c->thread_key,
				.start_ns = c->start_ns, .thread_last_ns = c->thread_last_ns, .seen_ns = c->seen_ns,
				.depth = c->depth,
				.tid = c->tid };
	if (!(o->function = strdup(c->function)) || !(o->callers = strdup(""))) {
		free(o->function);
		return -ENOMEM;
	}
	t->nopen++;
	return 0;
}

/* The open call of span id, or -1 (its parent was not published). */
static ssize_t open_index(const struct top_watch *t, int64_t span_id, size_t below)
{
	size_t i;

	for (i = below; i-- > 0;) /* a parent started before its child: earlier in the list */
		if (t->open[i].span_id == span_id)
			return (ssize_t)i;
	return -1;
}

/* Each open call's callers, from its parent's (published before it: older). */
static int set_callers(struct top_watch *t)
{
	size_t i;

	for (i = 0; i < t->nopen; i++) {
		ssize_t p = t->open[i].parent_id ? open_index(t, t->open[i].parent_id, i) : -1;
		char *s;

		if (p < 0)
			continue;
		if (asprintf(&s, "%s%s%s", t->open[p].callers, *t->open[p].callers ? " > " : "",
			     t->open[p].function) < 0)
			return -ENOMEM;
		free(t->open[i].callers);
		t->open[i].callers = s;
	}
	return 0;
}

static int add_stall_line(struct top_watch *t, int64_t span_id, char *text)
{
	uint32_t one;

	if (!text)
		return -ENOMEM;
	if (hashmap__get(&t->reported, span_id, 0, &one)) {
		free(text);
		return 0;
	}
	if (hashmap__put(&t->reported, span_id, 0, 1) ||
	    grow_array((void **)&t->stalls, &t->stalls_cap, t->nstalls + 1, sizeof(*t->stalls))) {
		free(text);
		return -ENOMEM;
	}
	t->stalls[t->nstalls++] = text;
	return 0;
}

/* A stall top found: its chain is its callers and itself. */
static char *stall_text(const struct top_open *o)
{
	char *chain, *line;

	if (asprintf(&chain, "%s%s%s", o->callers, *o->callers ? " > " : "", o->function) < 0)
		return NULL;
	line = live_calls__stall_line(o->tid, o->function, o->seen_ns - o->start_ns, chain);
	free(chain);
	return line;
}

static int recorded_stall(void *ctx, const struct live_stall *s)
{
	struct top_watch *t = ctx;
	char *line = live_calls__stall_line(s->tid, s->function, s->reported_ns - s->start_ns, s->chain), *text;

	/* beside top's own stalls, which are the tracer's is said */
	if (!line || asprintf(&text, "%s%s", line, t->o.own_stalls ? " (reported by the tracer)" : "") < 0)
		text = NULL;
	free(line);
	return add_stall_line(t, s->span_id, text);
}

/* Whether open call i is its thread's first in the list (the outermost). */
static bool first_of_thread(const struct top_watch *t, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (t->open[j].thread_key == t->open[i].thread_key)
			return false;
	return true;
}

/* --stall: each thread's stack (its open calls, outermost first) checked by the tracer's rule,
 * as of when the tracer saw them: what it published proves it. */
static int find_stalls(struct top_watch *t)
{
	struct open_call_row *stack = malloc((t->nopen + 1) * sizeof(*stack));
	size_t *of = malloc((t->nopen + 1) * sizeof(*of)), i, j, n;
	int err = 0;

	if (!stack || !of) {
		free(stack);
		free(of);
		return -ENOMEM;
	}
	for (i = 0; !err && i < t->nopen; i++) {
		if (!first_of_thread(t, i))
			continue;
		for (j = i, n = 0; j < t->nopen; j++)
			if (t->open[j].thread_key == t->open[i].thread_key) {
				stack[n] = (struct open_call_row){ .span_id = t->open[j].span_id,
								   .start_ns = t->open[j].start_ns,
								   .thread_last_ns = t->open[j].thread_last_ns };
				of[n++] = j;
			}
		if ((j = open_calls__stalled(stack, n, t->open[i].seen_ns, t->o.stall_ns)) < n) {
			err = add_stall_line(t, t->open[of[j]].span_id, stall_text(&t->open[of[j]]));
		}
	}
	free(stack);
	free(of);
	return err;
}

/* ---- the watch ---- */

int top_watch__refresh(struct top_watch *t)
{
	const char *id = t->run.run_id[0] ? t->run.run_id : t->o.run_id;
	int err;
	size_t i;

	if ((err = live_reader__run(t->lr, id, &t->run)))
		return err;
	if ((err = live_reader__spans_after(t->lr, t->run.run_key, t->last_id, new_span, t)) ||
	    (err = reread_pending(t)))
		return err;
	free_open(t);
	if ((err = live_reader__open_calls(t->lr, t->run.run_key, copy_open, t)) || (err = set_callers(t)))
		return err;
	for (i = 0; !err && i < t->nopen; i++) /* calls open since before top started */
		err = add_pending(t, t->open[i].span_id);
	if (!err)
		err = live_reader__stalls(t->lr, t->run.run_key, recorded_stall, t);
	return err;
}

static bool run_ended(const struct run_row *run)
{
	return run->end_mono_ns != run->start_mono_ns;
}

int top_watch__draw(struct top_watch *t, FILE *out, const struct out_style *st)
{
	bool ended = run_ended(&t->run);
	int64_t now = ended ? t->run.end_mono_ns - t->run.start_mono_ns : mono_ns() - t->run.start_mono_ns;
	/* a live run's last second may not be committed yet: its whole seconds before that */
	int64_t horizon = ended ? now + NS_PER_S : now - COMMIT_LAG_NS;
	struct top_view v = { .run = &t->run, .ended = ended, .now_ns = now, .window_s = (int)t->o.window_s,
			      .win = &t->win, .open = t->open, .nopen = t->nopen, .stall_ns = t->o.stall_ns,
			      .open_known = true, .title = t->o.title, .keys = t->o.keys };
	struct live_figures *fig = NULL;
	int rows, cols, err;

	if (t->o.own_stalls && t->o.stall_ns && !ended && (err = find_stalls(t)))
		return err;
	v.stalls = t->stalls;
	v.nstalls = t->nstalls;
	if ((err = live_window__figures(&t->win, horizon, &fig, &v.nfig)))
		return err;
	v.fig = fig;
	top_term__size(&rows, &cols);
	top_screen__draw(out, &v, rows, cols, top_term__ansi(), st->utf8);
	free(fig);
	return 0;
}

int top_watch__open(const struct top_watch_opts *o, struct top_watch **out)
{
	struct top_watch *t = calloc(1, sizeof(*t));
	int64_t last;

	*out = NULL;
	if (!t) {
		ferr("out of memory");
		return -ENOMEM;
	}
	t->o = *o;
	live_window__init(&t->win, (int)o->window_s);
	if (live_reader__open(o->db, &t->lr) || live_reader__run(t->lr, o->run_id, &t->run) ||
	    (last = live_reader__last_span_id(t->lr)) < 0) {
		top_watch__free(t);
		return -EIO;
	}
	t->last_id = last > FIRST_SPANS ? last - FIRST_SPANS : 0;
	*out = t;
	return 0;
}

void top_watch__print_stalls(const struct top_watch *t, FILE *out)
{
	size_t i;

	for (i = 0; i < t->nstalls; i++)
		fprintf(out, "ferret: %s\n", t->stalls[i]);
}

void top_watch__free(struct top_watch *t)
{
	size_t i;

	if (!t)
		return;
	free_open(t);
	free(t->open);
	for (i = 0; i < t->nstalls; i++)
		free(t->stalls[i]);
	free(t->stalls);
	free(t->pending);
	hashmap__free(&t->seen_pending);
	hashmap__free(&t->reported);
	live_window__free(&t->win);
	live_reader__free(t->lr);
	free(t);
}
