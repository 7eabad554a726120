/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ferret.h: explicit spans for C and C++ programs traced by ferret.
 *
 *   FERRET_BEGIN("db_fetch");                 open an explicit span on this thread
 *   FERRET_TAG("table", "users");             string tag on the innermost open span
 *   FERRET_TAG_INT("shard_id", id % 5);       integer tag (int64_t)
 *   FERRET_STATUS("warning");                 status of the innermost open span
 *   FERRET_END();                             close the innermost explicit span
 *   { FERRET_SCOPE("db_fetch"); ... }         closed at the end of the scope
 *   FERRET_NAME("process_user:%d", id);       rename the innermost open span
 *
 * Each macro is a USDT probe (sys/sdt.h, provider "ferret") guarded by its semaphore: while
 * no tracer is attached the semaphore is 0 and a macro costs one load and one untaken branch;
 * its arguments are not evaluated and FERRET_NAME formats nothing. `ferret trace` attaches to
 * these probes in every traced module that has them. Strings are read when the probe fires
 * (names and values up to 63 bytes, keys up to 31: longer ones are cut). Define FERRET_DISABLE
 * before including this header to compile every macro to nothing.
 */
#ifndef FERRET_H
#define FERRET_H

#if defined(FERRET_DISABLE) || !defined(__linux__)

#define FERRET_BEGIN(name) ((void)0)
#define FERRET_END() ((void)0)
#define FERRET_TAG(key, value) ((void)0)
#define FERRET_TAG_INT(key, value) ((void)0)
#define FERRET_STATUS(status) ((void)0)
#define FERRET_NAME(...) ((void)0)
#define FERRET_SCOPE(name) ((void)0)

#else

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(_SYS_SDT_H) && !defined(_SDT_HAS_SEMAPHORES)
#error "ferret.h needs sys/sdt.h's semaphores: include ferret.h first, or define _SDT_HAS_SEMAPHORES"
#endif
/* sys/sdt.h then gives every probe of this file a semaphore, the program's own ones too: those
 * need a variable PROVIDER_NAME_semaphore each (see tests/progs/spans.c). */
#ifndef _SDT_HAS_SEMAPHORES
#define _SDT_HAS_SEMAPHORES 1 /* each probe's note names its semaphore */
#endif
#include <sys/sdt.h>

#define FERRET_NAME_MAX 64 /* FERRET_NAME's formatted name, with its NUL */

/* A probe's semaphore: the kernel adds one while a tracer's uprobe is on the probe. Weak and
 * hidden: one per module (executable or library), however many files include this header. */
#define FERRET__SEMAPHORE(n)                                                                 \
	__extension__ volatile unsigned short ferret_##n##_semaphore                          \
		__attribute__((weak, visibility("hidden"), section(".probes")))
FERRET__SEMAPHORE(begin);
FERRET__SEMAPHORE(end);
FERRET__SEMAPHORE(tag);
FERRET__SEMAPHORE(tag_int);
FERRET__SEMAPHORE(status);
FERRET__SEMAPHORE(name);
#define FERRET__ON(n) __builtin_expect(ferret_##n##_semaphore != 0, 0)

/* A string the probe hands over, its first and last bytes read here (only while traced): the
 * tracer reads it without faulting, so a literal on a page the program never touched would
 * otherwise read as nothing. Volatile loads: the compiler knows a literal's length, not its page. */
static inline const char *ferret__resident(const char *s)
{
	size_t n = strnlen(s, FERRET_NAME_MAX);

	(void)*(volatile const char *)s;
	if (n)
		(void)*(volatile const char *)(s + n - 1);
	return s;
}

#define FERRET_BEGIN(span_name)                                                              \
	do {                                                                                 \
		if (FERRET__ON(begin))                                                       \
			STAP_PROBE1(ferret, begin, ferret__resident(span_name));               \
	} while (0)
#define FERRET_END()                                                                         \
	do {                                                                                 \
		if (FERRET__ON(end))                                                         \
			STAP_PROBE(ferret, end);                                             \
	} while (0)
#define FERRET_TAG(tag_key, tag_value)                                                       \
	do {                                                                                 \
		if (FERRET__ON(tag))                                                         \
			STAP_PROBE2(ferret, tag, ferret__resident(tag_key),                   \
				    ferret__resident(tag_value));                               \
	} while (0)
#define FERRET_TAG_INT(tag_key, tag_value)                                                   \
	do {                                                                                 \
		if (FERRET__ON(tag_int))                                                     \
			STAP_PROBE2(ferret, tag_int, ferret__resident(tag_key), (int64_t)(tag_value)); \
	} while (0)
#define FERRET_STATUS(span_status)                                                           \
	do {                                                                                 \
		if (FERRET__ON(status))                                                      \
			STAP_PROBE1(ferret, status, ferret__resident(span_status));          \
	} while (0)
#define FERRET_NAME(...)                                                                     \
	do {                                                                                 \
		if (FERRET__ON(name)) {                                                      \
			char ferret__name[FERRET_NAME_MAX];                                  \
			snprintf(ferret__name, sizeof(ferret__name), __VA_ARGS__);           \
			STAP_PROBE1(ferret, name, ferret__name);                             \
		}                                                                            \
	} while (0)

#define FERRET__CAT2(a, b) a##b
#define FERRET__CAT(a, b) FERRET__CAT2(a, b)

#ifdef __cplusplus
namespace ferret {
/* FERRET_SCOPE's guard: the span opens with it and closes when it goes out of scope. */
struct scope_guard {
	explicit scope_guard(const char *name) { FERRET_BEGIN(name); }
	~scope_guard() { FERRET_END(); }
	scope_guard(const scope_guard &) = delete;
	scope_guard &operator=(const scope_guard &) = delete;
};
} // namespace ferret
#define FERRET_SCOPE(name) ::ferret::scope_guard FERRET__CAT(ferret__scope_, __LINE__)(name)
#else
static inline void ferret__scope_end(int *unused)
{
	(void)unused;
	FERRET_END();
}
/* The cleanup attribute runs ferret__scope_end however the scope is left (return, break, goto;
 * not longjmp). */
#define FERRET_SCOPE(name)                                                                   \
	FERRET_BEGIN(name);                                                                  \
	__attribute__((cleanup(ferret__scope_end), unused)) int FERRET__CAT(ferret__scope_, __LINE__) = 0
#endif

#endif /* FERRET_DISABLE */
#endif /* FERRET_H */
