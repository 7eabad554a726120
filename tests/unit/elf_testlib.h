/* Helpers shared by the ELF unit tests: test program paths, readelf/ldd as
 * independent truth, stderr capture. Header-only: each test is one binary. */
#ifndef FERRET_ELF_TESTLIB_H
#define FERRET_ELF_TESTLIB_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/selection.h"

/* $PROGS (tests/run.sh exports it), else build/progs. */
static inline const char *prog(const char *name)
{
	static char bufs[4][PATH_MAX];
	static int next;
	const char *dir = getenv("PROGS");
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s/%s", dir && *dir ? dir : "build/progs", name);
	return buf;
}

/* A FUNC symbol defined in the file, as readelf -sW shows it (.dynsym and .symtab). */
struct truth_sym {
	uint64_t addr;
	char name[256];
};

/* Fills syms (up to cap); returns how many, or -1. */
static inline int readelf_funcs(const char *path, struct truth_sym *syms, int cap)
{
	char cmd[PATH_MAX + 64], line[1024], type[32], ndx[32], name[256];
	unsigned long long value;
	int n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -sW '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		/*    Num:    Value          Size Type    Bind   Vis      Ndx Name */
		if (sscanf(line, " %*[0-9]: %llx %*s %31s %*s %*s %31s %255s", &value, type, ndx,
			   name) != 4)
			continue;
		if (strcmp(type, "FUNC") != 0 || strcmp(ndx, "UND") == 0 || strcmp(ndx, "ABS") == 0 ||
		    value == 0 || n == cap)
			continue;
		syms[n].addr = value;
		snprintf(syms[n].name, sizeof(syms[n].name), "%s", name);
		n++;
	}
	pclose(p);
	return n;
}

/* file offset = addr - p_vaddr + p_offset of the executable PT_LOAD, from readelf -lW
 * (read once per file: libc has thousands of functions). */
static inline bool readelf_offset(const char *path, uint64_t addr, uint64_t *offset)
{
	static char cached[PATH_MAX];
	static struct {
		unsigned long long off, vaddr, filesz;
	} segs[16];
	static int nsegs;
	char cmd[PATH_MAX + 64], line[1024], flags[64];
	FILE *p;
	int i;

	if (strcmp(cached, path) != 0) {
		snprintf(cached, sizeof(cached), "%s", path);
		nsegs = 0;
		snprintf(cmd, sizeof(cmd), "readelf -lW '%s' 2>/dev/null", path);
		p = popen(cmd, "r");
		if (!p)
			return false;
		/*  LOAD 0x001000 0x0000000000401000 0x0000000000401000 0x00021d 0x00021d R E 0x1000 */
		while (fgets(line, sizeof(line), p) && nsegs < 16)
			if (sscanf(line, " LOAD %llx %llx %*s %llx %*s %63[^\n]", &segs[nsegs].off,
				   &segs[nsegs].vaddr, &segs[nsegs].filesz, flags) == 4 &&
			    strchr(flags, 'E'))
				nsegs++;
		pclose(p);
	}
	for (i = 0; i < nsegs; i++) {
		if (addr >= segs[i].vaddr && addr < segs[i].vaddr + segs[i].filesz) {
			*offset = addr - segs[i].vaddr + segs[i].off;
			return true;
		}
	}
	return false;
}

/* Section `name`'s sh_addr, sh_offset and sh_size, from readelf -SW; false: none. */
static inline bool readelf_section(const char *path, const char *name, uint64_t *sh_addr,
				   uint64_t *sh_off, uint64_t *sh_size)
{
	char cmd[PATH_MAX + 64], line[1024], pattern[64], fields[96];
	unsigned long long a, o, z;
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -SW '%s' 2>/dev/null", path);
	snprintf(pattern, sizeof(pattern), " %s ", name);
	snprintf(fields, sizeof(fields), " %s %%*s %%llx %%llx %%llx", name);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (!found && fgets(line, sizeof(line), p)) {
		char *sec = strstr(line, pattern);

		if (sec && sscanf(sec, fields, &a, &o, &z) == 3) {
			*sh_addr = a, *sh_off = o, *sh_size = z;
			found = true;
		}
	}
	pclose(p);
	return found;
}

/* The offset by way of the section headers instead: .text's sh_addr / sh_offset. */
static inline bool readelf_text_offset(const char *path, uint64_t addr, uint64_t *offset)
{
	uint64_t sh_addr, sh_off, sh_size;

	if (!readelf_section(path, ".text", &sh_addr, &sh_off, &sh_size) || addr < sh_addr ||
	    addr >= sh_addr + sh_size)
		return false;
	*offset = addr - sh_addr + sh_off;
	return true;
}

/* Realpaths of the objects `ldd PATH` lists (the real loader's answer), vdso excluded. */
static inline int ldd_paths(const char *path, char out[][PATH_MAX], int cap)
{
	char cmd[PATH_MAX + 64], line[PATH_MAX + 128], *slash, *end;
	int n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p) && n < cap) {
		slash = strchr(line, '/');
		if (!slash)
			continue;
		end = strstr(slash, " (0x");
		if (end)
			*end = '\0';
		else
			slash[strcspn(slash, "\n")] = '\0';
		if (realpath(slash, out[n]))
			n++;
	}
	pclose(p);
	return n;
}

static inline bool list_has(char **paths, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(paths[i], path) == 0)
			return true;
	return false;
}

/* Runs what follows with stderr going to a buffer; capture_end() returns it. */
static FILE *capture__file;
static int capture__saved = -1;
static char capture__text[8192];

static inline void capture_begin(void)
{
	fflush(stderr);
	capture__file = tmpfile();
	capture__saved = dup(2);
	if (capture__file)
		dup2(fileno(capture__file), 2);
}

static inline const char *capture_end(void)
{
	size_t n = 0;

	fflush(stderr);
	dup2(capture__saved, 2);
	close(capture__saved);
	if (capture__file) {
		rewind(capture__file);
		n = fread(capture__text, 1, sizeof(capture__text) - 1, capture__file);
		fclose(capture__file);
	}
	capture__text[n] = '\0';
	return capture__text;
}

/* A text file: "not an ELF file". The caller unlinks it. */
static inline const char *make_text_file(void)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ferret-test-elf-XXXXXX");
	fd = mkstemp(path);

	if (fd >= 0) {
		if (write(fd, "hello, not an ELF\n", 18) != 18)
			path[0] = '\0';
		close(fd);
	}
	return path;
}

/* Does the selection hold a function shown as `name`? */
static inline bool selection_has_func(const struct selection *sel, const char *name)
{
	size_t i;

	for (i = 0; sel && i < sel->nfuncs; i++)
		if (strcmp(sel->funcs[i].name, name) == 0)
			return true;
	return false;
}

#endif
