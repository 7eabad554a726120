/* SPDX-License-Identifier: BSD-2-Clause */
/* utf8: decoding, encoding, repair, terminal width and cutting of UTF-8 text. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

size_t utf8__decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*cp = UTF8_INVALID; /* a stray continuation byte, C0/C1 or F5..FF */
		return 1;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = UTF8_INVALID;
			return i;
		}
		v = (v << 6) | (s[i] & 0x3F);
		lo = 0x80, hi = 0xBF;
	}
	*cp = v;
	return len;
}

size_t utf8__encode(uint32_t cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *utf8__clean_dup(const char *s, const char *drop)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used, len = 0;
	char *out = malloc(3 * n + 1); /* each invalid byte grows to at most 3 */
	uint32_t cp;

	if (!out) {
		ferr("out of memory");
		return NULL;
	}
	while (n) {
		used = utf8__decode(p, n, &cp);
		if (cp == UTF8_INVALID)
			len += utf8__encode(0xFFFD, out + len);
		else if (!(used == 1 && *p && strchr(drop, *p)))
			memcpy(out + len, p, used), len += used;
		p += used;
		n -= used;
	}
	out[len] = '\0';
	return out;
}

/* Terminals act on C0 and C1 controls (ESC, CSI = U+009B) and DEL. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

char *utf8__terminal_dup(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used, len = 0, i;
	char *out = malloc(4 * n + 1); /* each byte grows to at most \xNN */
	uint32_t cp;

	if (!out) {
		ferr("out of memory");
		return NULL;
	}
	for (; n; p += used, n -= used) {
		used = utf8__decode(p, n, &cp);
		if (cp != UTF8_INVALID && !is_control(cp)) {
			memcpy(out + len, p, used), len += used;
			continue;
		}
		for (i = 0; i < used; i++) {
			out[len++] = '\\', out[len++] = 'x';
			out[len++] = hex[p[i] >> 4], out[len++] = hex[p[i] & 0xF];
		}
	}
	out[len] = '\0';
	return out;
}

/* Bytes of the character at s (n bytes left): 1 for an invalid sequence's first byte
 * too, so that every byte is accounted for. */
static size_t char_len(const char *s, size_t n)
{
	uint32_t cp;

	return utf8__decode((const unsigned char *)s, n, &cp);
}

size_t utf8__width(const char *s)
{
	size_t n = strlen(s), width = 0, used;

	for (; n; s += used, n -= used, width++)
		used = char_len(s, n);
	return width;
}

void utf8__fit(const char *s, size_t width, const char *ellipsis, char *buf, size_t len)
{
	size_t ell_width = utf8__width(ellipsis), ell_len = strlen(ellipsis);
	size_t n = strlen(s), keep, used = 0, cols = 0, step;
	bool cut = utf8__width(s) > width;

	if (!len)
		return;
	keep = !cut ? width : width > ell_width ? width - ell_width : 0;
	if (cut && ell_len >= len)
		cut = false, keep = width; /* no room for the ellipsis: plain cut */
	while (used < n && cols < keep) {
		step = char_len(s + used, n - used);
		if (used + step + (cut ? ell_len : 0) >= len)
			break;
		used += step;
		cols++;
	}
	memcpy(buf, s, used);
	if (cut)
		memcpy(buf + used, ellipsis, ell_len), used += ell_len;
	buf[used] = '\0';
}
