/*
 * The libraries a program will load, found before it runs, the way ld.so finds
 * them (glibc elf/dl-load.c, _dl_map_object): for each DT_NEEDED name, breadth
 * first, search DT_RPATH of the loading object and its loaders (unless it has
 * DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH of the loading object, then the
 * directories of /etc/ld.so.conf (what ld.so.cache indexes) and the default ones.
 * A candidate of another ELF class or machine (a 32-bit library in a biarch
 * directory) is skipped, as ld.so does.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_file.h"
#include "core/log.h"
#include "core/util.h"
#include "modules.h"

#if defined(__x86_64__)
#define PLATFORM "x86_64"
#elif defined(__aarch64__)
#define PLATFORM "aarch64"
#else
#define PLATFORM "unknown"
#endif
#define MULTIARCH PLATFORM "-linux-gnu"

static const char *const default_dirs[] = {
	"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

/* One loaded object: the executable (index 0) or a library. */
struct loaded_object {
	char *found;   /* the path it was found at ($ORIGIN is its directory) */
	char *real;    /* realpath(found) */
	char *needed;  /* the DT_NEEDED name it was loaded for */
	char *soname, *rpath, *runpath;
	char **deps;   /* its own DT_NEEDED names */
	size_t ndeps, deps_cap;
	size_t loader; /* index of the object that needed it (0 for the executable) */
};

struct loader_state {
	struct loaded_object *objs;
	size_t nobjs, objs_cap;
	char **conf_dirs; /* from /etc/ld.so.conf */
	size_t nconf, conf_cap;
	int elf_class, machine; /* of the executable: libraries must agree */
	char *interp;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int add_string(char ***arr, size_t *n, size_t *cap, const char *s)
{
	if (grow_array((void **)arr, cap, *n + 1, sizeof(**arr)))
		return -ENOMEM;
	(*arr)[*n] = strdup(s);
	if (!(*arr)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void free_strings(char **arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(arr[i]);
	free(arr);
}

static int read_dynamic_section(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr,
				struct loaded_object *o)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n = shdr->sh_entsize ? shdr->sh_size / shdr->sh_entsize : 0;
	GElf_Dyn dyn;
	int err = 0;

	for (i = 0; data && i < n && !err; i++) {
		const char *s;

		if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME && dyn.d_tag != DT_RPATH &&
		    dyn.d_tag != DT_RUNPATH)
			continue;
		s = elf_strptr(elf, shdr->sh_link, dyn.d_un.d_val);
		if (!s)
			continue;
		if (dyn.d_tag == DT_NEEDED)
			err = add_string(&o->deps, &o->ndeps, &o->deps_cap, s);
		else if (dyn.d_tag == DT_SONAME && !o->soname)
			err = (o->soname = strdup(s)) ? 0 : -ENOMEM;
		else if (dyn.d_tag == DT_RPATH && !o->rpath)
			err = (o->rpath = strdup(s)) ? 0 : -ENOMEM;
		else if (dyn.d_tag == DT_RUNPATH && !o->runpath)
			err = (o->runpath = strdup(s)) ? 0 : -ENOMEM;
	}
	return err;
}

static int read_interp(Elf *elf, char **interp)
{
	size_t i, n, size;
	GElf_Phdr ph;
	char *raw;

	if (elf_getphdrnum(elf, &n) != 0 || !(raw = elf_rawfile(elf, &size)))
		return 0;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (ph.p_offset >= size || ph.p_filesz > size - ph.p_offset || ph.p_filesz == 0)
			return 0;
		*interp = strndup(raw + ph.p_offset, ph.p_filesz);
		return *interp ? 0 : -ENOMEM;
	}
	return 0;
}

/* DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH and (for the executable) PT_INTERP. */
static int read_object(const char *path, struct loaded_object *o, struct loader_state *st,
		       bool is_exe)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;
	int fd, err;

	err = elf_file__open(path, false, &fd, &elf, &ehdr);
	if (err)
		return err;
	if (is_exe) {
		st->elf_class = gelf_getclass(elf);
		st->machine = ehdr.e_machine;
		err = read_interp(elf, &st->interp);
	}
	while (!err && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_DYNAMIC)
			err = read_dynamic_section(elf, scn, &shdr, o);
	if (err == -ENOMEM)
		ferr("%s: out of memory", path);
	elf_file__close(fd, elf);
	return err;
}

/* Can ld.so load this file next to the executable? Same ELF class and machine. */
static bool is_compatible_elf(const struct loader_state *st, const char *path)
{
	Elf *elf;
	GElf_Ehdr ehdr;
	bool ok;
	int fd;

	if (elf_file__open(path, true, &fd, &elf, &ehdr))
		return false;
	ok = gelf_getclass(elf) == st->elf_class && ehdr.e_machine == st->machine &&
	     ehdr.e_type == ET_DYN;
	elf_file__close(fd, elf);
	return ok;
}

/* Copies `dir` into out expanding $ORIGIN/${ORIGIN}, $LIB, $PLATFORM. */
static void expand_dir(const char *dir, size_t len, const char *origin, char *out, size_t cap)
{
	static const struct {
		const char *token;
		const char *value;
	} tokens[] = {
		{ "ORIGIN", NULL }, { "LIB", "lib/" MULTIARCH }, { "PLATFORM", PLATFORM },
	};
	size_t o = 0, i = 0, k;

	while (i < len && o + 1 < cap) {
		bool done = false;

		for (k = 0; dir[i] == '$' && k < sizeof(tokens) / sizeof(tokens[0]) && !done; k++) {
			const char *t = tokens[k].token, *v = tokens[k].value ? tokens[k].value : origin;
			size_t tl = strlen(t), skip = 0;

			if (i + 1 + tl <= len && strncmp(dir + i + 1, t, tl) == 0)
				skip = 1 + tl;
			else if (i + 3 + tl <= len && dir[i + 1] == '{' &&
				 strncmp(dir + i + 2, t, tl) == 0 && dir[i + 2 + tl] == '}')
				skip = 3 + tl;
			if (skip) {
				o += (size_t)snprintf(out + o, cap - o, "%s", v);
				o = o < cap ? o : cap - 1;
				i += skip;
				done = true;
			}
		}
		if (!done)
			out[o++] = dir[i++];
	}
	out[o] = '\0';
}

/* Searches a ':'-separated list of directories; true with the path in `found`. */
static bool search_dirs(const struct loader_state *st, const char *list, const char *origin,
			const char *name, char *found, size_t cap)
{
	char dir[PATH_MAX];
	const char *p = list, *end;

	for (; p; p = end ? end + 1 : NULL) {
		size_t n;

		end = strpbrk(p, ":;");
		n = end ? (size_t)(end - p) : strlen(p);
		expand_dir(p, n, origin, dir, sizeof(dir));
		if (snprintf(found, cap, "%s/%s", *dir ? dir : ".", name) < (int)cap &&
		    is_compatible_elf(st, found))
			return true;
	}
	return false;
}

static void origin_of(const struct loaded_object *o, char *out, size_t cap)
{
	const char *slash = strrchr(o->found, '/');
	size_t n = slash ? (size_t)(slash - o->found) : 0;

	snprintf(out, cap, "%.*s", (int)n, slash ? o->found : ".");
	if (slash && n == 0)
		snprintf(out, cap, "/");
}

static bool find_library(const struct loader_state *st, size_t loader, const char *name,
			 char *found, size_t cap)
{
	const struct loaded_object *l = &st->objs[loader];
	const char *env = getenv("LD_LIBRARY_PATH");
	char origin[PATH_MAX];
	size_t i;

	/* RPATH of the loader chain counts only while the loader has no RUNPATH. */
	if (!l->runpath) {
		for (i = loader;; i = st->objs[i].loader) {
			origin_of(&st->objs[i], origin, sizeof(origin));
			if (st->objs[i].rpath &&
			    search_dirs(st, st->objs[i].rpath, origin, name, found, cap))
				return true;
			if (i == 0)
				break;
		}
	}
	/* $ORIGIN in LD_LIBRARY_PATH is the executable's directory. */
	origin_of(&st->objs[0], origin, sizeof(origin));
	if (env && *env && search_dirs(st, env, origin, name, found, cap))
		return true;
	origin_of(l, origin, sizeof(origin));
	if (l->runpath && search_dirs(st, l->runpath, origin, name, found, cap))
		return true;
	for (i = 0; i < st->nconf; i++)
		if (search_dirs(st, st->conf_dirs[i], origin, name, found, cap))
			return true;
	for (i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
		if (search_dirs(st, default_dirs[i], origin, name, found, cap))
			return true;
	return false;
}

/* ld.so satisfies a DT_NEEDED name with an object already loaded under that
 * name or that SONAME. */
static bool already_loaded(const struct loader_state *st, const char *name, const char *real)
{
	size_t i;

	for (i = 0; i < st->nobjs; i++) {
		const struct loaded_object *o = &st->objs[i];

		if ((o->needed && strcmp(o->needed, name) == 0) ||
		    (o->soname && strcmp(o->soname, name) == 0) || (real && strcmp(o->real, real) == 0))
			return true;
	}
	return false;
}

static int add_object(struct loader_state *st, const char *found, const char *needed,
		      size_t loader)
{
	struct loaded_object *o;
	char real[PATH_MAX];
	int err;

	if (grow_array((void **)&st->objs, &st->objs_cap, st->nobjs + 1, sizeof(*st->objs)))
		return -ENOMEM;
	o = &st->objs[st->nobjs];
	*o = (struct loaded_object){ .loader = loader };
	st->nobjs++; /* counted now so that cleanup frees a half-built entry */
	o->found = strdup(found);
	o->real = strdup(module__real_path(found, real));
	o->needed = dup_or_null(needed);
	if (!o->found || !o->real || (needed && !o->needed))
		return -ENOMEM;
	err = read_object(found, o, st, st->nobjs == 1);
	/* An object with DT_RUNPATH has its DT_RPATH ignored, also for its dependents. */
	if (!err && o->runpath) {
		free(o->rpath);
		o->rpath = NULL;
	}
	return err;
}

static int load_dependencies(struct loader_state *st, const char *exe_name)
{
	char found[PATH_MAX], real[PATH_MAX];
	size_t i, d;
	int err = 0;

	for (i = 0; i < st->nobjs && !err; i++) {
		for (d = 0; d < st->objs[i].ndeps && !err; d++) {
			const char *name = st->objs[i].deps[d];
			bool ok;

			if (already_loaded(st, name, NULL))
				continue;
			if (strchr(name, '/'))
				ok = snprintf(found, sizeof(found), "%s", name) < (int)sizeof(found) &&
				     is_compatible_elf(st, found);
			else
				ok = find_library(st, i, name, found, sizeof(found));
			if (!ok) {
				fwarn("%s: library %s (needed by %s) not found", exe_name, name,
				      st->objs[i].found);
				continue;
			}
			if (already_loaded(st, name, module__real_path(found, real)))
				continue;
			err = add_object(st, found, name, i);
		}
	}
	return err;
}

static void parse_conf_file(struct loader_state *st, const char *path, int depth);

static void parse_conf_include(struct loader_state *st, const char *conf, const char *pattern,
			       int depth)
{
	char full[PATH_MAX];
	const char *slash = strrchr(conf, '/');
	glob_t g;
	size_t i;

	if (pattern[0] == '/' || !slash)
		snprintf(full, sizeof(full), "%s", pattern);
	else
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - conf), conf, pattern);
	if (glob(full, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		parse_conf_file(st, g.gl_pathv[i], depth + 1);
	globfree(&g);
}

/* ldconfig's format: directories separated by blanks, ',' or ':'; "include GLOB";
 * '#' comments. Unreadable files are ignored, as ldconfig does. */
static void parse_conf_file(struct loader_state *st, const char *path, int depth)
{
	char *line = NULL, *tok, *save;
	size_t cap = 0;
	FILE *f;

	if (depth > 8 || !(f = fopen(path, "re")))
		return;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "#\n")] = '\0';
		tok = strtok_r(line, " \t,:", &save);
		if (tok && strcmp(tok, "include") == 0) {
			while ((tok = strtok_r(NULL, " \t", &save)))
				parse_conf_include(st, path, tok, depth);
			continue;
		}
		if (tok && strcmp(tok, "hwcap") == 0)
			continue;
		for (; tok; tok = strtok_r(NULL, " \t,:", &save))
			if (tok[0] == '/' && add_string(&st->conf_dirs, &st->nconf, &st->conf_cap, tok))
				break;
	}
	free(line);
	fclose(f);
}

static void free_loader_state(struct loader_state *st)
{
	size_t i;

	for (i = 0; i < st->nobjs; i++) {
		struct loaded_object *o = &st->objs[i];

		free(o->found);
		free(o->real);
		free(o->needed);
		free(o->soname);
		free(o->rpath);
		free(o->runpath);
		free_strings(o->deps, o->ndeps);
	}
	free(st->objs);
	free_strings(st->conf_dirs, st->nconf);
	free(st->interp);
}

int modules__from_exe(const char *exe, struct module_list *out)
{
	struct loader_state st = { 0 };
	struct module_list l = { 0 };
	char real[PATH_MAX];
	size_t i;
	int err;

	*out = (struct module_list){ 0 };
	if (!realpath(exe, real)) {
		err = -errno;
		ferr("%s: %s", exe, strerror(errno));
		return err;
	}
	parse_conf_file(&st, "/etc/ld.so.conf", 0);
	/* The executable's $ORIGIN is its real directory (ld.so reads /proc/self/exe). */
	err = add_object(&st, real, NULL, 0);
	if (!err)
		err = load_dependencies(&st, exe);
	for (i = 0; !err && i < st.nobjs; i++)
		err = module_list__add(&l, st.objs[i].real);
	if (!err && st.interp)
		err = module_list__add(&l, module__real_path(st.interp, real));
	if (err == -ENOMEM)
		ferr("out of memory resolving the libraries of %s", exe);
	if (err)
		module_list__free(&l);
	else
		*out = l;
	free_loader_state(&st);
	return err;
}
