/* sched_time: a span's on-CPU, blocked and run-queue ns from synthetic switch/wakeup/call
 * sequences, checked exactly. */
#include <stdlib.h>

#include "check.h"
#include "core/syscall_names.h"
#include "trace/sched_time.h"

#define T 7 /* a thread key */
#define NR_READ 0
#define NR_FUTEX 202

static void expect_figures(const struct sched_figures *f, int64_t cpu, int64_t blocked, int64_t runq,
			   int32_t in)
{
	EXPECT(f->known);
	EXPECT_EQ(f->cpu_ns, cpu);
	EXPECT_EQ(f->blocked_ns, blocked);
	EXPECT_EQ(f->runq_ns, runq);
	if (blocked)
		EXPECT_EQ(f->blocked_in, in);
}

/* Entry at 100, blocked in read 150..400 (woken at 400, on CPU at 450), preempted 500..520,
 * exit at 600: cpu 50 + 50 + 80, blocked 250, runq 50 + 20. */
static void test_one_span(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures f;

	EXPECT_EQ(sched_time__running(st, T, 100), 0);
	EXPECT_EQ(sched_time__open(st, T, 1, 100), 0);
	sched_time__out(st, T, 150, false, NR_READ, 0);
	sched_time__wakeup(st, T, 400);
	sched_time__in(st, T, 450);
	sched_time__out(st, T, 500, true, NR_FUTEX, 0); /* preempted: not blocked in futex */
	sched_time__in(st, T, 520);
	sched_time__running(st, T, 600);
	sched_time__close(st, T, 1, 600, &f);
	expect_figures(&f, 180, 250, 70, NR_READ);
	EXPECT_EQ(f.cpu_ns + f.blocked_ns + f.runq_ns, 500);
	sched_time__free(st);
}

/* A parent includes its children; each child gets its own share; blocked_in is the system
 * call with the most blocked ns over the span, not the longest single sleep. */
static void test_nested(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures child1, child2, parent;

	sched_time__running(st, T, 0);
	sched_time__open(st, T, 1, 0);
	sched_time__open(st, T, 2, 10);	      /* child 1: 10..200 */
	sched_time__out(st, T, 20, false, NR_FUTEX, 0); /* futex 20..120 */
	sched_time__in(st, T, 120);	      /* no wakeup record: all blocked */
	sched_time__running(st, T, 200);
	sched_time__close(st, T, 2, 200, &child1);
	sched_time__open(st, T, 3, 210);	      /* child 2: 210..400 */
	sched_time__out(st, T, 220, false, NR_READ, 0); /* read 220..280 then 290..350 */
	sched_time__wakeup(st, T, 280);
	sched_time__in(st, T, 285);
	sched_time__out(st, T, 290, false, NR_READ, 0);
	sched_time__wakeup(st, T, 350);
	sched_time__in(st, T, 360);
	sched_time__running(st, T, 400);
	sched_time__close(st, T, 3, 400, &child2);
	sched_time__close(st, T, 1, 500, &parent);
	expect_figures(&child1, 90, 100, 0, NR_FUTEX);
	expect_figures(&child2, 55, 120, 15, NR_READ);
	expect_figures(&parent, 500 - 220 - 15, 220, 15, NR_READ); /* read 120 > futex 100 */
	sched_time__free(st);
}

/* A span ended while its thread sleeps (tracing stopped) counts the sleep so far. */
static void test_close_while_blocked(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures f;

	sched_time__running(st, T, 1000);
	sched_time__open(st, T, 1, 1000);
	sched_time__out(st, T, 1100, false, 232 /* epoll_wait */, 0);
	sched_time__close(st, T, 1, 5000, &f);
	expect_figures(&f, 100, 3900, 0, 232);
	EXPECT_STR(syscall_name(f.blocked_in), "epoll_wait");
	sched_time__free(st);
}

/* Records lost, a missed switch, a probe preempted between its clock read and its record,
 * a first call: figures not known; the next span is exact again. */
static void test_not_known(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures f;

	sched_time__out(st, T, 5, false, NR_READ, 0); /* before the first call: ignored */
	sched_time__running(st, T, 10);
	sched_time__open(st, T, 1, 10);
	sched_time__lost(st, T);
	sched_time__out(st, T, 20, false, NR_READ, 0); /* not known: ignored */
	sched_time__running(st, T, 30);
	sched_time__close(st, T, 1, 30, &f);
	EXPECT(!f.known);

	sched_time__open(st, T, 2, 40);
	sched_time__in(st, T, 50); /* on CPU already: its leaving was missed */
	sched_time__close(st, T, 2, 60, &f);
	EXPECT(!f.known);

	sched_time__open(st, T, 3, 70);
	sched_time__out(st, T, 80, true, NR_READ, 0);
	sched_time__in(st, T, 90);
	sched_time__close(st, T, 3, 85, &f); /* timed before the switch back */
	EXPECT(!f.known);

	sched_time__open(st, T, 4, 100);
	sched_time__close(st, T, 4, 130, &f);
	expect_figures(&f, 30, 0, 0, 0);
	sched_time__close(st, T, 99, 130, &f); /* never opened */
	EXPECT(!f.known);
	sched_time__close(st, 12345, 4, 130, &f); /* unknown thread */
	EXPECT(!f.known);
	sched_time__free(st);
}

/* A switch back to the CPU the kernel did not report: the thread's own on-CPU count at its
 * next switch away says how long it ran; the rest of the wait was in the run queue. Blocked
 * with no wakeup or return seen, or a count that does not fit: not known. */
static void test_unseen_return(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures f;

	sched_time__running(st, T, 0);
	sched_time__open(st, T, 1, 0);
	sched_time__out(st, T, 100, true, -1, 5000); /* preempted after 100 on a CPU */
	sched_time__out(st, T, 200, true, -1, 5060); /* ran 60 of the 100 since, unseen */
	sched_time__in(st, T, 250);
	sched_time__running(st, T, 300);
	sched_time__close(st, T, 1, 300, &f);
	expect_figures(&f, 100 + 60 + 50, 0, 40 + 50, 0);

	sched_time__open(st, T, 2, 300);
	sched_time__out(st, T, 400, true, -1, 5300);
	sched_time__out(st, T, 500, true, -1, 5500); /* ran 200 in 100: not it */
	sched_time__in(st, T, 550);
	sched_time__close(st, T, 2, 600, &f);
	EXPECT(!f.known);

	sched_time__open(st, T, 3, 600);
	sched_time__out(st, T, 700, false, 0, 5700); /* asleep, no wakeup or return seen */
	sched_time__out(st, T, 800, true, -1, 5750);
	sched_time__in(st, T, 850);
	sched_time__close(st, T, 3, 900, &f);
	EXPECT(!f.known);
	sched_time__free(st);
}

/* The switch back was not seen, but a call record came before the next switch away: the
 * wait is split at that switch by the thread's on-CPU count, for the spans open across it
 * and those opened after; one open across it that ends first is not known. */
static void test_unseen_return_then_calls(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures f;

	sched_time__running(st, T, 0);
	sched_time__open(st, T, 1, 0);
	sched_time__open(st, T, 2, 0);
	sched_time__out(st, T, 100, true, -1, 5000); /* preempted after 100 on a CPU */
	sched_time__running(st, T, 150);	      /* a call: on a CPU again, unseen */
	sched_time__close(st, T, 2, 150, &f);	      /* across the wait, before its split */
	EXPECT(!f.known);
	sched_time__open(st, T, 3, 150);
	sched_time__close(st, T, 3, 160, &f);
	expect_figures(&f, 10, 0, 0, 0);
	sched_time__open(st, T, 4, 160);
	sched_time__out(st, T, 200, true, -1, 5070); /* ran 70 since 100: 20 of the wait */
	sched_time__in(st, T, 250);
	sched_time__running(st, T, 300);
	sched_time__close(st, T, 4, 300, &f);
	expect_figures(&f, 40 + 50, 0, 50, 0);
	sched_time__close(st, T, 1, 300, &f);
	expect_figures(&f, 100 + 20 + 50 + 50, 0, 30 + 50, 0);

	sched_time__open(st, T, 5, 300);
	sched_time__out(st, T, 400, true, -1, 5220);
	sched_time__running(st, T, 420);
	sched_time__in(st, T, 430); /* the return after the call: out of order */
	sched_time__close(st, T, 5, 500, &f);
	EXPECT(!f.known);

	sched_time__open(st, T, 6, 500);
	sched_time__out(st, T, 600, true, -1, 5400);
	sched_time__running(st, T, 650);
	sched_time__out(st, T, 700, true, -1, 5600); /* ran 200 in 100: not it */
	sched_time__in(st, T, 750);
	sched_time__close(st, T, 6, 800, &f);
	EXPECT(!f.known);
	sched_time__free(st);
}

/* Spans cut out of the middle (--overhead's removals) and many threads: each keeps its own. */
static void test_middle_and_threads(void)
{
	struct sched_time *st = sched_time__new();
	struct sched_figures a, b, c;
	int64_t th;

	for (th = 1; th <= 50; th++) {
		sched_time__running(st, th, 0);
		sched_time__open(st, th, th * 10, 0);
		sched_time__open(st, th, th * 10 + 1, 5);
		sched_time__out(st, th, 10, false, NR_FUTEX, 0);
		sched_time__wakeup(st, th, 10 + th);
		sched_time__in(st, th, 20 + th);
	}
	for (th = 1; th <= 50; th++) {
		sched_time__running(st, th, 100);
		sched_time__close(st, th, th * 10, 100, &a); /* the outer first */
		sched_time__open(st, th, th * 10 + 2, 100);
		sched_time__close(st, th, th * 10 + 2, 110, &c);
		sched_time__close(st, th, th * 10 + 1, 120, &b);
		expect_figures(&a, 10 + 100 - 20 - th, th, 10, NR_FUTEX);
		expect_figures(&b, 5 + 120 - 20 - th, th, 10, NR_FUTEX);
		expect_figures(&c, 10, 0, 0, 0);
	}
	sched_time__free(st);
}

static void test_syscall_names(void)
{
	EXPECT_STR(syscall_name(0), "read");
	EXPECT_STR(syscall_name(202), "futex");
	EXPECT_STR(syscall_name(232), "epoll_wait");
	EXPECT_STR(syscall_name(35), "nanosleep");
	EXPECT_STR(syscall_name(230), "clock_nanosleep");
	EXPECT(syscall_name(-1) == NULL);
	EXPECT(syscall_name(100000) == NULL);
	EXPECT(syscall_count() >= 463);
}

int main(void)
{
	RUN(test_one_span);
	RUN(test_nested);
	RUN(test_close_while_blocked);
	RUN(test_not_known);
	RUN(test_unseen_return);
	RUN(test_unseen_return_then_calls);
	RUN(test_middle_and_threads);
	RUN(test_syscall_names);
	CHECK_EXIT();
}
