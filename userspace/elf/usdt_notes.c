/* SPDX-License-Identifier: BSD-2-Clause */
/* usdt_notes: a file's USDT probes from its .note.stapsdt notes (see usdt_notes.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>

#include "core/util.h"
#include "elf_file.h"
#include "usdt_notes.h"

#define NT_STAPSDT 3
/* A note's descriptor: three addresses (the site, .stapsdt.base, the semaphore), then three
 * strings: provider, name, argument specs. */
#define STAPSDT_ADDRS (3 * sizeof(uint64_t))

const struct usdt_probe *usdt_probes__find(const struct usdt_probes *p, const char *provider,
					   const char *name)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (!strcmp(p->probes[i].provider, provider) && !strcmp(p->probes[i].name, name))
			return &p->probes[i];
	return NULL;
}

/* The next NUL-terminated string of desc at *off, or NULL when it runs past the end. */
static const char *next_str(const char *desc, size_t size, size_t *off)
{
	const char *s = desc + *off;
	const char *nul = *off < size ? memchr(s, '\0', size - *off) : NULL;

	if (!nul)
		return NULL;
	*off += (size_t)(nul - s) + 1;
	return s;
}

static int add_note(struct usdt_probes *p, const char *desc, size_t size)
{
	const char *provider, *name, *args;
	struct usdt_probe *found;
	uint64_t sem;
	size_t off = STAPSDT_ADDRS;

	if (size < STAPSDT_ADDRS || !(provider = next_str(desc, size, &off)) ||
	    !(name = next_str(desc, size, &off)))
		return 0; /* malformed: skipped */
	args = next_str(desc, size, &off);
	memcpy(&sem, desc + 2 * sizeof(uint64_t), sizeof(sem));
	found = (struct usdt_probe *)usdt_probes__find(p, provider, name);
	if (found) {
		found->sites++;
		return 0;
	}
	if (grow_array((void **)&p->probes, &p->cap, p->count + 1, sizeof(*p->probes)))
		return -ENOMEM;
	found = &p->probes[p->count];
	*found = (struct usdt_probe){ .provider = strdup(provider), .name = strdup(name),
				      .args = strdup(args ? args : ""), .sites = 1, .semaphore = sem != 0 };
	if (!found->provider || !found->name || !found->args) {
		free(found->provider);
		free(found->name);
		free(found->args);
		return -ENOMEM;
	}
	p->count++;
	return 0;
}

static int read_section(Elf_Data *data, struct usdt_probes *p)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nhdr;
	int err;

	while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
		if (nhdr.n_type != NT_STAPSDT || nhdr.n_namesz != sizeof("stapsdt") ||
		    memcmp((const char *)data->d_buf + name_off, "stapsdt", sizeof("stapsdt")))
			continue;
		err = add_note(p, (const char *)data->d_buf + desc_off, nhdr.n_descsz);
		if (err)
			return err;
	}
	return 0;
}

int usdt_notes__read(const char *path, bool quiet, struct usdt_probes *out)
{
	size_t shstrndx;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;
	Elf_Scn *scn = NULL;
	Elf_Data *data;
	Elf *elf;
	int fd, err = 0;
	const char *name;

	memset(out, 0, sizeof(*out));
	err = elf_file__open(path, quiet, &fd, &elf, &ehdr);
	if (err)
		return err;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		goto done;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || strcmp(name, ".note.stapsdt") || !(data = elf_getdata(scn, NULL)))
			continue;
		err = read_section(data, out);
	}
done:
	elf_file__close(fd, elf);
	if (err)
		usdt_probes__free(out);
	return err;
}

void usdt_probes__free(struct usdt_probes *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		free(p->probes[i].provider);
		free(p->probes[i].name);
		free(p->probes[i].args);
	}
	free(p->probes);
	memset(p, 0, sizeof(*p));
}
