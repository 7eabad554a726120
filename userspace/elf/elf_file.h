/* Opening an ELF file with libelf: one way, shared by the ELF module's files (the only ones to include libelf). */
#ifndef FERRET_ELF_FILE_H
#define FERRET_ELF_FILE_H

#include <stdbool.h>
#include <gelf.h>

/* Opens path read-only and maps it as an ELF file, with its header. quiet: no error
 * line (for probing candidates). Errors: -errno from open, -ENOEXEC for not an ELF
 * (a "#!" script is told as one, with its interpreter: "PATH is a script run by ..."). */
int elf_file__open(const char *path, bool quiet, int *fd, Elf **elf, GElf_Ehdr *ehdr);
void elf_file__close(int fd, Elf *elf);

#endif
