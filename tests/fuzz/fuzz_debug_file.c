/*
 * Fuzzes the debug file source: the build-id note and .gnu_debuglink of a binary, and
 * the debug file found for it (its ELF headers, notes, section table, .symtab).
 * Input: a 2-byte little-endian length N, N bytes of binary, then the debug file (the
 * binary's own bytes when nothing follows). The debug file is put where ferret looks:
 * by build-id under FERRET_DEBUG_DIRS and by the debuglink name in .debug/.
 */
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/elf_syms.h"

static char dir[64];

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	if (size && write(fd, data, size) != (ssize_t)size)
		fprintf(stderr, "short write to %s\n", path);
	close(fd);
}

/* The paths ferret will try for `binary`: by build-id and by debuglink. */
static void place_debug_file(const char *binary, const uint8_t *debug, size_t size,
			     char by_id[PATH_MAX], char by_link[PATH_MAX])
{
	int fd = open(binary, O_RDONLY | O_CLOEXEC);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	const unsigned char *id = NULL;
	const char *link;
	GElf_Word crc;
	ssize_t len;
	char sub[PATH_MAX];

	by_id[0] = by_link[0] = '\0';
	len = elf ? dwelf_elf_gnu_build_id(elf, (const void **)&id) : -1;
	if (len >= 2) {
		snprintf(sub, sizeof(sub), "%s/store/.build-id/%02x", dir, id[0]);
		mkdir(sub, 0755);
		snprintf(by_id, PATH_MAX, "%s/", sub);
		for (ssize_t i = 1; i < len && strlen(by_id) < PATH_MAX - 16; i++)
			sprintf(by_id + strlen(by_id), "%02x", id[i]);
		strcat(by_id, ".debug");
		write_file(by_id, debug, size);
	}
	link = elf ? dwelf_elf_gnu_debuglink(elf, &crc) : NULL;
	if (link && *link && !strchr(link, '/') && strlen(link) < 200 && strcmp(link, ".") &&
	    strcmp(link, "..")) {
		snprintf(by_link, PATH_MAX, "%s/bin/.debug/%s", dir, link);
		write_file(by_link, debug, size);
	}
	elf_end(elf);
	if (fd >= 0)
		close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX];

	(void)argc;
	(void)argv;
	elf_version(EV_CURRENT);
	snprintf(dir, sizeof(dir), "/dev/shm/ferret-fuzz-debug-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/store", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/store/.build-id", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bin", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bin/.debug", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/store", dir);
	setenv("FERRET_DEBUG_DIRS", path, 1);
	unsetenv("DEBUGINFOD_URLS");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char binary[PATH_MAX], by_id[PATH_MAX], by_link[PATH_MAX];
	struct elf_syms *s = NULL;
	size_t n;

	if (size < 2)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	if (n > size)
		n = size;
	snprintf(binary, sizeof(binary), "%s/bin/prog", dir);
	write_file(binary, data, n);
	if (size > n)
		place_debug_file(binary, data + n, size - n, by_id, by_link);
	else
		place_debug_file(binary, data, n, by_id, by_link);
	if (elf_syms__open(binary, &s) == 0) {
		for (size_t i = 0; i < elf_syms__count(s); i++)
			if (!elf_syms__get(s, i)->name[0] && elf_syms__debug_file(s))
				abort(); /* names read from the debug file are never empty */
		elf_syms__free(s);
	}
	if (by_id[0])
		unlink(by_id);
	if (by_link[0])
		unlink(by_link);
	unlink(binary);
	return 0;
}
