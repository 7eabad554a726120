/* Opening an ELF file with libelf: the one way every file of elf/ does it. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "elf_file.h"

/* "not an ELF file", unless it is a script: then what runs it ("#!/usr/bin/env bash"
 * names /usr/bin/env bash), as pyenv's and rbenv's shims are. */
static void report_not_elf(const char *path, int fd)
{
	char head[256], *interp = head;
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);

	head[n > 0 ? n : 0] = '\0';
	if (strncmp(head, "#!", 2) == 0) {
		interp = head + 2 + strspn(head + 2, " \t");
		interp[strcspn(interp, "\r\n")] = '\0';
	}
	if (interp == head || !*interp)
		ferr("%s: not an ELF file", path);
	else
		ferr("%s is a script run by %s, not an ELF file: trace the interpreter or the "
		     "program it runs", path, interp);
}

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
			report_not_elf(path, fd);
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
