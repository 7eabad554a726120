/* capture: -A, -R and --error matched against the selection (see capture.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "core/glob.h"
#include "core/log.h"
#include "elf/dwarf_params.h"
#include "elf/elf_syms.h"
#include "elf/libc_protos.h"
#include "elf/modules.h"
#include "span_name.h"

/* Whether pattern (GLOB or MODULE:GLOB, as -f's) names function f of sel. */
static bool names_function(const struct selection *sel, const char *module, const char *glob,
			   const struct sel_func *f)
{
	const char *path = sel->modules[f->module].path;

	if (module ? !module__matches(module, path) : f->module != 0)
		return false;
	return glob_match(glob, f->name) || (f->symbol && glob_match(glob, f->symbol));
}

static int add_item(struct capture_plan *plan, size_t fid, const struct arg_item *it, const char *spec);

/* --errors auto's rules by enum proto_error (static: a plan points to its rule). */
static const struct error_rule auto_rules[] = {
	[PROTO_ERR_NULL] = { .op = RULE_EQ, .value = 0 },
	[PROTO_ERR_NEG] = { .op = RULE_ERRNO_RANGE },
	[PROTO_ERR_NONZERO] = { .op = RULE_NE, .value = 0 },
	[PROTO_ERR_MAP_FAILED] = { .op = RULE_EQ, .value = -1 },
};

/* -a, --errors auto: one function's prototype into its plan. Strings past the record's
 * slots are captured as addresses. */
static int apply_proto(struct capture_plan *plan, size_t fid, const struct dwarf_proto *p, bool args,
		       bool errors)
{
	struct func_capture *fc = &plan->funcs[fid];
	size_t i, strings = 0;
	int err = 0;

	for (i = 0; args && !err && i < p->nparams; i++) {
		struct arg_item it = p->params[i].item;

		if (it.kind == ARG_STRING && strings++ >= LOADER_ARG_STRS)
			it.kind = ARG_POINTER;
		snprintf(fc->names[it.position], sizeof(fc->names[0]), "%s", p->params[i].name);
		err = add_item(plan, fid, &it, "-a");
	}
	if (!err && p->has_ret && (args || (errors && p->ret_error != PROTO_ERR_NONE)))
		err = add_item(plan, fid, &p->ret, "-a");
	for (i = 0; !err && i <= ARG_MAX_REGS && (args || !i); i++)
		if (p->enum_types[i][0] && !(fc->types[i] = strdup(p->enum_types[i]))) {
			ferr("out of memory");
			err = -ENOMEM;
		}
	if (errors && p->ret_error != PROTO_ERR_NONE)
		fc->error = &auto_rules[p->ret_error];
	return err;
}

/* The separate debug file the module's names came from, or NULL. */
static const char *debug_file_of(const struct selection *sel, const char *path)
{
	size_t i;

	for (i = 0; i < sel->nsyms; i++)
		if (!strcmp(elf_syms__path(sel->syms[i]), path))
			return elf_syms__debug_file(sel->syms[i]);
	return NULL;
}

/* The built-in prototype of a libc function without DWARF, by its name or ELF symbol. */
static int builtin_proto(const struct selection *sel, const struct sel_func *f, struct dwarf_proto *out)
{
	if (!libc_protos__is_libc(sel->modules[f->module].path))
		return 0;
	return libc_protos__lookup(f->name, out) || (f->symbol && libc_protos__lookup(f->symbol, out));
}

/* -a, --errors auto: every function whose prototype its module's DWARF has, or else (a libc
 * function) the built-in table. */
static int apply_protos(const struct selection *sel, struct capture_plan *plan, bool args, bool errors)
{
	struct dwarf_params *dp;
	struct dwarf_proto *proto = malloc(sizeof(*proto));
	size_t m, f;
	int err = 0;

	if (!proto) {
		ferr("out of memory");
		return -ENOMEM;
	}
	for (m = 0; !err && m < sel->nmodules; m++) {
		const struct sel_module *mod = &sel->modules[m];

		if (mod->go)
			continue;
		if ((err = dwarf_params__open(mod->path, debug_file_of(sel, mod->path), &dp)))
			break;
		for (f = mod->first_func; !err && f < mod->first_func + mod->nfuncs; f++) {
			if (dwarf_params__lookup(dp, sel->funcs[f].addr, proto) == 1)
				plan->typed++;
			else if (builtin_proto(sel, &sel->funcs[f], proto))
				plan->typed_builtin++;
			else
				continue;
			err = apply_proto(plan, f, proto, args, errors);
			if (proto->note && args)
				fdebug("%s: %s", sel->funcs[f].name, proto->note);
		}
		dwarf_params__free(dp);
	}
	free(proto);
	return err;
}

static int add_item(struct capture_plan *plan, size_t fid, const struct arg_item *it, const char *spec)
{
	struct func_capture *fc = &plan->funcs[fid];
	struct loader_arg_plan *lp = &plan->loader[fid];
	size_t i, slot;

	for (i = 0; i < fc->nitems; i++)
		if (fc->items[i].position == it->position) {
			fc->items[i] = *it; /* a later spec of the same position wins */
			return 0;
		}
	fc->items[fc->nitems++] = *it;
	if (it->position == 0)
		lp->ret = true;
	else
		lp->entry = true;
	if (it->kind != ARG_STRING)
		return 0;
	if (it->position == 0) {
		ferr("-R '%s': a return value cannot be read as a string (only arguments)", spec);
		return -EINVAL;
	}
	for (slot = 0; slot < LOADER_ARG_STRS && lp->str_arg[slot]; slot++)
		;
	if (slot == LOADER_ARG_STRS) {
		ferr("'%s': at most %d string arguments per function", spec, LOADER_ARG_STRS);
		return -EINVAL;
	}
	lp->str_arg[slot] = it->position;
	fc->str_slot[it->position] = (int8_t)slot;
	return 0;
}

/* Applies fn to each selected function pattern names; -EINVAL when none. */
static int for_matches(const struct selection *sel, const char *pattern, const char *opt, const char *text,
		       int (*fn)(struct capture_plan *, size_t, const void *, const char *),
		       struct capture_plan *plan, const void *arg)
{
	const char *glob;
	char *module = NULL;
	size_t f, n = 0;
	int err = 0;

	if (selection__split_pattern(pattern, &module, &glob))
		return -EINVAL;
	for (f = 0; !err && f < sel->nfuncs; f++)
		if (names_function(sel, module, glob, &sel->funcs[f])) {
			err = fn(plan, f, arg, text);
			n++;
		}
	free(module);
	if (!err && !n) {
		ferr("%s '%s': no traced function matches '%s' (trace it with -f)", opt, text, pattern);
		return -EINVAL;
	}
	return err;
}

static int apply_spec(struct capture_plan *plan, size_t fid, const void *arg, const char *text)
{
	const struct arg_spec *spec = arg;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < spec->nitems; i++) {
		/* the spec's format replaces what DWARF said of the position */
		free(plan->funcs[fid].types[spec->items[i].position]);
		plan->funcs[fid].types[spec->items[i].position] = NULL;
		err = add_item(plan, fid, &spec->items[i], text);
	}
	return err;
}

static int apply_rule(struct capture_plan *plan, size_t fid, const void *arg, const char *text)
{
	/* bits 0: no -R format given: read as the C int or long it most likely is (ingest_args.c) */
	const struct arg_item ret = { .position = 0, .kind = ARG_SIGNED, .bits = 0 };
	struct func_capture *fc = &plan->funcs[fid];
	size_t i;

	(void)text;
	if (!fc->error)
		fc->error = arg;
	for (i = 0; i < fc->nitems; i++)
		if (fc->items[i].position == 0)
			return 0;
	fc->items[fc->nitems++] = ret;
	plan->loader[fid].ret = true;
	return 0;
}

/* --name: the template, and the values it names captured (as /d when no spec says). */
static int apply_name(struct capture_plan *plan, size_t fid, const void *arg, const char *text)
{
	struct func_capture *fc = &plan->funcs[fid];
	const char *tmpl = arg;
	int set = span_name__positions(tmpl, fc, text), pos;
	size_t i;

	if (set < 0)
		return -EINVAL;
	if (!fc->name_template)
		fc->name_template = tmpl;
	fc->name_needs_ret = set & 1;
	plan->loader[fid].entry = true; /* the name is made when the call's entry arrives */
	for (pos = 0; pos <= ARG_MAX_REGS; pos++) {
		struct arg_item it = { .position = (uint8_t)pos, .kind = ARG_SIGNED, .bits = pos ? 64 : 0 };

		for (i = 0; i < fc->nitems && fc->items[i].position != pos; i++)
			;
		if ((set >> pos & 1) && i == fc->nitems && add_item(plan, fid, &it, text))
			return -EINVAL;
	}
	return 0;
}

static int new_plan(size_t nfuncs, uint32_t string_size, struct capture_plan **out)
{
	struct capture_plan *plan = calloc(1, sizeof(*plan));
	size_t f;

	if (plan) {
		plan->funcs = calloc(nfuncs ? nfuncs : 1, sizeof(*plan->funcs));
		plan->loader = calloc(nfuncs ? nfuncs : 1, sizeof(*plan->loader));
	}
	if (!plan || !plan->funcs || !plan->loader) {
		capture__free(plan);
		ferr("out of memory");
		return -ENOMEM;
	}
	for (f = 0; f < nfuncs; f++)
		memset(plan->funcs[f].str_slot, -1, sizeof(plan->funcs[f].str_slot));
	plan->nfuncs = nfuncs;
	plan->string_size = string_size;
	*out = plan;
	return 0;
}

int capture__build(const struct selection *sel, const struct capture_request *req,
		   struct capture_plan **out)
{
	struct capture_plan *plan;
	size_t i, f;
	int err;

	*out = NULL;
	if (!req->nspecs && !req->nrules && !req->all_args && !req->errors_auto && !req->nnames)
		return 0;
	if ((err = new_plan(sel->nfuncs, req->string_size, &plan)))
		return err;
	if (req->all_args || req->errors_auto)
		err = apply_protos(sel, plan, req->all_args, req->errors_auto);
	if (!err && req->all_args && !plan->typed && !plan->typed_builtin)
		fwarn("-a: no traced function has DWARF debug information or is a libc function ferret knows: "
		      "only -A/-R specs are captured");
	for (i = 0; !err && i < req->nspecs; i++)
		err = for_matches(sel, req->specs[i].pattern, req->specs[i].items[0].position ? "-A" : "-R",
				  req->specs[i].pattern, apply_spec, plan, &req->specs[i]);
	for (i = 0; !err && i < req->nrules; i++) {
		char text[512], rule[64];

		snprintf(text, sizeof(text), "%s:%s", req->rules[i].pattern,
			 error_rule__text(&req->rules[i], rule, sizeof(rule)));
		err = for_matches(sel, req->rules[i].pattern, "--error", text, apply_rule, plan,
				  &req->rules[i]);
	}
	for (i = 0; !err && i < req->nnames; i++) {
		const char *eq = strchr(req->names[i], '=');
		char *pattern = eq && eq != req->names[i] ? strndup(req->names[i], (size_t)(eq - req->names[i])) : NULL;

		if (!pattern) {
			ferr("--name '%s': expected PATTERN=TEMPLATE ('handle_request=request {arg1}')", req->names[i]);
			err = -EINVAL;
			break;
		}
		err = for_matches(sel, pattern, "--name", req->names[i], apply_name, plan, eq + 1);
		free(pattern);
	}
	for (f = 0; !err && f < sel->nfuncs; f++) {
		plan->captured += plan->funcs[f].nitems > 0 || plan->funcs[f].name_template;
		if ((plan->funcs[f].nitems || plan->funcs[f].name_template) && sel->modules[sel->funcs[f].module].go) {
			ferr("%s is Go code: -A, -R and --error capture C calling conventions only",
			     sel->funcs[f].name);
			err = -EINVAL;
		}
	}
	if (err) {
		capture__free(plan);
		return err;
	}
	*out = plan;
	return 0;
}

int capture__store_specs(const struct capture_plan *plan, struct store *s, const int64_t *func_keys)
{
	char name[48], type[16];
	size_t f, i;

	for (f = 0; plan && f < plan->nfuncs; f++)
		for (i = 0; i < plan->funcs[f].nitems; i++) {
			const struct arg_item *it = &plan->funcs[f].items[i];

			if (it->position && plan->funcs[f].names[it->position][0])
				snprintf(name, sizeof(name), "%s", plan->funcs[f].names[it->position]);
			else if (it->position)
				snprintf(name, sizeof(name), "arg%d", it->position);
			else
				snprintf(name, sizeof(name), "retval");
			if (store__add_arg_spec(s, func_keys[f], it->position, name,
						plan->funcs[f].types[it->position] ? plan->funcs[f].types[it->position]
										    : arg_item__format(it, type, sizeof(type))))
				return -EIO;
		}
	return 0;
}

void capture__free(struct capture_plan *plan)
{
	size_t f, i;

	if (!plan)
		return;
	for (f = 0; plan->funcs && f < plan->nfuncs; f++)
		for (i = 0; i <= ARG_MAX_REGS; i++)
			free(plan->funcs[f].types[i]);
	free(plan->funcs);
	free(plan->loader);
	free(plan);
}
