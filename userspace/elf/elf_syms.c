/*
 * Function symbols of one ELF file and the file offsets uprobes need: its own
 * .symtab and .dynsym, then the other sources of sym_reader.h, merged into one
 * function per address under its best name.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_file.h"
#include "demangle.h"
#include "elf_syms.h"
#include "sym_reader.h"
#include "core/log.h"
#include "core/util.h"

struct elf_syms {
	char *path;
	struct elf_func *funcs; /* sorted by addr, one per address */
	size_t count;
	bool stripped;
	bool unwinds;
	bool go;
	bool go_tls_g;
	char *build_id;
	char *debug_file;
	struct elf_code_range *code;
	size_t ncode;
	struct unresolved_ifunc {
		char *name;
		const char *why; /* static */
	} *unresolved; /* IFUNCs without an implementation found, each name once */
	size_t nunresolved;
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

/* Where an x86-64 Go executable keeps g: at fs:-8. Linked by Go alone, it has no TLS
 * segment and the runtime points fs past its own slot (runtime.settls); linked by ld
 * (cgo), its TLS block is Go's 8-byte slot alone, which glibc puts right below fs. A
 * shared library's TLS is placed by ld.so, elsewhere. */
static bool tls_is_go_g_slot(Elf *elf, bool interp, const GElf_Phdr *tls)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		return false;
	if (!tls)
		return eh.e_type == ET_EXEC && !interp;
	return (eh.e_type == ET_EXEC || interp) && tls->p_memsz == 8 && tls->p_align <= 8;
}

static int read_exec_segments(struct symbols_reader *r)
{
	GElf_Phdr ph, tls;
	bool has_tls = false, interp = false;
	size_t i, n;

	if (elf_getphdrnum(r->elf, &n) != 0) {
		ferr("%s: cannot read program headers: %s", r->path, elf_errmsg(-1));
		return -EINVAL;
	}
	r->segs = calloc(n ? n : 1, sizeof(*r->segs));
	if (!r->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(r->elf, (int)i, &ph))
			continue;
		interp |= ph.p_type == PT_INTERP;
		if (ph.p_type == PT_TLS) {
			tls = ph;
			has_tls = true;
		}
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		r->segs[r->nsegs++] = (struct elf_code_range){ ph.p_vaddr, ph.p_filesz, ph.p_offset };
	}
	r->go_tls_g = tls_is_go_g_slot(r->elf, interp, has_tls ? &tls : NULL);
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
		err = sym_reader__add_symbol_table(r, r->elf, scn, &shdr,
						   shdr.sh_type == SHT_SYMTAB ? FUNC_SRC_SYMTAB
									      : FUNC_SRC_DYNSYM);
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

/* By address; within one address the preferred alias first: a symbol's name before
 * one made up for a nameless body, then by version, binding, length, text, source. */
static int compare_candidates(const void *pa, const void *pb)
{
	const struct symbol_candidate *a = pa, *b = pb;
	bool va = strchr(a->name, '@') != NULL, vb = strchr(b->name, '@') != NULL;
	bool ua = a->source == FUNC_SRC_EH_FRAME, ub = b->source == FUNC_SRC_EH_FRAME;
	size_t la = strlen(a->name), lb = strlen(b->name);
	int by_text;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (ua != ub)
		return ua ? 1 : -1;
	if (va != vb)
		return va ? 1 : -1;
	if (bind_rank(a->bind) != bind_rank(b->bind))
		return bind_rank(a->bind) - bind_rank(b->bind);
	if (la != lb)
		return la < lb ? -1 : 1;
	by_text = strcmp(a->name, b->name);
	if (by_text)
		return by_text;
	return (int)a->source - (int)b->source;
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
		/* a made-up sub_ADDR name is no alias of a real one: `-f 'sub_*'` picks nameless bodies */
		bool seen = strcmp(cands[i].name, f->name) == 0 || cands[i].source == FUNC_SRC_EH_FRAME;

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
		if (!sym_reader__file_offset(r, best->addr, &offset)) {
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
		f->source = best->source;
		err = collect_aliases(r->cands, first, i, f);
		if (!err && demangle__symbol(f->name, &f->signature, &f->pretty))
			err = -ENOMEM;
		if (err)
			return err;
	}
	return 0;
}

/* The IFUNCs ifunc.c found no implementation for, each name once: for -f naming one. */
static int keep_unresolved_ifuncs(const struct symbols_reader *r, struct elf_syms *s)
{
	size_t i, k;

	for (i = 0; i < r->nifuncs; i++) {
		const struct ifunc_symbol *f = &r->ifuncs[i];
		bool seen = !f->unresolved;

		for (k = 0; k < s->nunresolved && !seen; k++)
			seen = !strcmp(s->unresolved[k].name, f->name);
		if (seen)
			continue;
		if (!s->unresolved && !(s->unresolved = calloc(r->nifuncs, sizeof(*s->unresolved))))
			return -ENOMEM;
		s->unresolved[s->nunresolved].why = f->unresolved;
		if (!(s->unresolved[s->nunresolved].name = strdup(f->name)))
			return -ENOMEM;
		s->nunresolved++;
	}
	return 0;
}

/* The sources after the file's own symbol tables (sym_reader.h), best names first. */
static int add_other_sources(struct symbols_reader *r)
{
	int err = debug_file__add_symbols(r);

	if (!err)
		err = ifunc__add_implementations(r);
	if (!err)
		err = gopclntab__add_functions(r);
	if (!err)
		err = eh_frame__add_functions(r);
	return err;
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
	if (!err)
		err = add_other_sources(&r);
	if (err)
		goto cleanup;
	if (r.ncands > 0) /* no symbols at all (a stripped static binary): cands is NULL */
		qsort(r.cands, r.ncands, sizeof(*r.cands), compare_candidates);
	err = build_functions(&r, s);
	if (!err)
		err = keep_unresolved_ifuncs(&r, s);
	if (err)
		goto cleanup;
	s->stripped = !r.has_symtab;
	s->unwinds = r.unwinds;
	s->go = r.go;
	s->go_tls_g = r.go && r.go_tls_g;
	s->build_id = r.build_id;
	s->debug_file = r.names_from;
	s->code = r.segs;
	s->ncode = r.nsegs;
	r.segs = NULL;
	r.build_id = r.names_from = NULL;
	*out = s;
	s = NULL;
cleanup:
	if (err == -ENOMEM)
		ferr("%s: out of memory reading symbols", path);
	elf_syms__free(s);
	symbols_reader__release(&r);
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

const struct elf_func *elf_syms__containing(const struct elf_syms *s, uint64_t vaddr)
{
	size_t lo = 0, hi = s ? s->count : 0, mid;

	while (lo < hi) { /* the first function above vaddr */
		mid = lo + (hi - lo) / 2;
		if (s->funcs[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || vaddr >= s->funcs[lo - 1].addr + s->funcs[lo - 1].size)
		return NULL;
	return &s->funcs[lo - 1];
}

bool elf_syms__unwinds(const struct elf_syms *s)
{
	return s && s->unwinds;
}

bool elf_syms__is_go(const struct elf_syms *s)
{
	return s && s->go;
}

bool elf_syms__go_tls_g(const struct elf_syms *s)
{
	return s && s->go_tls_g;
}

bool elf_syms__is_stripped(const struct elf_syms *s)
{
	return s && s->stripped;
}

const char *elf_syms__path(const struct elf_syms *s)
{
	return s ? s->path : NULL;
}

const char *elf_syms__build_id(const struct elf_syms *s)
{
	return s ? s->build_id : NULL;
}

const struct elf_code_range *elf_syms__code(const struct elf_syms *s, size_t *n)
{
	*n = s ? s->ncode : 0;
	return s ? s->code : NULL;
}

const char *elf_syms__debug_file(const struct elf_syms *s)
{
	return s ? s->debug_file : NULL;
}

const char *elf_syms__unresolved_ifunc(const struct elf_syms *s, size_t i, const char **why)
{
	if (!s || i >= s->nunresolved)
		return NULL;
	*why = s->unresolved[i].why;
	return s->unresolved[i].name;
}

void elf_syms__count_sources(const struct elf_syms *s, size_t counts[FUNC_SOURCE_COUNT])
{
	size_t i;

	memset(counts, 0, FUNC_SOURCE_COUNT * sizeof(*counts));
	for (i = 0; s && i < s->count; i++)
		counts[s->funcs[i].source]++;
}

const char *func_source__name(enum func_source source)
{
	static const char *const names[FUNC_SOURCE_COUNT] = {
		[FUNC_SRC_SYMTAB] = "symtab",	  [FUNC_SRC_DYNSYM] = "dynsym",
		[FUNC_SRC_DEBUG_FILE] = "debug file", [FUNC_SRC_IFUNC] = "ifunc",
		[FUNC_SRC_GOPCLNTAB] = "gopclntab", [FUNC_SRC_EH_FRAME] = "eh_frame",
	};

	return (unsigned)source < FUNC_SOURCE_COUNT ? names[source] : "?";
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
	for (i = 0; i < s->nunresolved; i++)
		free(s->unresolved[i].name);
	free(s->unresolved);
	free(s->funcs);
	free(s->path);
	free(s->build_id);
	free(s->code);
	free(s->debug_file);
	free(s);
}
