/*
 * capture: what each traced function's calls carry into the store (-A, -R, --error), the
 * specs matched against the selection: per function id, its items (position 0: the return
 * value) and error rule, and the plan the BPF side follows (loader.h).
 */
#ifndef FERRET_CAPTURE_H
#define FERRET_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arg_spec.h"
#include "elf/selection.h"
#include "loader.h"
#include "store/store.h"

struct func_capture {
	struct arg_item items[ARG_MAX_REGS + 1]; /* by position as given; one per position */
	size_t nitems;
	const struct error_rule *error; /* the first --error rule naming it; NULL: none */
	int8_t str_slot[ARG_MAX_REGS + 1]; /* position -> the record's string slot; -1: none */
	char names[ARG_MAX_REGS + 1][48]; /* -a: DWARF's parameter names by position; "": argN */
	char *types[ARG_MAX_REGS + 1]; /* -a: an enum's type text by position (malloc'd); NULL: the format's */
	const char *name_template; /* --name's TEMPLATE (span_name.h); NULL: none */
	bool name_needs_ret;	   /* it names {ret}: finished when the call returns */
};

struct capture_plan {
	struct func_capture *funcs;	/* per function id */
	struct loader_arg_plan *loader; /* per function id, for loader_opts.arg_plans */
	size_t nfuncs;
	uint32_t string_size;
	size_t captured; /* functions with a plan */
	size_t typed;	 /* -a: functions whose prototype DWARF gave */
	size_t typed_builtin; /* -a: libc functions without DWARF typed by libc_protos.h's table */
};

struct capture_request {
	const struct arg_spec *specs; /* -A then -R, in the order given */
	size_t nspecs;
	const struct error_rule *rules;
	size_t nrules;
	uint32_t string_size;
	bool all_args;	   /* -a: every traced function's parameters and return value, from DWARF
			    * or, for a libc function without it, ferret's table (elf/libc_protos.h) */
	bool errors_auto;  /* --errors auto: NULL pointers, -4095..-1 from signed ints (the same types) */
	char *const *names; /* --name 'PATTERN=TEMPLATE' texts */
	size_t nnames;
};

/* The plan for sel; NULL *out when nothing is asked. A spec or rule whose pattern names no
 * selected function, or a function given more than LOADER_ARG_STRS strings: one error line,
 * -EINVAL. */
int capture__build(const struct selection *sel, const struct capture_request *req,
		   struct capture_plan **out);
/* arg_specs rows for every captured function (func_keys as store_functions wrote them). */
int capture__store_specs(const struct capture_plan *plan, struct store *s, const int64_t *func_keys);
void capture__free(struct capture_plan *plan);

#endif
