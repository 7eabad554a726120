/*
 * libFuzzer target of eh_frame.c: the input is the .eh_frame section of an x86-64 ELF
 * built around it in memory (a 64 KiB executable .text of zeros at 0x1000 where its FDEs
 * may point, .eh_frame at 0x11000, no .eh_frame_hdr so that libdw reads .eh_frame
 * itself), opened with elf_syms__open as any file. Seeds: the .eh_frame of GCC-built
 * programs (C, C++ with a personality, a .cold part).
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf/elf_syms.h"

#define TEXT_ADDR 0x1000
#define TEXT_SIZE 0x10000
#define EH_ADDR (TEXT_ADDR + TEXT_SIZE)
#define MAX_EH (1 << 20)

static const char shstrtab[] = "\0.text\0.eh_frame\0.shstrtab\0.init_array";
enum { NAME_TEXT = 1, NAME_EH = 7, NAME_SHSTRTAB = 17, NAME_INIT = 27 };

static int fd = -1;
static char path[64];
static unsigned char *file;

static Elf64_Shdr section(uint32_t name, uint32_t type, uint64_t flags, uint64_t at,
			  uint64_t size)
{
	return (Elf64_Shdr){ .sh_name = name, .sh_type = type, .sh_flags = flags, .sh_addr = at,
			     .sh_offset = at, .sh_size = size, .sh_addralign = 1 };
}

/* The file image: headers, .text, .eh_frame = data, .init_array, .shstrtab, section headers. */
static size_t build(const uint8_t *data, size_t size)
{
	size_t init_at = EH_ADDR + ((size + 7) & ~(size_t)7), str_at = init_at + 8;
	size_t sh_at = (str_at + sizeof(shstrtab) + 7) & ~(size_t)7;
	size_t total = sh_at + 5 * sizeof(Elf64_Shdr);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
	Elf64_Phdr *ph = (Elf64_Phdr *)(file + sizeof(*eh));
	Elf64_Shdr *sh = (Elf64_Shdr *)(file + sh_at);
	uint64_t init_entry = TEXT_ADDR + 0x40; /* a frame_dummy after the entry point */

	memset(file, 0, total);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_ADDR;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = sh_at;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 5;
	eh->e_shstrndx = 4;
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_filesz = total,
			    .p_memsz = total, .p_align = 0x1000 };
	memcpy(file + EH_ADDR, data, size);
	memcpy(file + init_at, &init_entry, 8);
	memcpy(file + str_at, shstrtab, sizeof(shstrtab));
	sh[1] = section(NAME_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, TEXT_ADDR, TEXT_SIZE);
	sh[2] = section(NAME_EH, SHT_PROGBITS, SHF_ALLOC, EH_ADDR, size);
	sh[2].sh_addralign = 8;
	sh[3] = section(NAME_INIT, SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, init_at, 8);
	sh[4] = section(NAME_SHSTRTAB, SHT_STRTAB, 0, str_at, sizeof(shstrtab));
	sh[4].sh_addr = 0;
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_syms *s = NULL;
	size_t total, i;

	if (size > MAX_EH)
		return 0;
	if (fd < 0) {
		fd = memfd_create("fuzz-eh-frame", MFD_CLOEXEC);
		file = malloc(EH_ADDR + MAX_EH + 4096);
		if (fd < 0 || !file)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	total = build(data, size);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, file, total, 0) != (ssize_t)total)
		abort();
	if (elf_syms__open(path, &s) != 0)
		abort(); /* a damaged .eh_frame is a warning, never a failure */
	for (i = 0; i < elf_syms__count(s); i++) {
		const struct elf_func *f = elf_syms__get(s, i);

		/* only starts inside the executable segment, never the entry point */
		if (f->addr >= total || f->addr == TEXT_ADDR || strncmp(f->name, "sub_", 4) != 0)
			abort();
	}
	elf_syms__free(s);
	return 0;
}
