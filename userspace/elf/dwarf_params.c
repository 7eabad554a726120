/* dwarf_params: prototypes from DWARF (see dwarf_params.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "core/util.h"
#include "dwarf_params.h"

/* A subprogram with code, by its entry address. */
struct dwarf_func {
	uint64_t addr;
	Dwarf_Off die; /* its DIE's offset */
};

struct dwarf_params {
	int fd;
	Dwarf *dw;
	struct dwarf_func *funcs;
	size_t n, cap;
	bool sorted;
};

static int add_funcs_of(struct dwarf_params *dp, Dwarf_Die *cu)
{
	Dwarf_Die die;
	Dwarf_Addr low;

	/* An assembler's unit names its functions but types nothing: no prototypes there
	 * (glibc's __strlen_avx2); libc_protos.h may know them. */
	if (dwarf_srclang(cu) == DW_LANG_Mips_Assembler || dwarf_child(cu, &die) != 0)
		return 0;
	do {
		if (dwarf_tag(&die) != DW_TAG_subprogram || dwarf_lowpc(&die, &low) != 0)
			continue;
		if (grow_array((void **)&dp->funcs, &dp->cap, dp->n + 1, sizeof(*dp->funcs)))
			return -ENOMEM;
		dp->funcs[dp->n++] = (struct dwarf_func){ .addr = low, .die = dwarf_dieoffset(&die) };
	} while (dwarf_siblingof(&die, &die) == 0);
	return 0;
}

static int index_funcs(struct dwarf_params *dp)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu;
	int err = 0;

	while (!err && dwarf_nextcu(dp->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dp->dw, off + hsize, &cu))
			err = add_funcs_of(dp, &cu);
		off = next;
	}
	return err;
}

static int open_one(const char *path, struct dwarf_params *dp)
{
	dp->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dp->fd < 0)
		return 0;
	dp->dw = dwarf_begin(dp->fd, DWARF_C_READ);
	if (!dp->dw) {
		close(dp->fd);
		dp->fd = -1;
		return 0;
	}
	return 1;
}

int dwarf_params__open(const char *path, const char *debug_path, struct dwarf_params **out)
{
	struct dwarf_params *dp = calloc(1, sizeof(*dp));
	int err;

	*out = NULL;
	if (!dp)
		return -ENOMEM;
	dp->fd = -1;
	if (!open_one(path, dp) && (!debug_path || !open_one(debug_path, dp))) {
		free(dp);
		return 0;
	}
	err = index_funcs(dp);
	if (err || !dp->n) {
		dwarf_params__free(dp);
		return err;
	}
	*out = dp;
	return 0;
}

void dwarf_params__free(struct dwarf_params *dp)
{
	if (!dp)
		return;
	dwarf_end(dp->dw);
	if (dp->fd >= 0)
		close(dp->fd);
	free(dp->funcs);
	free(dp);
}

/* The type a DIE's DW_AT_type names, typedefs and qualifiers peeled. false: none (void). */
static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, type))
		return false;
	return dwarf_peel_type(type, type) == 0;
}

static int bits_of(Dwarf_Die *type)
{
	int size = dwarf_bytesize(type);

	return size == 1 || size == 2 || size == 4 || size == 8 ? size * 8 : 0;
}

enum type_class { TC_INT, TC_FLOAT, TC_AGGREGATE, TC_OTHER };

/* Whether an enum's underlying type (DW_AT_type, when the compiler gave it) is unsigned. */
static bool enum_is_unsigned(Dwarf_Die *type)
{
	Dwarf_Die base;
	Dwarf_Attribute attr;
	Dwarf_Word enc = 0;

	return type_of(type, &base) && dwarf_tag(&base) == DW_TAG_base_type &&
	       dwarf_formudata(dwarf_attr(&base, DW_AT_encoding, &attr), &enc) == 0 &&
	       (enc == DW_ATE_unsigned || enc == DW_ATE_unsigned_char || enc == DW_ATE_boolean);
}

/* An enum's type text: its format then its enumerators, as many as fit. */
static void enum_text(Dwarf_Die *type, const struct arg_item *it, char *buf, size_t len)
{
	Dwarf_Die e;
	Dwarf_Attribute attr;
	Dwarf_Sword sv;
	Dwarf_Word uv;
	char format[16];

	arg_type__begin_enum(buf, len, arg_item__format(it, format, sizeof(format)), dwarf_diename(type));
	if (dwarf_child(type, &e) != 0)
		return;
	do {
		if (dwarf_tag(&e) != DW_TAG_enumerator || !dwarf_attr(&e, DW_AT_const_value, &attr))
			continue;
		if (it->kind == ARG_UNSIGNED ? dwarf_formudata(&attr, &uv) : dwarf_formsdata(&attr, &sv))
			continue;
		if (!arg_type__add_enumerator(buf, len, dwarf_diename(&e), it->kind == ARG_UNSIGNED ? (int64_t)uv : sv))
			return;
	} while (dwarf_siblingof(&e, &e) == 0);
}

/* The capture of a value of this type in an integer register; an enum's type text in
 * enum_buf (when not NULL). */
static enum type_class classify(Dwarf_Die *type, struct arg_item *it, char *enum_buf)
{
	Dwarf_Die pointee;
	Dwarf_Word enc = 0;
	Dwarf_Attribute attr;
	int tag = dwarf_tag(type);

	it->bits = 64;
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		it->kind = ARG_POINTER;
		if (tag == DW_TAG_pointer_type && type_of(type, &pointee) && dwarf_tag(&pointee) == DW_TAG_base_type &&
		    dwarf_bytesize(&pointee) == 1 && dwarf_formudata(dwarf_attr(&pointee, DW_AT_encoding, &attr), &enc) == 0 &&
		    (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char))
			it->kind = ARG_STRING;
		return TC_INT;
	case DW_TAG_enumeration_type:
		it->kind = enum_is_unsigned(type) ? ARG_UNSIGNED : ARG_SIGNED;
		it->bits = (uint8_t)(bits_of(type) ? bits_of(type) : 32);
		if (enum_buf)
			enum_text(type, it, enum_buf, ARG_TYPE_MAX);
		return TC_INT;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
	case DW_TAG_array_type:
		return TC_AGGREGATE;
	case DW_TAG_base_type:
		break;
	default:
		return TC_OTHER;
	}
	if (dwarf_formudata(dwarf_attr(type, DW_AT_encoding, &attr), &enc) || !bits_of(type))
		return TC_OTHER;
	it->bits = (uint8_t)bits_of(type);
	switch (enc) {
	case DW_ATE_float:
	case DW_ATE_complex_float:
		return TC_FLOAT;
	case DW_ATE_signed:
		it->kind = ARG_SIGNED;
		return TC_INT;
	case DW_ATE_signed_char:
		it->kind = ARG_CHAR;
		return TC_INT;
	case DW_ATE_boolean:
	case DW_ATE_unsigned:
	case DW_ATE_unsigned_char:
	case DW_ATE_UTF:
		it->kind = ARG_UNSIGNED;
		return TC_INT;
	default:
		return TC_OTHER;
	}
}

/* A name that says its integer holds bits: ...flags, ...flag, ...mode, ...mask. */
static bool names_flags(const char *name)
{
	static const char *const ends[] = { "flags", "flag", "mode", "mask" };
	size_t n = name ? strlen(name) : 0, i, k;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		k = strlen(ends[i]);
		if (n >= k && !strcasecmp(name + n - k, ends[i]))
			return true;
	}
	return false;
}

/* Whether a typedef on the way from the parameter to its integer type says flags: mode_t,
 * __mode_t, NAME_flags_t, NAME_mask_t. */
static bool typedef_says_flags(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die t = *die;
	char base[DWARF_PARAM_NAME];
	int hops;

	for (hops = 0; hops < 16 && dwarf_attr_integrate(&t, DW_AT_type, &attr) && dwarf_formref_die(&attr, &t); hops++) {
		const char *name = dwarf_diename(&t);
		size_t n = name ? strlen(name) : 0;

		if (dwarf_tag(&t) != DW_TAG_typedef)
			continue;
		if (n < 3 || strcmp(name + n - 2, "_t") || n - 2 >= sizeof(base))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(n - 2), name);
		if (names_flags(base))
			return true;
	}
	return false;
}

static int add_param(struct dwarf_proto *p, Dwarf_Die *die, unsigned *reg)
{
	const char *name = dwarf_diename(die);
	struct arg_item it = { 0 };
	Dwarf_Die type;
	char *enum_buf = *reg < ARG_MAX_REGS ? p->enum_types[*reg + 1] : NULL;
	enum type_class tc = type_of(die, &type) ? classify(&type, &it, enum_buf) : TC_OTHER;

	if (tc == TC_FLOAT) {
		p->note = "floating-point parameters (in SSE registers) are not captured";
		return 0;
	}
	if (tc != TC_INT) {
		p->note = tc == TC_AGGREGATE ? "a struct or union passed by value is skipped, with the parameters after it"
					     : "a parameter of a type not known is skipped, with the parameters after it";
		return -1;
	}
	if (*reg >= ARG_MAX_REGS) {
		p->note = "parameters past the 6th integer register (on the stack) are not captured";
		return -1;
	}
	/* a bool or char named "flag" stays as it is */
	if ((it.kind == ARG_SIGNED || it.kind == ARG_UNSIGNED) && it.bits >= 16 && !enum_buf[0] &&
	    (names_flags(name) || typedef_says_flags(die)))
		it.kind = ARG_HEX;
	it.position = (uint8_t)++*reg;
	p->params[p->nparams].item = it;
	snprintf(p->params[p->nparams].name, DWARF_PARAM_NAME, "%s", name ? name : "");
	if (!name)
		snprintf(p->params[p->nparams].name, DWARF_PARAM_NAME, "arg%u", *reg);
	p->nparams++;
	return 0;
}

static void read_proto(Dwarf_Die *fn, struct dwarf_proto *p)
{
	Dwarf_Die child, type;
	unsigned reg = 0;

	memset(p, 0, sizeof(*p));
	if (type_of(fn, &type) && classify(&type, &p->ret, p->enum_types[0]) == TC_INT) {
		p->has_ret = true;
		if (p->ret.kind == ARG_STRING)
			p->ret.kind = ARG_POINTER; /* a returned string is shown as its address */
		if (p->ret.kind == ARG_POINTER)
			p->ret_error = PROTO_ERR_NULL;
		else if (p->ret.kind == ARG_SIGNED && p->ret.bits >= 32 && !p->enum_types[0][0])
			p->ret_error = PROTO_ERR_NEG;
	} else {
		p->enum_types[0][0] = '\0';
	}
	if (dwarf_child(fn, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter && add_param(p, &child, &reg))
			return;
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int compare_addr(const void *a, const void *b)
{
	const struct dwarf_func *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int dwarf_params__lookup(struct dwarf_params *dp, uint64_t addr, struct dwarf_proto *out)
{
	struct dwarf_func key = { .addr = addr }, *f;
	Dwarf_Die die;

	if (!dp)
		return 0;
	if (!dp->sorted) {
		qsort(dp->funcs, dp->n, sizeof(*dp->funcs), compare_addr);
		dp->sorted = true;
	}
	f = bsearch(&key, dp->funcs, dp->n, sizeof(*dp->funcs), compare_addr);
	if (!f || !dwarf_offdie(dp->dw, f->die, &die))
		return 0;
	read_proto(&die, out);
	return 1;
}
