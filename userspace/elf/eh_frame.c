/*
 * Functions without a name, from .eh_frame (a source of sym_reader.h): each FDE that
 * starts a function becomes "sub_ADDR" (ADDR: its virtual address in lowercase hex, as
 * objdump shows it), sized by the FDE's address range. Any symbol at the same address
 * names it instead (elf_syms.c).
 *
 * An FDE also describes code that is no function entry, where a return probe would take
 * a stack slot for a return address: GCC's NAME.cold fragments (jumped to inside their
 * parent's frame), PLT stubs, _start. libdw computes the frame at the FDE's first address
 * and only the frame a call instruction leaves counts: on x86-64, CFA = rsp + 8 with the
 * return address at CFA - 8. A .cold fragment starts with its parent's CFA offset, the
 * PLT's FDEs use a CFA expression, _start marks the return address undefined. A fragment
 * jumped to before its parent moved the stack pointer looks like an entry; it is skipped
 * when a symbol table names it NAME.cold or when it lies inside a named function (as the
 * error paths of glibc's hand-written clone and setcontext do), else it is listed (its
 * return probe then sees its parent's return: one extra span, never a broken stack).
 *
 * Also skipped: the PLT and .init/.fini sections, and an executable's C runtime startup
 * code: crt1.o's _start at the entry point, then crtbegin.o (deregister_tm_clones,
 * register_tm_clones, __do_global_dtors_aux, frame_dummy), which the linker places right
 * after it, before the program's own code (that of .text.startup, .text.hot and
 * .text.unlikely goes before _start). crtbegin.o's end is known by what it registers:
 * frame_dummy in .init_array, __do_global_dtors_aux in .fini_array, the lowest entries
 * after the entry point. Debian's crtbegin.o has no FDEs; other toolchains' may.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eh_frame_decode.h"
#include "sym_reader.h"
#include "core/log.h"
#include "core/util.h"

#define X86_64_RSP 7	      /* DWARF register number */
#define STARTUP_MAX_BYTES 1024 /* crt1.o + crti.o + crtbegin.o code: a few small functions */
#define NAME_CAP 24	      /* "sub_" + 16 hex digits + NUL */
#define MAX_SKIPPED 16

struct addr_range {
	uint64_t start, end; /* [start, end) */
};

struct eh_scan {
	struct symbols_reader *r;
	const unsigned char *ident;
	Elf_Data *data; /* .eh_frame */
	uint64_t vaddr; /* of .eh_frame */
	struct addr_range skipped[MAX_SKIPPED]; /* sections and startup code that hold no function */
	size_t nskipped;
	struct cie_info *cies; /* by offset: read in section order */
	size_t ncies, cies_cap;
	struct addr_range *fdes; /* candidate starts, before the frame check */
	size_t nfdes, fdes_cap;
	size_t seen, fragments; /* FDEs read; FDEs whose first frame is not a call's (-v) */
	struct addr_range *named; /* the symbols' functions by start, end = the highest end so far */
	size_t nnamed;
	size_t damaged; /* entries that could not be read */
};

static int compare_cie_offsets(const void *key, const void *elem)
{
	Dwarf_Off k = *(const Dwarf_Off *)key, o = ((const struct cie_info *)elem)->offset;

	return k < o ? -1 : k > o;
}

static int remember_cie(struct eh_scan *sc, Dwarf_Off offset, const Dwarf_CIE *cie)
{
	if (grow_array((void **)&sc->cies, &sc->cies_cap, sc->ncies + 1, sizeof(*sc->cies)))
		return -ENOMEM;
	eh_decode__cie(cie, &sc->cies[sc->ncies]);
	sc->cies[sc->ncies++].offset = offset;
	return 0;
}

/* The CIE at `offset`, read into *info; false: none readable there. */
static bool find_cie(struct eh_scan *sc, Dwarf_Off offset, struct cie_info *info)
{
	const struct cie_info *known =
		sc->ncies ? bsearch(&offset, sc->cies, sc->ncies, sizeof(*sc->cies),
				    compare_cie_offsets)
			  : NULL;
	Dwarf_CFI_Entry entry;
	Dwarf_Off next;

	if (known) {
		*info = *known;
		return info->readable;
	}
	/* a CIE after its FDE: legal, never seen from GCC or clang */
	if (dwarf_next_cfi(sc->ident, sc->data, true, offset, &next, &entry) != 0 ||
	    !dwarf_cfi_cie_p(&entry))
		return false;
	eh_decode__cie(&entry.cie, info);
	return info->readable;
}

static bool in_skipped(const struct eh_scan *sc, uint64_t addr)
{
	size_t i;

	for (i = 0; i < sc->nskipped; i++)
		if (addr >= sc->skipped[i].start && addr < sc->skipped[i].end)
			return true;
	return false;
}

static int compare_addrs(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The functions symbols named, for inside_named: by start, each end raised to the
 * highest end before it, so that the last range starting below an address says
 * whether any covers it. */
static int read_named_ranges(struct eh_scan *sc)
{
	size_t i;

	sc->named = malloc((sc->r->ncands ? sc->r->ncands : 1) * sizeof(*sc->named));
	if (!sc->named)
		return -ENOMEM;
	for (i = 0; i < sc->r->ncands; i++) {
		const struct symbol_candidate *c = &sc->r->cands[i];

		if (c->size > 0 && c->addr + c->size > c->addr)
			sc->named[sc->nnamed++] = (struct addr_range){ c->addr, c->addr + c->size };
	}
	qsort(sc->named, sc->nnamed, sizeof(*sc->named), compare_addrs); /* by start: first field */
	for (i = 1; i < sc->nnamed; i++)
		if (sc->named[i].end < sc->named[i - 1].end)
			sc->named[i].end = sc->named[i - 1].end;
	return 0;
}

/* addr is past the start of a function a symbol names, before its end. */
static bool inside_named(const struct eh_scan *sc, uint64_t addr)
{
	size_t lo = 0, hi = sc->nnamed;

	while (lo < hi) { /* the first range starting at or after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (sc->named[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && sc->named[lo - 1].end > addr;
}

static int add_fde(struct eh_scan *sc, const Dwarf_FDE *fde)
{
	uint64_t field = sc->vaddr + (uint64_t)(fde->start - (const uint8_t *)sc->data->d_buf);
	uint64_t start, size, offset;
	struct cie_info cie;

	sc->seen++;
	if (!find_cie(sc, fde->CIE_pointer, &cie) ||
	    !eh_decode__fde(fde, &cie, field, &start, &size)) {
		sc->damaged++;
		return 0;
	}
	if (size == 0 || !sym_reader__file_offset(sc->r, start, &offset) || in_skipped(sc, start) ||
	    inside_named(sc, start) ||
	    (sc->r->ncold &&
	     bsearch(&start, sc->r->cold, sc->r->ncold, sizeof(*sc->r->cold), compare_addrs)))
		return 0;
	if (grow_array((void **)&sc->fdes, &sc->fdes_cap, sc->nfdes + 1, sizeof(*sc->fdes)))
		return -ENOMEM;
	sc->fdes[sc->nfdes++] = (struct addr_range){ start, start + size };
	return 0;
}

/* Every FDE of .eh_frame into sc->fdes, unless it starts where no function can. */
static int read_fdes(struct eh_scan *sc)
{
	Dwarf_Off offset = 0, next;
	Dwarf_CFI_Entry entry;
	int rc, err = 0;

	while (!err) {
		next = offset;
		rc = dwarf_next_cfi(sc->ident, sc->data, true, offset, &next, &entry);
		if (rc == 1)
			break;
		if (rc != 0) {
			sc->damaged++;
			if (next == (Dwarf_Off)-1 || next <= offset)
				break; /* nothing after it can be found */
		} else if (dwarf_cfi_cie_p(&entry))
			err = remember_cie(sc, offset, &entry.cie);
		else
			err = add_fde(sc, &entry.fde);
		offset = next;
	}
	return err;
}

/* libdw gives a register + offset CFA as one DW_OP_bregx (register, offset), and a
 * register saved at CFA + N as DW_OP_call_frame_cfa, DW_OP_plus_uconst N (N wraps). */
static bool cfa_is_sp_plus_8(const Dwarf_Op *ops, size_t nops)
{
	return nops == 1 && ops[0].atom == DW_OP_bregx && ops[0].number == X86_64_RSP &&
	       ops[0].number2 == 8;
}

static bool saved_at_cfa_minus_8(const Dwarf_Op *ops, size_t nops)
{
	return nops == 2 && ops[0].atom == DW_OP_call_frame_cfa &&
	       ops[1].atom == DW_OP_plus_uconst && ops[1].number == (uint64_t)-8;
}

/* The frame at addr is the one a call leaves: CFA = rsp + 8, return address at CFA - 8.
 * *unreadable counts addresses libdw finds no frame for. */
static bool starts_function(Dwarf_CFI *cfi, uint64_t addr, size_t *unreadable)
{
	Dwarf_Op ops_mem[3], *ops;
	Dwarf_Frame *frame;
	Dwarf_Addr start, end;
	size_t nops;
	bool signal, entry;
	int ra;

	if (dwarf_cfi_addrframe(cfi, addr, &frame) != 0) {
		(*unreadable)++;
		return false;
	}
	ra = dwarf_frame_info(frame, &start, &end, &signal);
	entry = ra >= 0 && start == addr && !signal && dwarf_frame_cfa(frame, &ops, &nops) == 0 &&
		cfa_is_sp_plus_8(ops, nops) &&
		dwarf_frame_register(frame, ra, ops_mem, &ops, &nops) == 0 &&
		saved_at_cfa_minus_8(ops, nops);
	free(frame);
	return entry;
}

/* The starts that pass the frame check become candidates, their names in one block. */
static int add_functions(struct eh_scan *sc)
{
	Dwarf_CFI *cfi = dwarf_getcfi_elf(sc->r->elf);
	char *names = NULL;
	size_t i, used = 0, unreadable = 0;
	int err = 0;

	if (!cfi) {
		sc->damaged += sc->nfdes;
		return 0;
	}
	names = sc->nfdes ? malloc(sc->nfdes * NAME_CAP) : NULL;
	if (sc->nfdes && (!names || !sym_reader__keep(sc->r, names)))
		err = -ENOMEM; /* names is freed */
	for (i = 0; !err && i < sc->nfdes; i++) {
		const struct addr_range *f = &sc->fdes[i];
		char *name = names + used;

		if (!starts_function(cfi, f->start, &unreadable)) {
			sc->fragments++;
			continue;
		}
		used += (size_t)snprintf(name, NAME_CAP, "sub_%llx", (unsigned long long)f->start) + 1;
		err = sym_reader__add(sc->r, name, f->start, f->end - f->start, STB_LOCAL,
				      FUNC_SRC_EH_FRAME);
	}
	sc->damaged += unreadable;
	dwarf_cfi_end(cfi);
	return err;
}

static void skip_range(struct eh_scan *sc, uint64_t start, uint64_t end)
{
	if (sc->nskipped < MAX_SKIPPED && end > start)
		sc->skipped[sc->nskipped++] = (struct addr_range){ start, end };
}

static bool is_stub_section(const char *name)
{
	return !strcmp(name, ".plt") || !strcmp(name, ".plt.got") || !strcmp(name, ".plt.sec") ||
	       !strcmp(name, ".init") || !strcmp(name, ".fini");
}

/* The lowest entry of an .init_array or .fini_array at or after `from`, or 0. */
static uint64_t first_entry_after(Elf_Scn *array, uint64_t from)
{
	Elf_Data *data = array ? elf_getdata(array, NULL) : NULL;
	uint64_t best = 0, value;
	size_t i;

	for (i = 0; data && data->d_buf && i + 8 <= data->d_size; i += 8) {
		memcpy(&value, (const char *)data->d_buf + i, 8); /* ELF_T_ADDR: host order */
		if (value >= from && (!best || value < best))
			best = value;
	}
	return best;
}

/* An executable's startup code (see the top): from e_entry through crtbegin.o. */
static void skip_startup(struct eh_scan *sc, const GElf_Ehdr *ehdr, Elf_Scn *init_array,
			 Elf_Scn *fini_array)
{
	uint64_t entry = ehdr->e_entry, offset, last, fini;

	if (!entry || !sym_reader__file_offset(sc->r, entry, &offset))
		return; /* a shared library */
	last = first_entry_after(init_array, entry);
	fini = first_entry_after(fini_array, entry);
	last = fini > last ? fini : last;
	if (!last || last - entry > STARTUP_MAX_BYTES)
		last = entry; /* no crtbegin.o there: only _start */
	skip_range(sc, entry, last + 1);
}

/* Finds .eh_frame and the ranges no function starts in; false: no .eh_frame. */
static bool read_sections(struct eh_scan *sc, const GElf_Ehdr *ehdr)
{
	Elf_Scn *scn = NULL, *eh_frame = NULL, *init_array = NULL, *fini_array = NULL;
	size_t shstrndx;
	GElf_Shdr shdr;

	if (elf_getshdrstrndx(sc->r->elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(sc->r->elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &shdr) ||
		    !(name = elf_strptr(sc->r->elf, shstrndx, shdr.sh_name)))
			continue;
		if (!strcmp(name, ".eh_frame") && shdr.sh_type != SHT_NOBITS) {
			eh_frame = scn;
			sc->vaddr = shdr.sh_addr;
		} else if (shdr.sh_type == SHT_INIT_ARRAY)
			init_array = scn;
		else if (shdr.sh_type == SHT_FINI_ARRAY)
			fini_array = scn;
		else if (is_stub_section(name))
			skip_range(sc, shdr.sh_addr, shdr.sh_addr + shdr.sh_size);
	}
	sc->data = eh_frame ? elf_getdata(eh_frame, NULL) : NULL;
	if (!sc->data || !sc->data->d_buf)
		return false;
	skip_startup(sc, ehdr, init_array, fini_array);
	return true;
}

int eh_frame__add_functions(struct symbols_reader *r)
{
	struct eh_scan sc = { .r = r };
	GElf_Ehdr ehdr;
	int err = 0;

	/* the frame check knows x86-64's registers; the probes are x86-64's too */
	if (!gelf_getehdr(r->elf, &ehdr) || ehdr.e_machine != EM_X86_64 ||
	    ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
		return 0;
	sc.ident = ehdr.e_ident;
	if (!read_sections(&sc, &ehdr))
		return 0;
	if (r->ncold > 0)
		qsort(r->cold, r->ncold, sizeof(*r->cold), compare_addrs);
	err = read_named_ranges(&sc);
	if (!err)
		err = read_fdes(&sc);
	if (!err)
		err = add_functions(&sc);
	fdebug("%s: .eh_frame: %zu FDEs; %zu where no function starts (stubs, startup code, named "
	       "fragments, inside a named function), %zu not entered by a call (fragments)",
	       r->path, sc.seen, sc.seen - sc.nfdes, sc.fragments);
	if (!err && sc.damaged > 0)
		fwarn("%s: .eh_frame is damaged (%zu entries unreadable): functions without a "
		      "symbol may be missing", r->path, sc.damaged);
	free(sc.cies);
	free(sc.fdes);
	free(sc.named);
	return err;
}
