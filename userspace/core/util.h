/* Small helpers shared by every command: durations, numbers. */
#ifndef FERRET_UTIL_H
#define FERRET_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* "950 ns", "41.2 µs", "903.1 ms", "1.204 s": 4 significant digits, unit chosen by size.
 * ascii: write "us" instead of "µs". Returns buf. */
char *fmt_duration(int64_t ns, bool ascii, char *buf, size_t len);
/* Parses "50us", "1.5ms", "2s", "300ns", "0". Returns 0, or -1 for bad text, which
 * includes a number without its unit: is "5" 5 ns or 5 s? */
int parse_duration(const char *text, int64_t *ns);
/* Parses a non-negative integer that fits in long; -1 for bad text. */
int parse_long(const char *text, long *out);
/* Makes room for need items of item_size bytes in *array (*cap of them now),
 * doubling from 64. 0, or -ENOMEM with *array unchanged (callers say so). */
int grow_array(void **array, size_t *cap, size_t need, size_t item_size);
/* For bsearch/qsort over structs whose first member is an int64_t key. */
int compare_int64_keys(const void *a, const void *b);
/* "" for 1, "s" otherwise: "%lld span%s", n, plural(n). */
const char *plural(long long n);
/* CLOCK_MONOTONIC / CLOCK_REALTIME now, in ns. */
int64_t mono_ns(void);
int64_t real_ns(void);
/* The calling thread's CPU time so far (CLOCK_THREAD_CPUTIME_ID), in ns. */
int64_t thread_cpu_ns(void);
/* The user who ran sudo (SUDO_UID, SUDO_GID): whom a root ferret gives the files it makes. */
bool sudo_user(uid_t *uid, gid_t *gid);

#endif
