/*
 * Go's function table from its bytes (gopclntab.h). Every read goes through `at`, which
 * checks the offset and length against the table; a table that fails any check is
 * refused whole, so a damaged one gives no names rather than wrong ones.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gopclntab.h"

struct table {
	const uint8_t *data;
	size_t size;
	unsigned ptr_size;
};

/* The `len` bytes at off, or NULL when they are not all inside the table. */
static const uint8_t *at(const struct table *t, uint64_t off, uint64_t len)
{
	if (off > t->size || len > t->size - off)
		return NULL;
	return t->data + off;
}

static uint64_t read_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* An n-byte little-endian word at off; false: outside the table. */
static bool word(const struct table *t, uint64_t off, unsigned n, uint64_t *v)
{
	const uint8_t *p = at(t, off, n);

	if (!p)
		return false;
	*v = read_le(p, n);
	return true;
}

static bool uptr(const struct table *t, uint64_t off, uint64_t *v)
{
	return word(t, off, t->ptr_size, v);
}

enum gopclntab_version gopclntab__version_of(const uint8_t *data, size_t size)
{
	uint32_t magic;

	if (size < 8 || data[4] || data[5] || (data[6] != 1 && data[6] != 2 && data[6] != 4) ||
	    (data[7] != 4 && data[7] != 8))
		return 0;
	magic = (uint32_t)read_le(data, 4);
	switch (magic) {
	case 0xfffffffb:
		return GOPCLNTAB_12;
	case 0xfffffffa:
		return GOPCLNTAB_116;
	case 0xfffffff0:
		return GOPCLNTAB_118;
	case 0xfffffff1:
		return GOPCLNTAB_120;
	default:
		return 0;
	}
}

/* Where a version's parts are: offsets of the names and of the function table. */
struct layout {
	uint64_t nfunc;
	uint64_t names;	  /* base of name offsets */
	uint64_t functab; /* the (entry, funcoff) pairs, then the end pc */
	uint64_t funcs;	  /* base of funcoff */
	unsigned field;	  /* bytes of one functab field */
	uint64_t text_start;
	unsigned flag_at; /* _func.flag's offset, 0: none */
};

static int read_layout(const struct table *t, enum gopclntab_version v, uint64_t text_start,
		       struct layout *l, const char **why)
{
	unsigned ps = t->ptr_size;
	bool ok;

	*why = "header truncated";
	memset(l, 0, sizeof(*l));
	ok = uptr(t, 8, &l->nfunc);
	switch (v) {
	case GOPCLNTAB_12:
		l->functab = 8 + ps;
		l->field = ps;
		break;
	case GOPCLNTAB_116:
		ok = ok && uptr(t, 8 + 2 * ps, &l->names) && uptr(t, 8 + 6 * ps, &l->functab);
		l->funcs = l->functab;
		l->field = ps;
		l->flag_at = ps + 37; /* Go 1.17's flag; Go 1.16's padding, 0 */
		break;
	case GOPCLNTAB_118:
	case GOPCLNTAB_120:
		ok = ok && uptr(t, 8 + 2 * ps, &l->text_start) && uptr(t, 8 + 3 * ps, &l->names) &&
		     uptr(t, 8 + 7 * ps, &l->functab);
		l->funcs = l->functab;
		l->field = 4;
		l->flag_at = v == GOPCLNTAB_118 ? 37 : 41;
		if (ok && !l->text_start)
			l->text_start = text_start;
		break;
	default:
		*why = "unknown version";
		return -EINVAL;
	}
	if (!ok)
		return -EINVAL;
	/* nfunc pairs and the end pc, all inside the table. */
	if (l->functab > t->size || l->nfunc > (t->size - l->functab) / (2 * (uint64_t)l->field)) {
		*why = "function table outside the section";
		return -EINVAL;
	}
	return 0;
}

/* Function i's entry (and the next one's, as its end): a pc in the address space. */
static bool functab_pc(const struct table *t, const struct layout *l, uint64_t i, uint64_t *pc)
{
	if (!word(t, l->functab + i * 2 * l->field, l->field, pc))
		return false;
	*pc += l->text_start;
	return true;
}

/* Function i from its functab pair and its _func record. */
static int read_func(const struct table *t, const struct layout *l, uint64_t i,
		     struct gopclntab_func *f, const char **why)
{
	uint64_t funcoff, rec, rec_entry, nameoff, name_at;
	unsigned entry_size = l->field; /* _func starts with the entry, as wide as the functab's */
	const uint8_t *name;

	*why = "function table truncated";
	if (!functab_pc(t, l, i, &f->entry) || !functab_pc(t, l, i + 1, &f->end) ||
	    !word(t, l->functab + (i * 2 + 1) * l->field, l->field, &funcoff))
		return -EINVAL;
	*why = "function record outside the section";
	if (funcoff > UINT64_MAX - l->funcs)
		return -EINVAL;
	rec = l->funcs + funcoff;
	if (!word(t, rec, entry_size, &rec_entry) || !word(t, rec + entry_size, 4, &nameoff) ||
	    (l->flag_at && !at(t, rec, l->flag_at + 1)))
		return -EINVAL;
	*why = "a function's record names another entry";
	if (rec_entry + l->text_start != f->entry)
		return -EINVAL;
	*why = "a function's name is outside the section";
	if (nameoff & 0x80000000u) /* nameoff is an int32 */
		return -EINVAL;
	name_at = l->names + nameoff;
	name = at(t, name_at, 1);
	if (!name || !memchr(name, '\0', t->size - name_at) || !*name)
		return -EINVAL;
	*why = "entries out of order";
	if (f->end < f->entry)
		return -EINVAL;
	f->name = (const char *)name;
	f->flag = l->flag_at ? t->data[rec + l->flag_at] : 0;
	return 0;
}

int gopclntab__parse(const uint8_t *data, size_t size, uint64_t text_start, struct gopclntab *out,
		     const char **why)
{
	enum gopclntab_version v = gopclntab__version_of(data, size);
	struct table t = { data, size, v ? data[7] : 8 };
	struct layout l;
	uint64_t i;
	int err;

	memset(out, 0, sizeof(*out));
	if (!v) {
		*why = "no Go function table header";
		return -EINVAL;
	}
	err = read_layout(&t, v, text_start, &l, why);
	if (err)
		return err;
	out->funcs = calloc(l.nfunc ? l.nfunc : 1, sizeof(*out->funcs));
	if (!out->funcs)
		return -ENOMEM;
	for (i = 0; i < l.nfunc; i++) {
		err = read_func(&t, &l, i, &out->funcs[i], why);
		if (err) {
			gopclntab__release(out);
			return err;
		}
	}
	out->version = v;
	out->text_start = l.text_start;
	out->nfuncs = l.nfunc;
	return 0;
}

void gopclntab__release(struct gopclntab *t)
{
	free(t->funcs);
	t->funcs = NULL;
	t->nfuncs = 0;
}
