/*
 * Fuzzes the USDT note reader (elf/usdt_notes.c): a file's .note.stapsdt notes, their
 * descriptors' addresses and strings. Input: the whole file.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "elf/usdt_notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct usdt_probes probes;
	size_t i, sites = 0;
	int fd;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz_usdt_notes.%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	if (usdt_notes__read(path, true, &probes) == 0) {
		for (i = 0; i < probes.count; i++) /* every string is terminated */
			sites += probes.probes[i].sites + (probes.probes[i].provider[0] != 0) +
				 (probes.probes[i].name[0] != 0) + (probes.probes[i].args[0] != 0);
		if (usdt_probes__find(&probes, "ferret", "begin"))
			sites++;
		usdt_probes__free(&probes);
	}
	return (int)(sites & 0);
}
