#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

char *fmt_duration(int64_t ns, bool ascii, char *buf, size_t len)
{
	static const struct {
		int64_t scale;
		const char *utf8, *ascii;
	} units[] = {
		{ 1000000000LL, "s", "s" },
		{ 1000000LL, "ms", "ms" },
		{ 1000LL, "µs", "us" },
	};
	double v;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].scale || -ns >= units[i].scale) {
			v = (double)ns / (double)units[i].scale;
			snprintf(buf, len, "%.*f %s", v >= 100 ? 1 : v >= 10 ? 2 : 3, v,
				 ascii ? units[i].ascii : units[i].utf8);
			return buf;
		}
	}
	snprintf(buf, len, "%lld ns", (long long)ns);
	return buf;
}

int parse_duration(const char *text, int64_t *ns)
{
	static const struct {
		const char *suffix;
		double scale;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	char *end;
	double v;
	size_t i;

	if (!text || !*text)
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || v < 0)
		return -1;
	if (!*end && v == 0) { /* zero needs no unit */
		*ns = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			*ns = (int64_t)(v * units[i].scale + 0.5);
			return 0;
		}
	}
	return -1;
}

int parse_long(const char *text, long *out)
{
	char *end;
	long v;

	if (!text || !*text)
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int64_t thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

bool sudo_user(uid_t *uid, gid_t *gid)
{
	long u, g;

	if (parse_long(getenv("SUDO_UID"), &u) || parse_long(getenv("SUDO_GID"), &g))
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return true;
}

int grow_array(void **array, size_t *cap, size_t need, size_t item_size)
{
	size_t new_cap = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (new_cap < need)
		new_cap *= 2;
	p = realloc(*array, new_cap * item_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}

int compare_int64_keys(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}
