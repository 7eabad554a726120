/*
 * Function names from a separate debug file's .symtab (a source of sym_reader.h).
 *
 * Distributions strip binaries and ship the symbols apart (Debian's -dbg / -dbgsym
 * packages): static functions and IFUNC implementations such as __strlen_avx2 are
 * named only there. The file is found as gdb finds it: by GNU build-id under each
 * debug root (FERRET_DEBUG_DIRS, then /usr/lib/debug), then by the .gnu_debuglink name
 * next to the binary, in its .debug/ folder and under each root + the binary's folder;
 * last, when DEBUGINFOD_URLS is set, from debuginfod. A candidate is used only when
 * it is the binary's: the same build-id, or (a binary without one) the CRC32 the
 * debuglink records. A debug file's code sections are SHT_NOBITS, but its symbols have
 * the binary's virtual addresses, so the binary's segments give their file offsets.
 */
#include <elfutils/debuginfod.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "elf_file.h"
#include "sym_reader.h"
#include "core/log.h"

#define SYSTEM_DEBUG_DIR "/usr/lib/debug"
/* Unless the user set them: libdebuginfod waits 90 s for a silent server and then tries
 * twice more; ferret gives it 5 s, once. */
static const char *const debuginfod_defaults[][2] = {
	{ DEBUGINFOD_TIMEOUT_ENV_VAR, "5" },
	{ DEBUGINFOD_RETRY_LIMIT_ENV_VAR, "0" },
};
#define NDEFAULTS (sizeof(debuginfod_defaults) / sizeof(debuginfod_defaults[0]))

/* What a candidate must match, and where to look. */
struct debug_target {
	const char *path;	  /* the binary */
	const unsigned char *id;  /* its build-id bits, or NULL */
	size_t id_len;
	const char *link;	  /* its .gnu_debuglink name, or NULL */
	GElf_Word crc;		  /* the CRC32 the debuglink records */
	char dir[PATH_MAX];	  /* the binary's folder, symlinks resolved */
	struct stat st;		  /* the binary's: owner, and not itself */
	char *roots;		  /* FERRET_DEBUG_DIRS ':' /usr/lib/debug, malloc'd */
};

enum candidate_result { CANDIDATE_NONE, CANDIDATE_USED, CANDIDATE_NOMEM };

/* A debuginfod server that failed (not "not found") is not asked again by this process. */
static bool debuginfod_failed;

static char *hex_of(const unsigned char *bits, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *hex = malloc(2 * len + 1);
	size_t i;

	for (i = 0; hex && i < len; i++) {
		hex[2 * i] = digits[bits[i] >> 4];
		hex[2 * i + 1] = digits[bits[i] & 15];
	}
	if (hex)
		hex[2 * len] = '\0';
	return hex;
}

/* The debuglink name is a file name in the binary's folder: a path in it is refused,
 * so that a crafted binary cannot point ferret at any file. */
static bool is_plain_file_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int describe_binary(struct symbols_reader *r, struct debug_target *t)
{
	const void *bits = NULL;
	ssize_t len = dwelf_elf_gnu_build_id(r->elf, &bits);
	const char *env = getenv("FERRET_DEBUG_DIRS");
	char *slash;

	t->path = r->path;
	if (len > 0) {
		t->id = bits;
		t->id_len = (size_t)len;
		r->build_id = hex_of(bits, (size_t)len);
		if (!r->build_id)
			return -ENOMEM;
	}
	t->link = dwelf_elf_gnu_debuglink(r->elf, &t->crc);
	if (t->link && !is_plain_file_name(t->link)) {
		fwarn("%s: its .gnu_debuglink is not a file name, not followed", r->path);
		t->link = NULL;
	}
	if (!realpath(r->path, t->dir))
		snprintf(t->dir, sizeof(t->dir), "%s", r->path);
	slash = strrchr(t->dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(t->dir, sizeof(t->dir), ".");
	if (stat(r->path, &t->st) != 0)
		memset(&t->st, 0, sizeof(t->st));
	if (asprintf(&t->roots, "%s%s%s", env && *env ? env : "", env && *env ? ":" : "",
		     SYSTEM_DEBUG_DIR) < 0) {
		t->roots = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Only root can have put a file here: every folder from the file's up to / is root's
 * and writable by no one else. Debug files there are trusted as the system's. */
static bool in_system_dir(const char *path)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (path[0] != '/' || snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return false;
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0'; /* "/usr" -> "/" */
		if (stat(dir, &st) != 0 || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
			return false;
		if (slash == dir)
			return true;
	}
	return false;
}

/* Outside the system's folders, a debug file is not a symbolic link, and it is owned
 * by root, the binary's owner or the user ferret runs as: else another user could
 * hand ferret names for someone else's program. */
static bool may_trust(const struct debug_target *t, const char *path, int fd, bool system)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fwarn("%s: debug file %s is not a regular file, its names are not used", t->path, path);
		return false;
	}
	if (system || st.st_uid == 0 || st.st_uid == t->st.st_uid || st.st_uid == geteuid())
		return true;
	fwarn("%s: debug file %s is owned by uid %u, neither root nor the owner of %s: its names "
	      "are not used", t->path, path, (unsigned)st.st_uid, t->path);
	return false;
}

/* An open, trusted candidate, or -1 (not there: silently; refused: with a warning). */
static int open_candidate(const struct debug_target *t, const char *path)
{
	bool system = in_system_dir(path);
	/* O_NONBLOCK: a FIFO in its place must not block ferret */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (system ? 0 : O_NOFOLLOW));
	struct stat st;

	if (fd < 0) {
		if (errno == ELOOP)
			fwarn("%s: debug file %s is a symbolic link outside the system's folders, "
			      "its names are not used", t->path, path);
		else if (errno != ENOENT && errno != ENOTDIR)
			fwarn("%s: debug file %s: %s", t->path, path, strerror(errno));
		return -1;
	}
	/* a debuglink naming the binary itself (objcopy allows it) is no debug file */
	if (fstat(fd, &st) == 0 && st.st_dev == t->st.st_dev && st.st_ino == t->st.st_ino) {
		close(fd);
		return -1;
	}
	if (!may_trust(t, path, fd, system)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* zlib's CRC32 of the whole file, what objcopy --add-gnu-debuglink records. */
static bool file_crc(int fd, GElf_Word *crc)
{
	unsigned char buf[65536];
	uLong sum = crc32(0L, Z_NULL, 0);
	off_t at = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), at)) > 0) {
		sum = crc32(sum, buf, (uInt)n);
		at += n;
	}
	*crc = (GElf_Word)sum;
	return n == 0;
}

/* It is the binary's debug file: the same build-id, or without one the debuglink's CRC. */
static bool matches(const struct debug_target *t, const char *path, int fd, Elf *elf)
{
	const void *bits = NULL;
	ssize_t len;
	GElf_Word crc;
	char *want, *got;

	if (!t->id) {
		if (file_crc(fd, &crc) && crc == t->crc)
			return true;
		fwarn("%s: debug file %s does not match (CRC32 %08x, the debuglink says %08x), its "
		      "names are not used", t->path, path, (unsigned)crc, (unsigned)t->crc);
		return false;
	}
	len = dwelf_elf_gnu_build_id(elf, &bits);
	if (len == (ssize_t)t->id_len && memcmp(bits, t->id, t->id_len) == 0)
		return true;
	want = hex_of(t->id, t->id_len);
	got = len > 0 ? hex_of(bits, (size_t)len) : NULL;
	fwarn("%s: debug file %s does not match (build-id %s, %s has %s), its names are not used",
	      t->path, path, got ? got : "none", t->path, want ? want : "?");
	free(want);
	free(got);
	return false;
}

/* Its section headers are all in the file: a truncated copy has none to read. */
static bool sections_fit(Elf *elf, const GElf_Ehdr *ehdr, int fd)
{
	struct stat st;
	size_t n;

	if (fstat(fd, &st) != 0 || elf_getshdrnum(elf, &n) != 0 || n == 0 ||
	    ehdr->e_shoff > (uint64_t)st.st_size)
		return false;
	return n * ehdr->e_shentsize <= (uint64_t)st.st_size - ehdr->e_shoff;
}

/* The debug file's .symtab with its string table, or NULL; *why when it is damaged. */
static Elf_Scn *find_symtab(Elf *elf, GElf_Shdr *shdr, const char **why)
{
	Elf_Scn *scn = NULL, *strscn;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, shdr) || shdr->sh_type != SHT_SYMTAB)
			continue;
		strscn = elf_getscn(elf, shdr->sh_link);
		if (shdr->sh_entsize == 0 || !elf_getdata(scn, NULL) || !strscn ||
		    !elf_getdata(strscn, NULL)) {
			*why = "its symbol table cannot be read";
			return NULL;
		}
		return scn;
	}
	return NULL;
}

/* Reads a trusted candidate's names if it is the binary's; takes fd. */
static enum candidate_result use_candidate(struct symbols_reader *r, const struct debug_target *t,
					   const char *path, int fd)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const char *why = NULL;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;
	Elf_Scn *scn = NULL;
	size_t before = r->ncands;
	int err;

	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr))
		why = "not an ELF file";
	else if (!sections_fit(elf, &ehdr, fd))
		why = "its section headers are missing or lie past its end";
	else if (!matches(t, path, fd, elf)) {
		elf_file__close(fd, elf);
		return CANDIDATE_NONE;
	} else
		scn = find_symtab(elf, &shdr, &why);
	if (why) {
		fwarn("%s: debug file %s is damaged (%s), its names are not used", t->path, path, why);
		elf_file__close(fd, elf);
		return CANDIDATE_NONE;
	}
	if (!scn) {
		fdebug("%s: debug file %s has no .symtab", t->path, path);
		elf_file__close(fd, elf);
		return CANDIDATE_USED; /* it is the one; no other holds more */
	}
	err = sym_reader__add_symbol_table(r, elf, scn, &shdr, FUNC_SRC_DEBUG_FILE);
	if (err || sym_reader__keep_elf(r, fd, elf) != 0) { /* keep_elf closes it on failure */
		if (err)
			elf_file__close(fd, elf);
		return CANDIDATE_NOMEM;
	}
	r->names_from = strdup(path);
	fdebug("%s: %zu function symbols in debug file %s", t->path, r->ncands - before, path);
	return r->names_from ? CANDIDATE_USED : CANDIDATE_NOMEM;
}

static enum candidate_result try_path(struct symbols_reader *r, const struct debug_target *t,
				      const char *path)
{
	int fd = open_candidate(t, path);

	return fd < 0 ? CANDIDATE_NONE : use_candidate(r, t, path, fd);
}

/* Each debug root, in order, for the build-id path and then the debuglink paths. */
static enum candidate_result try_roots(struct symbols_reader *r, const struct debug_target *t,
				       bool by_id)
{
	enum candidate_result res = CANDIDATE_NONE;
	char path[PATH_MAX * 2], *roots = strdup(t->roots), *root, *save = NULL;
	char *hex = by_id ? hex_of(t->id, t->id_len) : NULL;

	if (!roots || (by_id && !hex)) {
		free(roots);
		free(hex);
		return CANDIDATE_NOMEM;
	}
	for (root = strtok_r(roots, ":", &save); root && res == CANDIDATE_NONE;
	     root = strtok_r(NULL, ":", &save)) {
		if (by_id)
			snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
		else
			snprintf(path, sizeof(path), "%s%s/%s", root, t->dir, t->link);
		res = try_path(r, t, path);
	}
	free(roots);
	free(hex);
	return res;
}

/* gdb's order: by build-id, then the debuglink beside the binary, in .debug/, under the roots. */
static enum candidate_result find_local(struct symbols_reader *r, const struct debug_target *t)
{
	enum candidate_result res = CANDIDATE_NONE;
	char path[PATH_MAX * 2];

	if (t->id_len >= 2)
		res = try_roots(r, t, true);
	if (res != CANDIDATE_NONE || !t->link)
		return res;
	snprintf(path, sizeof(path), "%s/%s", t->dir, t->link);
	res = try_path(r, t, path);
	if (res == CANDIDATE_NONE) {
		snprintf(path, sizeof(path), "%s/.debug/%s", t->dir, t->link);
		res = try_path(r, t, path);
	}
	return res == CANDIDATE_NONE ? try_roots(r, t, false) : res;
}

/* Asks the DEBUGINFOD_URLS servers (through libdebuginfod and its cache); -1 or an fd,
 * *path the cached copy. A server that fails otherwise than "not found" is not asked
 * again, so an unreachable one costs one timeout, not one per module. */
static int fetch_debuginfod(const struct debug_target *t, char **path)
{
	const char *urls = getenv(DEBUGINFOD_URLS_ENV_VAR);
	bool defaulted[NDEFAULTS];
	debuginfod_client *client;
	size_t i;
	int fd;

	if (!urls || !*urls || !t->id || debuginfod_failed)
		return -1;
	client = debuginfod_begin();
	if (!client) {
		fwarn("debuginfod: cannot start a client, debug files are not fetched");
		debuginfod_failed = true;
		return -1;
	}
	if (ferret_verbose > 1)
		debuginfod_set_verbose_fd(client, STDERR_FILENO);
	fdebug("%s: asking debuginfod (%s) for its debug file", t->path, urls);
	/* only for this query: the traced program inherits ferret's environment */
	for (i = 0; i < NDEFAULTS; i++)
		if ((defaulted[i] = !getenv(debuginfod_defaults[i][0])))
			setenv(debuginfod_defaults[i][0], debuginfod_defaults[i][1], 0);
	fd = debuginfod_find_debuginfo(client, t->id, (int)t->id_len, path);
	for (i = 0; i < NDEFAULTS; i++)
		if (defaulted[i])
			unsetenv(debuginfod_defaults[i][0]);
	debuginfod_end(client);
	if (fd == -ENOENT)
		fdebug("%s: debuginfod has no debug file for it", t->path);
	else if (fd < 0) {
		fwarn("debuginfod (%s): %s; debug files are not fetched from it again", urls,
		      strerror(-fd));
		debuginfod_failed = true;
	}
	return fd < 0 ? -1 : fd;
}

static enum candidate_result find_debuginfod(struct symbols_reader *r, const struct debug_target *t)
{
	enum candidate_result res = CANDIDATE_NONE;
	char *path = NULL;
	int fd = fetch_debuginfod(t, &path);

	if (fd < 0)
		return CANDIDATE_NONE;
	if (!path)
		close(fd);
	else if (!may_trust(t, path, fd, false))
		close(fd);
	else
		res = use_candidate(r, t, path, fd);
	free(path);
	return res;
}

int debug_file__add_symbols(struct symbols_reader *r)
{
	struct debug_target t = { 0 };
	enum candidate_result res = CANDIDATE_NONE;
	int err = describe_binary(r, &t);

	/* a binary with its own .symtab has every name its debug file would give */
	if (!err && !r->has_symtab && (t.id || t.link)) {
		res = find_local(r, &t);
		if (res == CANDIDATE_NONE)
			res = find_debuginfod(r, &t);
		if (res == CANDIDATE_NOMEM)
			err = -ENOMEM;
	}
	free(t.roots);
	return err;
}
