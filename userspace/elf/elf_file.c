/* Opening an ELF file with libelf: the one way every file of elf/ does it. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "elf_file.h"

int elf_file__open(const char *path, bool quiet, int *fd_out, Elf **elf_out, GElf_Ehdr *ehdr)
{
	Elf *elf = NULL;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (!quiet)
			ferr("%s: %s", path, strerror(errno));
		return err;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		ferr("libelf is too old: %s", elf_errmsg(-1));
		close(fd);
		return -EINVAL;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, ehdr)) {
		if (!quiet)
			ferr("%s: not an ELF file", path);
		elf_file__close(fd, elf);
		return -ENOEXEC;
	}
	*fd_out = fd;
	*elf_out = elf;
	return 0;
}

void elf_file__close(int fd, Elf *elf)
{
	elf_end(elf);
	if (fd >= 0)
		close(fd);
}
