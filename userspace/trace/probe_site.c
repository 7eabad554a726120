#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "probe_site.h"

static const uint8_t NOP5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t ENDBR64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

static enum probe_kind classify_one(const uint8_t *code, size_t len)
{
	if (len >= sizeof(NOP5) && !memcmp(code, NOP5, sizeof(NOP5)))
		return PROBE_NOP5;
	if (len >= 1 && code[0] >= 0x50 && code[0] <= 0x57)
		return PROBE_PUSH;
	/* push %r8..%r15 */
	if (len >= 2 && code[0] == 0x41 && code[1] >= 0x50 && code[1] <= 0x57)
		return PROBE_PUSH;
	return PROBE_STEPPED;
}

enum probe_kind probe_site__classify(const uint8_t *code, size_t len, uint32_t *skip)
{
	enum probe_kind after;

	*skip = 0;
	if (len >= sizeof(ENDBR64) && !memcmp(code, ENDBR64, sizeof(ENDBR64))) {
		after = classify_one(code + sizeof(ENDBR64), len - sizeof(ENDBR64));
		if (after != PROBE_STEPPED)
			*skip = sizeof(ENDBR64);
		return after;
	}
	return classify_one(code, len);
}

static int place_in_module(struct selection *sel, size_t m, size_t counts[PROBE_KIND_COUNT],
			   size_t *moved)
{
	const struct sel_module *mod = &sel->modules[m];
	uint8_t code[16];
	size_t f;
	ssize_t n;
	int fd = open(mod->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ferr("%s: %s", mod->path, strerror(errno));
		return -errno;
	}
	for (f = mod->first_func; f < mod->first_func + mod->nfuncs; f++) {
		struct sel_func *fn = &sel->funcs[f];

		n = pread(fd, code, sizeof(code), (off_t)fn->offset);
		fn->probe_kind = probe_site__classify(code, n > 0 ? (size_t)n : 0, &fn->probe_skip);
		counts[fn->probe_kind]++;
		if (fn->probe_skip)
			(*moved)++;
	}
	close(fd);
	return 0;
}

int probe_sites__place(struct selection *sel, size_t counts[PROBE_KIND_COUNT], size_t *moved)
{
	size_t m;
	int err;

	memset(counts, 0, PROBE_KIND_COUNT * sizeof(counts[0]));
	*moved = 0;
	for (m = 0; m < sel->nmodules; m++) {
		err = place_in_module(sel, m, counts, moved);
		if (err)
			return err;
	}
	return 0;
}
