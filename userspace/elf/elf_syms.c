/*
 * Function symbols of one ELF file and the file offsets uprobes need.
 *
 * A uprobe is placed at a file offset, not an address: offset = st_value -
 * p_vaddr + p_offset of the executable PT_LOAD segment holding the symbol. That
 * one formula is right for PIE (p_vaddr usually == p_offset), non-PIE ET_EXEC
 * (p_vaddr based at 0x400000) and shared libraries alike.
 */
#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_file.h"
#include "demangle.h"
#include "elf_syms.h"
#include "core/log.h"
#include "core/util.h"

struct elf_syms {
	char *path;
	struct elf_func *funcs; /* sorted by addr, one per address */
	size_t count;
	bool stripped;
	bool unwinds;
	bool go;
};

/* A FUNC symbol as read, before aliases are merged. */
struct symbol_candidate {
	const char *name; /* points into libelf's string table: valid until elf_end */
	uint64_t addr, size;
	int bind;
};

struct exec_segment {
	uint64_t vaddr, filesz, offset;
};

struct symbols_reader {
	const char *path;
	Elf *elf;
	struct exec_segment *segs;
	size_t nsegs;
	struct symbol_candidate *cands;
	size_t ncands, cap;
	bool has_symtab;
	bool unwinds; /* it names the unwinder's entry: it throws C++ exceptions or Rust panics */
	bool go;      /* it holds the Go runtime */
};

static int open_elf(const char *path, int *fd_out, Elf **elf_out)
{
	GElf_Ehdr ehdr;
	int err = elf_file__open(path, false, fd_out, elf_out, &ehdr);

	if (err)
		return err;
	if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
		ferr("%s: not an executable or shared library (ELF type %d)", path, ehdr.e_type);
		elf_file__close(*fd_out, *elf_out);
		return -ENOEXEC;
	}
	return 0;
}

static int read_exec_segments(struct symbols_reader *r)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(r->elf, &n) != 0) {
		ferr("%s: cannot read program headers: %s", r->path, elf_errmsg(-1));
		return -EINVAL;
	}
	r->segs = calloc(n ? n : 1, sizeof(*r->segs));
	if (!r->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(r->elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		r->segs[r->nsegs++] = (struct exec_segment){ ph.p_vaddr, ph.p_filesz, ph.p_offset };
	}
	return 0;
}

static int add_candidate(struct symbols_reader *r, const char *name, const GElf_Sym *sym)
{
	if (grow_array((void **)&r->cands, &r->cap, r->ncands + 1, sizeof(*r->cands)))
		return -ENOMEM;
	r->cands[r->ncands++] = (struct symbol_candidate){ name, sym->st_value, sym->st_size,
							   GELF_ST_BIND(sym->st_info) };
	return 0;
}

/* Defined functions only: imports (SHN_UNDEF) have no code here, and IFUNC
 * symbols name a resolver that runs once at load time, not the function. */
static bool is_defined_func(const GElf_Sym *sym)
{
	return GELF_ST_TYPE(sym->st_info) == STT_FUNC && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < SHN_LORESERVE && sym->st_value != 0;
}

/* GCC moves a function's unlikely paths to "NAME.cold" (clang: "NAME.cold.N"), typed
 * FUNC but entered by a jump, never called: a return probe there would overwrite
 * whatever lies at the stack pointer, which is not a return address. */
static bool is_cold_fragment(const char *name)
{
	const char *cold = strstr(name, ".cold");

	if (!cold)
		return false;
	cold += 5;
	if (*cold == '.')
		while (isdigit((unsigned char)*++cold))
			;
	return *cold == '\0';
}

static int read_symbol_table(struct symbols_reader *r, Elf_Scn *scn, const GElf_Shdr *shdr)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;
	GElf_Sym sym;
	int err;

	if (!data || shdr->sh_entsize == 0)
		return 0;
	n = shdr->sh_size / shdr->sh_entsize;
	for (i = 0; i < n; i++) {
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		name = elf_strptr(r->elf, shdr->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		r->unwinds |= !strcmp(name, "_Unwind_RaiseException") || !strcmp(name, "__cxa_throw");
		if (!is_defined_func(&sym) || is_cold_fragment(name))
			continue;
		err = add_candidate(r, name, &sym);
		if (err)
			return err;
	}
	return 0;
}

/* Sections the Go linker writes into the executables and shared libraries it builds:
 * the build info (Go >= 1.13, what debug/buildinfo reads), the pc-line table (folded
 * into .data.rel.ro by external linking, as for c-shared) and the build id note.
 * strip keeps them all. */
static bool is_go_section(const char *name)
{
	return name && (!strcmp(name, ".go.buildinfo") || !strcmp(name, ".gopclntab") ||
			!strcmp(name, ".note.go.buildid"));
}

static int read_symbols(struct symbols_reader *r)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	size_t shstrndx;
	int err;

	if (elf_getshdrstrndx(r->elf, &shstrndx) != 0)
		shstrndx = SHN_UNDEF;
	while ((scn = elf_nextscn(r->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			continue;
		if (shstrndx != SHN_UNDEF)
			r->go |= is_go_section(elf_strptr(r->elf, shstrndx, shdr.sh_name));
		if (shdr.sh_type != SHT_SYMTAB && shdr.sh_type != SHT_DYNSYM)
			continue;
		if (shdr.sh_type == SHT_SYMTAB)
			r->has_symtab = true;
		err = read_symbol_table(r, scn, &shdr);
		if (err)
			return err;
	}
	return 0;
}

/* Lower is preferred: exported (GLOBAL or WEAK) before LOCAL. WEAK is not ranked
 * below GLOBAL: glibc exports getpid as a weak alias of a global __getpid. */
static int bind_rank(int bind)
{
	return bind == STB_GLOBAL || bind == STB_WEAK ? 0 : 1;
}

/* By address; within one address the preferred alias first. */
static int compare_candidates(const void *pa, const void *pb)
{
	const struct symbol_candidate *a = pa, *b = pb;
	bool va = strchr(a->name, '@') != NULL, vb = strchr(b->name, '@') != NULL;
	size_t la = strlen(a->name), lb = strlen(b->name);

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (va != vb)
		return va ? 1 : -1;
	if (bind_rank(a->bind) != bind_rank(b->bind))
		return bind_rank(a->bind) - bind_rank(b->bind);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static bool file_offset(const struct symbols_reader *r, uint64_t addr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < r->nsegs; i++) {
		const struct exec_segment *seg = &r->segs[i];

		if (addr >= seg->vaddr && addr < seg->vaddr + seg->filesz) {
			*offset = addr - seg->vaddr + seg->offset;
			return true;
		}
	}
	return false;
}

/* The names of cands[first..end) other than the chosen first one, each once
 * (.symtab and .dynsym usually both hold a name). */
static int collect_aliases(const struct symbol_candidate *cands, size_t first, size_t end,
			   struct elf_func *f)
{
	size_t i, k;

	if (end - first < 2)
		return 0;
	f->aliases = calloc(end - first - 1, sizeof(*f->aliases));
	if (!f->aliases)
		return -ENOMEM;
	for (i = first + 1; i < end; i++) {
		bool seen = strcmp(cands[i].name, f->name) == 0;

		for (k = 0; k < f->naliases && !seen; k++)
			seen = strcmp(cands[i].name, f->aliases[k]) == 0;
		if (seen)
			continue;
		f->aliases[f->naliases] = strdup(cands[i].name);
		if (!f->aliases[f->naliases])
			return -ENOMEM;
		f->naliases++;
	}
	return 0;
}

/* Merges aliases (candidates are sorted) into s->funcs. */
static int build_functions(const struct symbols_reader *r, struct elf_syms *s)
{
	size_t i = 0, first;
	int err;

	s->funcs = calloc(r->ncands ? r->ncands : 1, sizeof(*s->funcs));
	if (!s->funcs)
		return -ENOMEM;
	while (i < r->ncands) {
		const struct symbol_candidate *best = &r->cands[i];
		uint64_t size = 0, offset;
		struct elf_func *f;

		for (first = i; i < r->ncands && r->cands[i].addr == best->addr; i++)
			size = r->cands[i].size > size ? r->cands[i].size : size;
		if (!file_offset(r, best->addr, &offset)) {
			fdebug("%s: %s at 0x%llx is outside any executable segment, skipped", r->path,
			       best->name, (unsigned long long)best->addr);
			continue;
		}
		f = &s->funcs[s->count++]; /* counted first: elf_syms__free frees a partial entry */
		f->name = strdup(best->name);
		if (!f->name)
			return -ENOMEM;
		f->addr = best->addr;
		f->offset = offset;
		f->size = size;
		err = collect_aliases(r->cands, first, i, f);
		if (!err && demangle__symbol(f->name, &f->signature, &f->pretty))
			err = -ENOMEM;
		if (err)
			return err;
	}
	return 0;
}

int elf_syms__open(const char *path, struct elf_syms **out)
{
	struct symbols_reader r = { .path = path };
	struct elf_syms *s = NULL;
	int fd = -1, err;

	*out = NULL;
	err = open_elf(path, &fd, &r.elf);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = read_exec_segments(&r);
	if (!err)
		err = read_symbols(&r);
	if (err)
		goto cleanup;
	if (r.ncands > 0) /* no symbols at all (a stripped static binary): cands is NULL */
		qsort(r.cands, r.ncands, sizeof(*r.cands), compare_candidates);
	err = build_functions(&r, s);
	if (err)
		goto cleanup;
	s->stripped = !r.has_symtab;
	s->unwinds = r.unwinds;
	s->go = r.go;
	*out = s;
	s = NULL;
cleanup:
	if (err == -ENOMEM)
		ferr("%s: out of memory reading symbols", path);
	elf_syms__free(s);
	free(r.cands);
	free(r.segs);
	elf_file__close(fd, r.elf);
	return err;
}

size_t elf_syms__count(const struct elf_syms *s)
{
	return s ? s->count : 0;
}

const struct elf_func *elf_syms__get(const struct elf_syms *s, size_t i)
{
	return s && i < s->count ? &s->funcs[i] : NULL;
}

const struct elf_func *elf_syms__find(const struct elf_syms *s, const char *name)
{
	size_t i, k;

	for (i = 0; s && i < s->count; i++) {
		if (strcmp(s->funcs[i].name, name) == 0 ||
		    (s->funcs[i].pretty && strcmp(s->funcs[i].pretty, name) == 0))
			return &s->funcs[i];
		for (k = 0; k < s->funcs[i].naliases; k++)
			if (strcmp(s->funcs[i].aliases[k], name) == 0)
				return &s->funcs[i];
	}
	return NULL;
}

bool elf_syms__unwinds(const struct elf_syms *s)
{
	return s && s->unwinds;
}

bool elf_syms__is_go(const struct elf_syms *s)
{
	return s && s->go;
}

bool elf_syms__is_stripped(const struct elf_syms *s)
{
	return s && s->stripped;
}

const char *elf_syms__path(const struct elf_syms *s)
{
	return s ? s->path : NULL;
}

void elf_syms__free(struct elf_syms *s)
{
	size_t i, k;

	if (!s)
		return;
	for (i = 0; i < s->count; i++) {
		for (k = 0; k < s->funcs[i].naliases; k++)
			free(s->funcs[i].aliases[k]);
		free(s->funcs[i].aliases);
		free(s->funcs[i].name);
		free(s->funcs[i].pretty);
		free(s->funcs[i].signature);
	}
	free(s->funcs);
	free(s->path);
	free(s);
}
