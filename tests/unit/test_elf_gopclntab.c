/*
 * Go's function table: a stripped Go build's functions (names from .gopclntab only) are
 * the unstripped build's .symtab functions, name for name and address for address; a
 * c-shared library's table is found inside .data.rel.ro; each header version parses;
 * a damaged table gives one warning and no names, at any length and any corruption.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"
#include "elf/elf_syms.h"
#include "elf/gopclntab.h"
#include "elf_testlib.h"

static struct elf_syms *open_syms(const char *path)
{
	struct elf_syms *s = NULL;

	EXPECT_EQ(elf_syms__open(path, &s), 0);
	return s;
}

static const struct elf_func *function_at(const struct elf_syms *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < elf_syms__count(s); i++)
		if (elf_syms__get(s, i)->addr == addr)
			return elf_syms__get(s, i);
	return NULL;
}

/* Names the same function: the table shortens array types to "[...]" (type..eq.[...]T for
 * .symtab's type..eq.[5]T) and names assembly (ABI0) functions without .symtab's ".abi0". */
static bool same_name(const char *table_name, const char *symtab_name)
{
	const char *a = table_name, *b = symtab_name;

	while (*a && *b) {
		if (!strncmp(a, "[...]", 5) && *b == '[') {
			a += 5;
			b += strspn(b + 1, "0123456789") + 1;
			if (*b++ != ']')
				return false;
		} else if (*a++ != *b++) {
			return false;
		}
	}
	return *a == *b || (!*a && !strcmp(b, ".abi0"));
}

/* One of g's names is f's. */
static bool names_match(const struct elf_func *f, const struct elf_func *g, bool f_from_table)
{
	size_t k;

	if (f_from_table ? same_name(f->name, g->name) : same_name(g->name, f->name))
		return true;
	for (k = 0; k < g->naliases; k++)
		if (f_from_table ? same_name(f->name, g->aliases[k]) : same_name(g->aliases[k], f->name))
			return true;
	return false;
}

/* Every function of `from` with a name of `source` is in `in` at the same address, under
 * the same name. */
static size_t check_same_functions(const struct elf_syms *from, enum func_source source,
				   const struct elf_syms *in)
{
	size_t i, n = 0, missing = 0;

	for (i = 0; i < elf_syms__count(from); i++) {
		const struct elf_func *f = elf_syms__get(from, i), *g;

		if (f->source != source || f->size == 0) /* runtime.text and the like: markers */
			continue;
		n++;
		g = function_at(in, f->addr);
		if (!g || !names_match(f, g, source == FUNC_SRC_GOPCLNTAB)) {
			if (missing++ < 5)
				printf("    %s at 0x%llx: %s\n", f->name, (unsigned long long)f->addr,
				       g ? g->name : "missing");
		}
	}
	EXPECT_EQ(missing, 0);
	return n;
}

static void expect_named(const struct elf_syms *s, const char *name, enum func_source source)
{
	const struct elf_func *f = elf_syms__find(s, name);

	EXPECT(f != NULL);
	if (f)
		EXPECT_STR(func_source__name(f->source), func_source__name(source));
}

static void test_stripped_matches_symtab(void)
{
	struct elf_syms *full = open_syms(prog("go_calls"));
	struct elf_syms *bare = open_syms(prog("go_calls_stripped"));
	size_t counts[FUNC_SOURCE_COUNT], from_table, from_symtab;

	EXPECT(elf_syms__is_stripped(bare));
	elf_syms__count_sources(bare, counts);
	EXPECT(counts[FUNC_SRC_GOPCLNTAB] > 1000);
	EXPECT_EQ(counts[FUNC_SRC_GOPCLNTAB], elf_syms__count(bare)); /* every name from the table */
	from_table = check_same_functions(bare, FUNC_SRC_GOPCLNTAB, full);
	from_symtab = check_same_functions(full, FUNC_SRC_SYMTAB, bare);
	EXPECT_EQ(from_table, from_symtab);
	expect_named(bare, "main.deep", FUNC_SRC_GOPCLNTAB);
	expect_named(bare, "runtime.mallocgc", FUNC_SRC_GOPCLNTAB);
	expect_named(bare, "runtime.(*mheap).alloc", FUNC_SRC_GOPCLNTAB);
	expect_named(full, "main.deep", FUNC_SRC_SYMTAB); /* .symtab's names first */
	/* Sizes reach the next function: a whole body, for decoding it. */
	EXPECT(elf_syms__find(bare, "main.deep")->size >= elf_syms__find(full, "main.deep")->size);
	elf_syms__free(full);
	elf_syms__free(bare);
}

/* A temporary copy of a file made by `cmd` (a printf format taking source and copy). */
static const char *temp_copy(const char *fmt, const char *src)
{
	static char path[64];
	char cmd[PATH_MAX * 2 + 64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ferret-test-gopcln-XXXXXX");
	fd = mkstemp(path);
	EXPECT(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), fmt, src, path);
	EXPECT_EQ(system(cmd), 0);
	return path;
}

static void test_c_shared_in_data_rel_ro(void)
{
	struct elf_syms *full = open_syms(prog("libgocalls.so"));
	const char *copy = temp_copy("strip -o %2$s %1$s", prog("libgocalls.so"));
	struct elf_syms *bare = open_syms(copy);
	const struct elf_func *a = elf_syms__find(full, "runtime.mallocgc");
	const struct elf_func *b = elf_syms__find(bare, "runtime.mallocgc");

	EXPECT(a && b && a->addr == b->addr);
	if (b)
		EXPECT_EQ(b->source, FUNC_SRC_GOPCLNTAB);
	expect_named(bare, "GoSum", FUNC_SRC_DYNSYM); /* exported: .dynsym's name kept */
	check_same_functions(bare, FUNC_SRC_GOPCLNTAB, full);
	unlink(copy);
	elf_syms__free(full);
	elf_syms__free(bare);
}

/* ---- synthetic tables of each version ---- */

struct blob {
	uint8_t b[1024];
	size_t n;
};

static void put(struct blob *t, size_t at, uint64_t v, unsigned size)
{
	unsigned i;

	for (i = 0; i < size; i++)
		t->b[at + i] = (uint8_t)(v >> (8 * i));
	if (at + size > t->n)
		t->n = at + size;
}

/* Two functions, "main.a" at text+0x10 (0x20 long) and "main.(*T).b" at text+0x30 (to
 * text+0x58), the second flagged ASM; as the linker of `v` lays them out. */
static void make_table(enum gopclntab_version v, struct blob *t)
{
	static const uint32_t magic[] = { 0, 0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1 };
	static const char names[] = "main.a\0main.(*T).b";
	const uint64_t text = 0x401000, offs[] = { 0x10, 0x30, 0x58 };
	bool rel = v >= GOPCLNTAB_118; /* 32-bit offsets from textStart */
	unsigned field = rel ? 4 : 8, flag_at = v == GOPCLNTAB_120 ? 41 : 45, i;
	size_t names_at = 0x60, functab = 0x80, rec0 = 0x40, rec_size = 48;
	size_t base = v == GOPCLNTAB_12 ? 0 : functab; /* funcoff counts from here */

	memset(t, 0, sizeof(*t));
	put(t, 0, magic[v], 4);
	t->b[6] = 1;
	t->b[7] = 8;
	put(t, 8, 2, 8); /* nfunc */
	if (v == GOPCLNTAB_12) {
		functab = 16;
		names_at = 0x200; /* name offsets count from the table's start */
	} else if (v == GOPCLNTAB_116) {
		put(t, 8 + 2 * 8, names_at, 8);
		put(t, 8 + 6 * 8, functab, 8);
		flag_at = 8 + 37;
	} else {
		put(t, 8 + 2 * 8, text, 8);
		put(t, 8 + 3 * 8, names_at, 8);
		put(t, 8 + 7 * 8, functab, 8);
		flag_at = v == GOPCLNTAB_118 ? 37 : 41;
	}
	memcpy(t->b + names_at, names, sizeof(names));
	t->n = names_at + sizeof(names) > t->n ? names_at + sizeof(names) : t->n;
	for (i = 0; i < 3; i++)
		put(t, functab + 2 * i * field, rel ? offs[i] : text + offs[i], field);
	for (i = 0; i < 2; i++) {
		size_t rec = base + rec0 + i * rec_size;

		put(t, functab + (2 * i + 1) * field, rec0 + i * rec_size, field);
		put(t, rec, rel ? offs[i] : text + offs[i], field);
		put(t, rec + field, (v == GOPCLNTAB_12 ? names_at : 0) + (i ? 7 : 0), 4); /* nameoff */
		put(t, rec + flag_at, i ? GOPCLNTAB_FLAG_ASM : 0, 1);
	}
}

static void test_each_version(void)
{
	enum gopclntab_version v;
	struct gopclntab t;
	struct blob b;
	const char *why;

	for (v = GOPCLNTAB_12; v <= GOPCLNTAB_120; v++) {
		make_table(v, &b);
		EXPECT_EQ(gopclntab__version_of(b.b, b.n), v);
		EXPECT_EQ(gopclntab__parse(b.b, b.n, 0, &t, &why), 0);
		EXPECT_EQ(t.nfuncs, 2);
		if (t.nfuncs != 2)
			continue;
		EXPECT_STR(t.funcs[0].name, "main.a");
		EXPECT_STR(t.funcs[1].name, "main.(*T).b");
		EXPECT_EQ(t.funcs[0].entry, 0x401010);
		EXPECT_EQ(t.funcs[0].end, 0x401030);
		EXPECT_EQ(t.funcs[1].entry, 0x401030);
		EXPECT_EQ(t.funcs[1].end, 0x401058);
		/* Go 1.2's records carry no flag the parser reads. */
		EXPECT_EQ(t.funcs[1].flag, v == GOPCLNTAB_12 ? 0 : GOPCLNTAB_FLAG_ASM);
		EXPECT_EQ(t.funcs[0].flag, 0);
		gopclntab__release(&t);
	}
}

/* Every truncation and every single-byte change: a whole table or -EINVAL, never a read
 * outside the bytes (ASan builds check that), never a name that is not NUL-terminated. */
static void test_damaged_tables(void)
{
	enum gopclntab_version v;
	struct gopclntab t;
	struct blob b;
	const char *why;
	size_t n, i;

	for (v = GOPCLNTAB_12; v <= GOPCLNTAB_120; v++) {
		make_table(v, &b);
		for (n = 0; n < b.n; n++) {
			uint8_t *cut = malloc(n ? n : 1);

			memcpy(cut, b.b, n);
			EXPECT_EQ(gopclntab__parse(cut, n, 0, &t, &why), -EINVAL);
			free(cut);
		}
		for (i = 0; i < b.n; i++) {
			struct blob bad = b;
			int err;

			bad.b[i] ^= 0xa5;
			err = gopclntab__parse(bad.b, bad.n, 0, &t, &why);
			EXPECT(err == 0 || err == -EINVAL);
			for (n = 0; !err && n < t.nfuncs; n++)
				EXPECT(strlen(t.funcs[n].name) < bad.n);
			if (!err)
				gopclntab__release(&t);
		}
	}
}

/* A file whose .gopclntab says it holds more functions than fit: one warning, no names. */
static void test_damaged_section(void)
{
	char cmd[PATH_MAX * 2 + 256];
	const char *copy = temp_copy("cp %s %s", prog("go_calls_stripped"));
	size_t counts[FUNC_SOURCE_COUNT];
	struct elf_syms *s = NULL;
	const char *warning;

	snprintf(cmd, sizeof(cmd),
		 "off=$(readelf -SW %s | sed -n 's/.* \\.gopclntab *PROGBITS *[0-9a-f]* \\([0-9a-f]*\\) .*/\\1/p'); "
		 "printf '\\377\\377\\377\\377' | dd of=%s bs=1 seek=$((0x$off + 12)) conv=notrunc "
		 "status=none",
		 copy, copy);
	EXPECT_EQ(system(cmd), 0);
	capture_begin();
	EXPECT_EQ(elf_syms__open(copy, &s), 0);
	warning = capture_end();
	EXPECT(strstr(warning, ".gopclntab is damaged (function table outside the section): "
			       "no names from it\n") != NULL);
	EXPECT(strchr(warning, '\n') == warning + strlen(warning) - 1);
	elf_syms__count_sources(s, counts);
	EXPECT_EQ(counts[FUNC_SRC_GOPCLNTAB], 0);
	elf_syms__free(s);
	unlink(copy);
}

int main(void)
{
	RUN(test_stripped_matches_symtab);
	RUN(test_c_shared_in_data_rel_ro);
	RUN(test_each_version);
	RUN(test_damaged_tables);
	RUN(test_damaged_section);
	CHECK_EXIT();
}
