/* arg_type: an enum's enumerators in a type text (see arg_type.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arg_type.h"

#define ENUM_MARK " enum"

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_identifier(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!is_ident_char(*s))
			return false;
	return true;
}

void arg_type__begin_enum(char *buf, size_t len, const char *format, const char *enum_name)
{
	bool named = is_identifier(enum_name);
	int n = snprintf(buf, len, "%s" ENUM_MARK "%s%s {}", format, named ? " " : "", named ? enum_name : "");

	if (n >= 0 && (size_t)n >= len && named) /* without a name that does not fit */
		n = snprintf(buf, len, "%s" ENUM_MARK " {}", format);
	if (len && (n < 0 || (size_t)n >= len))
		buf[0] = '\0'; /* no room for an enum: no enumerators either */
}

bool arg_type__add_enumerator(char *buf, size_t len, const char *name, int64_t value)
{
	size_t n = strlen(buf);
	int w;

	if (!is_identifier(name) || n < 2 || buf[n - 1] != '}')
		return false;
	w = snprintf(buf + n - 1, len - n + 1, "%s%s=%" PRId64 "}", buf[n - 2] == '{' ? "" : ",", name, value);
	if (w < 0 || (size_t)w >= len - n + 1) {
		snprintf(buf + n - 1, 2, "}");
		return false;
	}
	return true;
}

/* One "NAME=VALUE" at *p, p moved past it and its ',' or '}'; false: not one. */
static bool next_enumerator(const char **p, const char **name, size_t *name_len, int64_t *value, bool *last)
{
	const char *s = *p;
	bool neg;
	uint64_t v = 0;

	*name = s;
	while (is_ident_char(*s))
		s++;
	*name_len = (size_t)(s - *name);
	if (!*name_len || *s++ != '=')
		return false;
	neg = *s == '-';
	s += neg;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s != ',' && *s != '}')
		return false;
	*last = *s == '}';
	*value = neg ? (int64_t)(0 - v) : (int64_t)v;
	*p = s + 1;
	return true;
}

/* The enumerators' list in type, past its '{'; NULL: not an enum's type text. */
static const char *enumerators_of(const char *type)
{
	const char *mark = type ? strstr(type, ENUM_MARK) : NULL, *open = mark ? strchr(mark, '{') : NULL;

	return open && open[1] != '}' ? open + 1 : NULL;
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The exact enumerator, or whether it is a flags enum; false: a text ferret did not write. */
static bool scan(const char *list, int64_t value, char *buf, size_t len, bool *exact, bool *flags)
{
	const char *name;
	size_t name_len, nonzero = 0;
	int64_t v;
	bool last = false, powers = true;

	*exact = false;
	while (!last) {
		if (!next_enumerator(&list, &name, &name_len, &v, &last))
			return false;
		if (v == value && !*exact && name_len < len) { /* never a name cut short */
			snprintf(buf, len, "%.*s", (int)name_len, name);
			*exact = true;
		}
		nonzero += v != 0;
		powers = powers && (!v || is_power_of_two((uint64_t)v));
	}
	*flags = powers && nonzero >= 3;
	return true;
}

/* A flags enum's value as its enumerators OR'ed ("A|B", "A|0x40"); false: none of its bits. */
static bool flag_names(const char *list, uint64_t value, char *buf, size_t len)
{
	const char *name;
	size_t name_len, o = 0;
	int64_t v;
	bool last = false;
	uint64_t left = value;

	buf[0] = '\0';
	while (!last && next_enumerator(&list, &name, &name_len, &v, &last)) {
		if (!v || !(left & (uint64_t)v))
			continue;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%.*s", o ? "|" : "", (int)name_len, name);
		left &= ~(uint64_t)v;
	}
	if (left == value)
		return false;
	if (left)
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "|%#" PRIx64, left);
	return o < len;
}

bool arg_type__value_name(const char *type, int64_t value, char *buf, size_t len)
{
	const char *list = enumerators_of(type);
	bool exact, flags;

	if (!list || !len || !scan(list, value, buf, len, &exact, &flags))
		return false;
	if (exact)
		return true;
	return flags && value > 0 && flag_names(list, (uint64_t)value, buf, len);
}
