/*
 * arg_spec: the text of trace's -A, -R and --error options, parsed (pure: no I/O, fuzzed).
 * Specs follow uftrace's syntax: "PATTERN@arg1/s,arg2/x" (-A) and "PATTERN@retval/i32"
 * (-R), PATTERN being -f's GLOB or MODULE:GLOB. Error rules: "PATTERN:ret<0", with
 * ==, !=, <, <=, >, >= and a decimal or 0x number.
 */
#ifndef FERRET_ARG_SPEC_H
#define FERRET_ARG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARG_MAX_REGS 6 /* x86-64 passes the first 6 integer arguments in registers */

/* How a captured register is shown and stored. */
enum arg_kind {
	ARG_SIGNED,   /* /d /i /iN: a signed integer of `bits` bits */
	ARG_UNSIGNED, /* /u /uN */
	ARG_HEX,      /* /x /xN: unsigned, shown in hex */
	ARG_POINTER,  /* /p: an address, shown in hex */
	ARG_CHAR,     /* /c: one character */
	ARG_STRING,   /* /s: a NUL-terminated string the register points to */
};

struct arg_item {
	uint8_t position; /* 0: the return value; 1..ARG_MAX_REGS: an argument */
	uint8_t kind;	  /* enum arg_kind */
	uint8_t bits;	  /* 8, 16, 32 or 64 */
};

struct arg_spec {
	char *pattern; /* malloc'd: the function part */
	struct arg_item items[ARG_MAX_REGS + 1];
	size_t nitems;
};

enum rule_op { RULE_EQ, RULE_NE, RULE_LT, RULE_LE, RULE_GT, RULE_GE,
	       RULE_ERRNO_RANGE /* --errors auto's signed int: -4095..-1 (-1 or a negative errno) */ };

struct error_rule {
	char *pattern; /* malloc'd */
	int op;	       /* enum rule_op */
	int64_t value;
};

/* retval false: -A text, only argN items; true: -R text, only retval. 0, or -1 with one
 * line in err (no trailing newline) and nothing allocated. */
int arg_spec__parse(const char *text, bool retval, struct arg_spec *out, char *err, size_t errlen);
void arg_spec__free(struct arg_spec *s);
/* A format's name as uftrace writes it ("s", "i32", "x", "u64"). */
const char *arg_item__format(const struct arg_item *it, char *buf, size_t len);

int error_rule__parse(const char *text, struct error_rule *out, char *err, size_t errlen);
void error_rule__free(struct error_rule *r);
bool error_rule__matches(const struct error_rule *r, int64_t ret);
/* "ret<0" */
const char *error_rule__text(const struct error_rule *r, char *buf, size_t len);

/* A raw 64-bit register as an item of this kind and width: sign- or zero-extended. */
int64_t arg_item__extend(const struct arg_item *it, uint64_t raw);

#endif
