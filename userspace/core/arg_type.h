/*
 * arg_type: the type text arg_specs stores for a captured position (pure: no I/O, fuzzed).
 * It starts with the capture format (arg_item__format: "i32", "x", "s"); an enum's is
 * followed by its enumerators, so that a value can be shown by name:
 * "i32 enum color {RED=0,GREEN=1,BLUE=7}". A reader that knows only formats reads the first
 * letter; the value itself stays an integer in span_args.
 */
#ifndef FERRET_ARG_TYPE_H
#define FERRET_ARG_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARG_TYPE_MAX 2048 /* bytes of a type text: enumerators past it are left out */

/* "FMT enum NAME {}" into buf (NAME left out when NULL, not an identifier or too long; ""
 * when even "FMT enum {}" does not fit). */
void arg_type__begin_enum(char *buf, size_t len, const char *format, const char *enum_name);
/* One more enumerator: false (buf unchanged) when it does not fit or its name is not an
 * identifier. */
bool arg_type__add_enumerator(char *buf, size_t len, const char *name, int64_t value);
/* What names value in an enum's type text: its enumerator; for a flags enum (three or more
 * enumerators, every one a power of two or 0) the enumerators OR'ed, any bits left in hex
 * ("READ|WRITE", "READ|0x40"). true with the text in buf; false: no enum, no name for it, or
 * a text ferret did not write. */
bool arg_type__value_name(const char *type, int64_t value, char *buf, size_t len);

#endif
