/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * utf8: the one UTF-8 decoder, and what the text outputs need from it: terminal width,
 * cutting to a width, repairing invalid bytes. Names, command lines and run ids come from
 * ELF files, /proc and the user: any byte may be in them.
 */
#ifndef FERRET_UTF8_H
#define FERRET_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID 0xFFFFFFFFu

/*
 * Decodes one UTF-8 character at s (n > 0 bytes available). Returns how many
 * bytes it takes (>= 1); *cp is the code point, or UTF8_INVALID for an invalid
 * sequence, which then covers its maximal invalid subpart (Unicode's
 * recommended practice: one U+FFFD per broken sequence, never swallowing a
 * following valid character).
 */
size_t utf8__decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Writes the UTF-8 encoding of cp to buf (4 bytes room); returns its length. */
size_t utf8__encode(uint32_t cp, char *buf);
/* A malloc'ed copy of s with every invalid UTF-8 sequence replaced by U+FFFD and
 * the ASCII characters in drop removed. NULL (printed) when out of memory. */
char *utf8__clean_dup(const char *s, const char *drop);
/* A malloc'ed copy of s safe to print on a terminal: control characters (C0, DEL, C1)
 * and bytes that are not UTF-8 become \xNN, so that no escape sequence or line break
 * of a name gets through. NULL (printed) when out of memory. */
char *utf8__terminal_dup(const char *s);
/* Terminal columns of s: one per character (an invalid sequence counts as one). */
size_t utf8__width(const char *s);
/* Copies s to buf (len bytes), cut to at most width columns: a cut copy ends with
 * ellipsis ("…" or "..."), counted in the width. Never splits a character. */
void utf8__fit(const char *s, size_t width, const char *ellipsis, char *buf, size_t len);

#endif /* FERRET_UTF8_H */
