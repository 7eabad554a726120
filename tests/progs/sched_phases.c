/* On-CPU, blocked and run-queue time in known proportions: each phase is a traced function
 * that prints what the thread itself measured around it (CLOCK_THREAD_CPUTIME_ID and
 * CLOCK_MONOTONIC), for the test to compare with the span's figures.
 *   sleep_phase: nanosleep (blocked in clock_nanosleep)
 *   spin_phase: spins on the CPU
 *   lock_phase: waits for a mutex another thread holds (blocked in futex)
 *   crowded_phase: spins while another thread spins on the same CPU (waits in the run queue)
 *   run_phases: calls the four (its figures include theirs)
 * Usage: sched_phases [MS per phase] (default 100) */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long phase_ms = 100;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int holder_has_lock;
static volatile int crowd_stop;

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void spin_for_cpu_ns(int64_t ns)
{
	int64_t end = clock_ns(CLOCK_THREAD_CPUTIME_ID) + ns;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

__attribute__((noinline)) void sleep_phase(void)
{
	struct timespec ts = { .tv_sec = phase_ms / 1000, .tv_nsec = (phase_ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) void spin_phase(void)
{
	spin_for_cpu_ns(phase_ms * 1000000);
}

/* Holds the lock for phase_ms, then lets go. */
static void *holder(void *arg)
{
	struct timespec ts = { .tv_sec = phase_ms / 1000, .tv_nsec = (phase_ms % 1000) * 1000000 };

	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_mutex_lock(&ready_lock);
	holder_has_lock = 1;
	pthread_cond_signal(&ready);
	pthread_mutex_unlock(&ready_lock);
	nanosleep(&ts, NULL);
	pthread_mutex_unlock(&lock);
	return NULL;
}

__attribute__((noinline)) void lock_phase(void)
{
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
}

static void *crowd(void *arg)
{
	(void)arg;
	pin_to_cpu0();
	while (!crowd_stop)
		;
	return NULL;
}

__attribute__((noinline)) void crowded_phase(void)
{
	spin_for_cpu_ns(phase_ms * 1000000);
}

/* What the thread measured around one call of fn. */
static void measure(const char *name, void (*fn)(void))
{
	int64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = clock_ns(CLOCK_MONOTONIC);

	fn();
	printf("%s cpu_ns=%lld wall_ns=%lld\n", name, (long long)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0),
	       (long long)(clock_ns(CLOCK_MONOTONIC) - wall0));
}

__attribute__((noinline)) void run_phases(void)
{
	pthread_t h, c;

	measure("sleep_phase", sleep_phase);
	measure("spin_phase", spin_phase);
	pthread_create(&h, NULL, holder, NULL);
	pthread_mutex_lock(&ready_lock);
	while (!holder_has_lock)
		pthread_cond_wait(&ready, &ready_lock);
	pthread_mutex_unlock(&ready_lock);
	measure("lock_phase", lock_phase);
	pthread_join(h, NULL);
	pin_to_cpu0();
	pthread_create(&c, NULL, crowd, NULL);
	measure("crowded_phase", crowded_phase);
	crowd_stop = 1;
	pthread_join(c, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		phase_ms = atol(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	measure("run_phases", run_phases);
	return 0;
}
