/* analyze_args: a call's stored arguments, return value and errno (-A, -R, --error), as
 * text on its --calls line or as JSON fields. */
#ifndef FERRET_ANALYZE_ARGS_H
#define FERRET_ANALYZE_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/jsonw.h"
#include "store/arg_store.h"
#include "store/run_query.h"

/* "  name=\"ana\" n=42 => -1 (errno 13)"; nothing when the call has no values. */
int args_out__text(FILE *out, struct arg_reader *r, int64_t span_id);
/* "args": [{"position", "name", "type", "value"}...] and "retval", "errno" when stored. */
int args_out__json(struct jsonw *w, struct arg_reader *r, int64_t span_id);
/* --where 'NAME OP VALUE' (arg1==42, ret<0, name=="ana", errno!=0): NAME a stored value's
 * name (argN, retval or ret, errno, DWARF's, name), OP as --error's, VALUE a number or a
 * (quoted) string compared with == or != (a string, or an enum's value by its enumerator). */
struct call_where {
	char name[64];
	int op; /* enum rule_op */
	bool is_text;
	int64_t number;
	char text[256];
};
/* 0, or -1 after one error line. */
int call_where__parse(const char *text, struct call_where *out);
/* Whether the call's stored values satisfy w (a call without that value does not). */
bool call_where__matches(const struct call_where *w, struct arg_reader *r, int64_t span_id);
/* 0 when NULL or a status span_view names; -1 after one error line. */
int call_status__check(const char *status);

/* --status and --where together: the calls the table, the tree and --calls count. A call
 * passes when its status is --status's (as span_view names it: "incomplete" is that status
 * only, not lost or no_return_probe) and its stored values satisfy --where (a call without
 * that value does not). */
struct call_filter {
	bool on;		 /* --status or --where given */
	const char *status;	 /* NULL: any */
	bool has_where;
	struct call_where where;
	struct arg_reader *args; /* --where's values; NULL without --where */
};
/* Both already checked by the command's parser. 0, or -EIO (printed). */
int call_filter__init(struct call_filter *f, struct run_query *ss, const char *status, const char *where);
bool call_filter__passes(const struct call_filter *f, int64_t span_id, int status);
void call_filter__free(struct call_filter *f);

/* One value as --calls shows it ("ana" quoted and escaped, 0x3, NULL, (unreadable), an
 * enum's enumerator GREEN or READ|WRITE). */
void args_out__value(const struct stored_arg *a, char *buf, size_t len);

#endif
