/* libc_protos: the built-in table of C library prototypes (see libc_protos.h). */
#include <stdio.h>
#include <string.h>

#include "libc_protos.h"
#include "modules.h"

struct proto_param {
	const char *name;
	uint8_t kind, bits; /* enum arg_kind; kind 0 with no name: none */
};

struct libc_proto {
	const char *name;
	struct proto_param ret; /* no name: void */
	uint8_t error;		/* enum proto_error */
	struct proto_param params[ARG_MAX_REGS];
};

/* The formats: a string, a pointer, int, long (ssize_t, off_t), unsigned, size_t, and
 * flags in hex (32 and 64 bits). */
#define S(n) { n, ARG_STRING, 64 }
#define P(n) { n, ARG_POINTER, 64 }
#define I(n) { n, ARG_SIGNED, 32 }
#define L(n) { n, ARG_SIGNED, 64 }
#define U(n) { n, ARG_UNSIGNED, 32 }
#define Z(n) { n, ARG_UNSIGNED, 64 }
#define X(n) { n, ARG_HEX, 32 }
#define XL(n) { n, ARG_HEX, 64 }
#define VOID { NULL, 0, 0 }
#define RET_INT I("retval")
#define RET_LONG L("retval")
#define RET_SIZE Z("retval")
#define RET_PTR P("retval")
#define NEG PROTO_ERR_NEG
#define NUL PROTO_ERR_NULL
#define ERRNUM PROTO_ERR_NONZERO
#define NONE PROTO_ERR_NONE

static const struct libc_proto protos[] = {
	/* files and descriptors */
	{ "open", RET_INT, NEG, { S("pathname"), X("flags") } },
	{ "open64", RET_INT, NEG, { S("pathname"), X("flags") } },
	{ "openat", RET_INT, NEG, { I("dirfd"), S("pathname"), X("flags") } },
	{ "openat64", RET_INT, NEG, { I("dirfd"), S("pathname"), X("flags") } },
	{ "creat", RET_INT, NEG, { S("pathname"), X("mode") } },
	{ "close", RET_INT, NEG, { I("fd") } },
	{ "read", RET_LONG, NEG, { I("fd"), P("buf"), Z("count") } },
	{ "write", RET_LONG, NEG, { I("fd"), P("buf"), Z("count") } },
	{ "pread", RET_LONG, NEG, { I("fd"), P("buf"), Z("count"), L("offset") } },
	{ "pread64", RET_LONG, NEG, { I("fd"), P("buf"), Z("count"), L("offset") } },
	{ "pwrite", RET_LONG, NEG, { I("fd"), P("buf"), Z("count"), L("offset") } },
	{ "pwrite64", RET_LONG, NEG, { I("fd"), P("buf"), Z("count"), L("offset") } },
	{ "lseek", RET_LONG, NEG, { I("fd"), L("offset"), I("whence") } },
	{ "lseek64", RET_LONG, NEG, { I("fd"), L("offset"), I("whence") } },
	{ "fsync", RET_INT, NEG, { I("fd") } },
	{ "ftruncate", RET_INT, NEG, { I("fd"), L("length") } },
	{ "dup", RET_INT, NEG, { I("oldfd") } },
	{ "dup2", RET_INT, NEG, { I("oldfd"), I("newfd") } },
	{ "dup3", RET_INT, NEG, { I("oldfd"), I("newfd"), X("flags") } },
	{ "pipe", RET_INT, NEG, { P("pipefd") } },
	{ "pipe2", RET_INT, NEG, { P("pipefd"), X("flags") } },
	{ "fcntl", RET_INT, NEG, { I("fd"), I("cmd") } },
	{ "ioctl", RET_INT, NEG, { I("fd"), XL("request") } },
	{ "stat", RET_INT, NEG, { S("pathname"), P("statbuf") } },
	{ "stat64", RET_INT, NEG, { S("pathname"), P("statbuf") } },
	{ "lstat", RET_INT, NEG, { S("pathname"), P("statbuf") } },
	{ "lstat64", RET_INT, NEG, { S("pathname"), P("statbuf") } },
	{ "fstat", RET_INT, NEG, { I("fd"), P("statbuf") } },
	{ "fstat64", RET_INT, NEG, { I("fd"), P("statbuf") } },
	{ "fstatat", RET_INT, NEG, { I("dirfd"), S("pathname"), P("statbuf"), X("flags") } },
	{ "access", RET_INT, NEG, { S("pathname"), X("mode") } },
	{ "unlink", RET_INT, NEG, { S("pathname") } },
	{ "unlinkat", RET_INT, NEG, { I("dirfd"), S("pathname"), X("flags") } },
	{ "mkdir", RET_INT, NEG, { S("pathname"), X("mode") } },
	{ "rmdir", RET_INT, NEG, { S("pathname") } },
	{ "rename", RET_INT, NEG, { S("oldpath"), S("newpath") } },
	{ "chdir", RET_INT, NEG, { S("path") } },
	{ "chmod", RET_INT, NEG, { S("pathname"), X("mode") } },
	{ "symlink", RET_INT, NEG, { S("target"), S("linkpath") } },
	{ "readlink", RET_LONG, NEG, { S("pathname"), P("buf"), Z("bufsiz") } },
	{ "getcwd", RET_PTR, NUL, { P("buf"), Z("size") } },
	{ "opendir", RET_PTR, NUL, { S("name") } },
	{ "closedir", RET_INT, NEG, { P("dirp") } },
	{ "readdir", RET_PTR, NONE, { P("dirp") } }, /* NULL: the end, or an error */
	{ "readdir64", RET_PTR, NONE, { P("dirp") } },
	/* memory */
	{ "malloc", RET_PTR, NUL, { Z("size") } },
	{ "calloc", RET_PTR, NUL, { Z("nmemb"), Z("size") } },
	{ "realloc", RET_PTR, NUL, { P("ptr"), Z("size") } },
	{ "reallocarray", RET_PTR, NUL, { P("ptr"), Z("nmemb"), Z("size") } },
	{ "free", VOID, NONE, { P("ptr") } },
	{ "aligned_alloc", RET_PTR, NUL, { Z("alignment"), Z("size") } },
	{ "posix_memalign", RET_INT, ERRNUM, { P("memptr"), Z("alignment"), Z("size") } },
	{ "mmap", RET_PTR, PROTO_ERR_MAP_FAILED, { P("addr"), Z("length"), X("prot"), X("flags"), I("fd"), L("offset") } },
	{ "mmap64", RET_PTR, PROTO_ERR_MAP_FAILED, { P("addr"), Z("length"), X("prot"), X("flags"), I("fd"), L("offset") } },
	{ "munmap", RET_INT, NEG, { P("addr"), Z("length") } },
	{ "mprotect", RET_INT, NEG, { P("addr"), Z("len"), X("prot") } },
	/* strings and memory areas: no error convention */
	{ "strlen", RET_SIZE, NONE, { S("s") } },
	{ "strnlen", RET_SIZE, NONE, { S("s"), Z("maxlen") } },
	{ "strcmp", RET_INT, NONE, { S("s1"), S("s2") } },
	{ "strncmp", RET_INT, NONE, { S("s1"), S("s2"), Z("n") } },
	{ "strcasecmp", RET_INT, NONE, { S("s1"), S("s2") } },
	{ "strncasecmp", RET_INT, NONE, { S("s1"), S("s2"), Z("n") } },
	{ "strcpy", RET_PTR, NONE, { P("dest"), S("src") } },
	{ "strncpy", RET_PTR, NONE, { P("dest"), S("src"), Z("n") } },
	{ "strcat", RET_PTR, NONE, { S("dest"), S("src") } },
	{ "strdup", RET_PTR, NUL, { S("s") } },
	{ "strndup", RET_PTR, NUL, { S("s"), Z("n") } },
	{ "strchr", RET_PTR, NONE, { S("s"), I("c") } },
	{ "strrchr", RET_PTR, NONE, { S("s"), I("c") } },
	{ "strstr", RET_PTR, NONE, { S("haystack"), S("needle") } },
	{ "memcpy", RET_PTR, NONE, { P("dest"), P("src"), Z("n") } },
	{ "memmove", RET_PTR, NONE, { P("dest"), P("src"), Z("n") } },
	{ "memset", RET_PTR, NONE, { P("s"), I("c"), Z("n") } },
	{ "memcmp", RET_INT, NONE, { P("s1"), P("s2"), Z("n") } },
	{ "memchr", RET_PTR, NONE, { P("s"), I("c"), Z("n") } },
	{ "atoi", RET_INT, NONE, { S("nptr") } },
	{ "strtol", RET_LONG, NONE, { S("nptr"), P("endptr"), I("base") } },
	{ "strtoul", RET_SIZE, NONE, { S("nptr"), P("endptr"), I("base") } },
	/* stdio (printf's family: the fixed parameters) */
	{ "fopen", RET_PTR, NUL, { S("pathname"), S("mode") } },
	{ "fopen64", RET_PTR, NUL, { S("pathname"), S("mode") } },
	{ "fdopen", RET_PTR, NUL, { I("fd"), S("mode") } },
	{ "fclose", RET_INT, NEG, { P("stream") } },
	{ "fread", RET_SIZE, NONE, { P("ptr"), Z("size"), Z("nmemb"), P("stream") } },
	{ "fwrite", RET_SIZE, NONE, { P("ptr"), Z("size"), Z("nmemb"), P("stream") } },
	{ "fflush", RET_INT, NEG, { P("stream") } },
	{ "fgets", RET_PTR, NONE, { P("s"), I("size"), P("stream") } }, /* NULL: the end, or an error */
	{ "fputs", RET_INT, NEG, { S("s"), P("stream") } },
	{ "puts", RET_INT, NEG, { S("s") } },
	{ "fileno", RET_INT, NEG, { P("stream") } },
	{ "printf", RET_INT, NEG, { S("format") } },
	{ "fprintf", RET_INT, NEG, { P("stream"), S("format") } },
	{ "dprintf", RET_INT, NEG, { I("fd"), S("format") } },
	{ "sprintf", RET_INT, NEG, { P("str"), S("format") } },
	{ "snprintf", RET_INT, NEG, { P("str"), Z("size"), S("format") } },
	/* _FORTIFY_SOURCE's checked variants, which fortified programs call instead */
	{ "__printf_chk", RET_INT, NEG, { I("flag"), S("format") } },
	{ "__fprintf_chk", RET_INT, NEG, { P("stream"), I("flag"), S("format") } },
	{ "__sprintf_chk", RET_INT, NEG, { P("str"), I("flag"), Z("strlen"), S("format") } },
	{ "__snprintf_chk", RET_INT, NEG, { P("str"), Z("maxlen"), I("flag"), Z("strlen"), S("format") } },
	{ "__memcpy_chk", RET_PTR, NONE, { P("dest"), P("src"), Z("len"), Z("destlen") } },
	{ "__read_chk", RET_LONG, NEG, { I("fd"), P("buf"), Z("nbytes"), Z("buflen") } },
	/* the environment */
	{ "getenv", RET_PTR, NONE, { S("name") } }, /* NULL: not set */
	{ "secure_getenv", RET_PTR, NONE, { S("name") } },
	{ "setenv", RET_INT, NEG, { S("name"), S("value"), I("overwrite") } },
	{ "unsetenv", RET_INT, NEG, { S("name") } },
	/* sockets */
	{ "socket", RET_INT, NEG, { I("domain"), I("type"), I("protocol") } },
	{ "connect", RET_INT, NEG, { I("sockfd"), P("addr"), U("addrlen") } },
	{ "accept", RET_INT, NEG, { I("sockfd"), P("addr"), P("addrlen") } },
	{ "accept4", RET_INT, NEG, { I("sockfd"), P("addr"), P("addrlen"), X("flags") } },
	{ "bind", RET_INT, NEG, { I("sockfd"), P("addr"), U("addrlen") } },
	{ "listen", RET_INT, NEG, { I("sockfd"), I("backlog") } },
	{ "shutdown", RET_INT, NEG, { I("sockfd"), I("how") } },
	{ "send", RET_LONG, NEG, { I("sockfd"), P("buf"), Z("len"), X("flags") } },
	{ "recv", RET_LONG, NEG, { I("sockfd"), P("buf"), Z("len"), X("flags") } },
	{ "sendto", RET_LONG, NEG, { I("sockfd"), P("buf"), Z("len"), X("flags"), P("dest_addr"), U("addrlen") } },
	{ "recvfrom", RET_LONG, NEG, { I("sockfd"), P("buf"), Z("len"), X("flags"), P("src_addr"), P("addrlen") } },
	{ "sendmsg", RET_LONG, NEG, { I("sockfd"), P("msg"), X("flags") } },
	{ "recvmsg", RET_LONG, NEG, { I("sockfd"), P("msg"), X("flags") } },
	{ "setsockopt", RET_INT, NEG, { I("sockfd"), I("level"), I("optname"), P("optval"), U("optlen") } },
	{ "getsockopt", RET_INT, NEG, { I("sockfd"), I("level"), I("optname"), P("optval"), P("optlen") } },
	{ "getaddrinfo", RET_INT, ERRNUM, { S("node"), S("service"), P("hints"), P("res") } },
	{ "poll", RET_INT, NEG, { P("fds"), Z("nfds"), I("timeout") } },
	{ "select", RET_INT, NEG, { I("nfds"), P("readfds"), P("writefds"), P("exceptfds"), P("timeout") } },
	{ "epoll_create1", RET_INT, NEG, { X("flags") } },
	{ "epoll_ctl", RET_INT, NEG, { I("epfd"), I("op"), I("fd"), P("event") } },
	{ "epoll_wait", RET_INT, NEG, { I("epfd"), P("events"), I("maxevents"), I("timeout") } },
	/* processes, signals, time */
	{ "fork", RET_INT, NEG, { VOID } },
	{ "vfork", RET_INT, NEG, { VOID } },
	{ "execve", RET_INT, NEG, { S("pathname"), P("argv"), P("envp") } },
	{ "execvp", RET_INT, NEG, { S("file"), P("argv") } },
	{ "system", RET_INT, NEG, { S("command") } },
	{ "waitpid", RET_INT, NEG, { I("pid"), P("wstatus"), X("options") } },
	{ "wait", RET_INT, NEG, { P("wstatus") } },
	{ "kill", RET_INT, NEG, { I("pid"), I("sig") } },
	{ "raise", RET_INT, ERRNUM, { I("sig") } },
	{ "sigaction", RET_INT, NEG, { I("signum"), P("act"), P("oldact") } },
	{ "exit", VOID, NONE, { I("status") } },
	{ "_exit", VOID, NONE, { I("status") } },
	{ "getpid", RET_INT, NONE, { VOID } },
	{ "getppid", RET_INT, NONE, { VOID } },
	{ "getuid", U("retval"), NONE, { VOID } },
	{ "nanosleep", RET_INT, NEG, { P("req"), P("rem") } },
	{ "usleep", RET_INT, NEG, { U("usec") } },
	{ "sleep", U("retval"), NONE, { U("seconds") } },
	{ "clock_gettime", RET_INT, NEG, { I("clockid"), P("tp") } },
	{ "gettimeofday", RET_INT, NEG, { P("tv"), P("tz") } },
	/* threads: 0, or an errno number */
	{ "pthread_create", RET_INT, ERRNUM, { P("thread"), P("attr"), P("start_routine"), P("arg") } },
	{ "pthread_join", RET_INT, ERRNUM, { XL("thread"), P("retval") } },
	{ "pthread_detach", RET_INT, ERRNUM, { XL("thread") } },
	{ "pthread_mutex_lock", RET_INT, ERRNUM, { P("mutex") } },
	{ "pthread_mutex_trylock", RET_INT, ERRNUM, { P("mutex") } },
	{ "pthread_mutex_unlock", RET_INT, ERRNUM, { P("mutex") } },
	{ "pthread_cond_wait", RET_INT, ERRNUM, { P("cond"), P("mutex") } },
	{ "pthread_cond_timedwait", RET_INT, ERRNUM, { P("cond"), P("mutex"), P("abstime") } },
	{ "pthread_cond_signal", RET_INT, ERRNUM, { P("cond") } },
	{ "pthread_cond_broadcast", RET_INT, ERRNUM, { P("cond") } },
	/* the dynamic linker's interface */
	{ "dlopen", RET_PTR, NUL, { S("filename"), X("flags") } },
	{ "dlsym", RET_PTR, NUL, { P("handle"), S("symbol") } },
	{ "dlclose", RET_INT, ERRNUM, { P("handle") } },
	{ "dlerror", RET_PTR, NONE, { VOID } },
};

#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

bool libc_protos__is_libc(const char *path)
{
	return module__matches("libc", path) || module__matches("libpthread", path) ||
	       module__matches("libdl", path);
}

const char *libc_protos__name(size_t i)
{
	return i < NPROTOS ? protos[i].name : NULL;
}

int libc_protos__lookup(const char *name, struct dwarf_proto *out)
{
	const struct libc_proto *lp = NULL;
	size_t i;

	for (i = 0; name && !lp && i < NPROTOS; i++)
		if (!strcmp(protos[i].name, name))
			lp = &protos[i];
	if (!lp)
		return 0;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < ARG_MAX_REGS && lp->params[i].name; i++) {
		struct dwarf_param *p = &out->params[out->nparams++];

		snprintf(p->name, sizeof(p->name), "%s", lp->params[i].name);
		p->item = (struct arg_item){ .position = (uint8_t)(i + 1), .kind = lp->params[i].kind,
					     .bits = lp->params[i].bits };
	}
	out->has_ret = lp->ret.name != NULL;
	out->ret = (struct arg_item){ .position = 0, .kind = lp->ret.kind, .bits = lp->ret.bits };
	out->ret_error = lp->error;
	return 1;
}
