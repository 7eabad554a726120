/* elf/libc_protos: the built-in libc prototypes, and which modules they are for. */
#include "check.h"
#include "elf/libc_protos.h"

static void test_lookup(void)
{
	struct dwarf_proto p;
	char fmt[16];

	EXPECT_EQ(libc_protos__lookup("open", &p), 1);
	EXPECT_EQ(p.nparams, 2); /* mode is variadic: not captured */
	EXPECT_STR(p.params[0].name, "pathname");
	EXPECT_EQ(p.params[0].item.position, 1);
	EXPECT_EQ(p.params[0].item.kind, ARG_STRING);
	EXPECT_STR(p.params[1].name, "flags");
	EXPECT_STR(arg_item__format(&p.params[1].item, fmt, sizeof(fmt)), "x32");
	EXPECT(p.has_ret);
	EXPECT_STR(arg_item__format(&p.ret, fmt, sizeof(fmt)), "i32");
	EXPECT_EQ(p.ret_error, PROTO_ERR_NEG);
	EXPECT_EQ(libc_protos__lookup("write", &p), 1);
	EXPECT_EQ(p.nparams, 3);
	EXPECT_STR(arg_item__format(&p.params[2].item, fmt, sizeof(fmt)), "u");
	EXPECT_STR(arg_item__format(&p.ret, fmt, sizeof(fmt)), "d");
	EXPECT_EQ(libc_protos__lookup("malloc", &p), 1);
	EXPECT_EQ(p.ret.kind, ARG_POINTER);
	EXPECT_EQ(p.ret_error, PROTO_ERR_NULL);
	EXPECT_EQ(libc_protos__lookup("free", &p), 1);
	EXPECT(!p.has_ret);
	EXPECT_EQ(libc_protos__lookup("strcmp", &p), 1);
	EXPECT_EQ(p.ret_error, PROTO_ERR_NONE); /* -1 is an order, not an error */
	EXPECT_EQ(libc_protos__lookup("pthread_mutex_lock", &p), 1);
	EXPECT_EQ(p.ret_error, PROTO_ERR_NONZERO);
	EXPECT_EQ(libc_protos__lookup("mmap", &p), 1);
	EXPECT_EQ(p.nparams, 6);
	EXPECT_EQ(p.ret_error, PROTO_ERR_MAP_FAILED);
	EXPECT_EQ(libc_protos__lookup("getpid", &p), 1);
	EXPECT_EQ(p.nparams, 0);
	EXPECT_EQ(libc_protos__lookup("no_such_function", &p), 0);
	EXPECT_EQ(libc_protos__lookup(NULL, &p), 0);
}

/* Every entry once, at most 6 parameters in registers 1.., names and widths set, a string
 * never returned (a returned char * is an address). */
static void test_table(void)
{
	struct dwarf_proto p;
	const char *name;
	size_t i, j, n = 0;

	for (i = 0; (name = libc_protos__name(i)); i++, n++) {
		for (j = 0; j < i; j++)
			if (!strcmp(libc_protos__name(j), name))
				{ printf("    %s twice\n", name); check__failed_in_test = 1; }
		EXPECT_EQ(libc_protos__lookup(name, &p), 1);
		EXPECT(p.nparams <= ARG_MAX_REGS);
		for (j = 0; j < p.nparams; j++)
			EXPECT(p.params[j].item.position == j + 1 && p.params[j].name[0] && p.params[j].item.bits);
		EXPECT(!p.has_ret || (p.ret.kind != ARG_STRING && p.ret.bits));
		EXPECT(p.has_ret || p.ret_error == PROTO_ERR_NONE);
	}
	EXPECT(n >= 100);
}

static void test_modules(void)
{
	EXPECT(libc_protos__is_libc("/lib/x86_64-linux-gnu/libc.so.6"));
	EXPECT(libc_protos__is_libc("/lib/libc-2.31.so"));
	EXPECT(libc_protos__is_libc("/lib/x86_64-linux-gnu/libpthread.so.0"));
	EXPECT(libc_protos__is_libc("/lib/x86_64-linux-gnu/libdl.so.2"));
	EXPECT(!libc_protos__is_libc("/usr/bin/gzip"));
	EXPECT(!libc_protos__is_libc("/usr/lib/libcrypto.so.3"));
	EXPECT(!libc_protos__is_libc("/home/me/libcool.so"));
}

int main(void)
{
	RUN(test_lookup);
	RUN(test_table);
	RUN(test_modules);
	CHECK_EXIT();
}
