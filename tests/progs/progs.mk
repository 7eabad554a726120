# Programs traced by the end-to-end tests, built into $(OUTPUT)/progs.
# Plain ones: tests/progs/NAME.c -> $(OUTPUT)/progs/NAME, no inlining so every call is a real call.
PROG_CFLAGS := -O0 -g -fno-inline -fno-omit-frame-pointer -pthread -Iuserspace/include
PLAIN_PROGS := $(patsubst tests/progs/%.c,$(OUTPUT)/progs/%,$(wildcard tests/progs/*.c))
# Special builds (PIE/non-PIE/stripped/shared library) append themselves to PROGS below.
PROGS := $(PLAIN_PROGS)

$(OUTPUT)/progs/%: tests/progs/%.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) $< -o $@

-include tests/progs/special.mk



# 10,000 generated functions: attach/detach at scale.
$(OUTPUT)/progs/many_funcs.c: scripts/gen_many_funcs.sh | $(OUTPUT)/progs
	$(call msg,GEN,$@)
	$(Q)bash $< 10000 > $@
$(OUTPUT)/progs/many_funcs: $(OUTPUT)/progs/many_funcs.c
	$(call msg,CC,$@)
	$(Q)$(CC) -O0 -g $< -o $@
PROGS += $(OUTPUT)/progs/many_funcs

# calls.c with each kind of function entry, for probe placement:
# endbr64 then push (CET), a 5-byte nop (compiled -pg -mfentry -mnop-mcount, linked without
# -pg so no gmon.out), and -O2 (entries such as mov/lea/add that are single-stepped).
$(OUTPUT)/progs/calls_cet: tests/progs/calls.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O0 -g -fno-inline -fcf-protection=full $< -o $@
$(OUTPUT)/progs/calls_nop5: tests/progs/calls.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O0 -g -fno-inline -pg -mfentry -mnop-mcount -fno-pie -c $< -o $@.o
	$(Q)$(CC) -no-pie $@.o -o $@ && rm -f $@.o
$(OUTPUT)/progs/calls_o2: tests/progs/calls.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -fno-inline -fno-optimize-sibling-calls -fno-ipa-icf $< -o $@
PROGS += $(OUTPUT)/progs/calls_cet $(OUTPUT)/progs/calls_nop5 $(OUTPUT)/progs/calls_o2

# Go: a program whose goroutine stacks move while it runs, and Go code as a C shared
# library, for the refusal of return probes on Go modules. Standard library only, with
# caches under $(OUTPUT), so it builds offline; -gcflags=-l keeps every call a call.
GO ?= go
GO_ENV := GOCACHE=$(abspath $(OUTPUT))/go-cache GOPATH=$(abspath $(OUTPUT))/go-path \
	GOFLAGS=-mod=mod GOTOOLCHAIN=local
$(OUTPUT)/progs/go_calls: tests/progs/go/calls/main.go | $(OUTPUT)/progs
	$(call msg,GO,$@)
	$(Q)$(GO_ENV) $(GO) build -gcflags=-l -o $@ $<
# The same program without .symtab or DWARF: its names only in the function table.
$(OUTPUT)/progs/go_calls_stripped: tests/progs/go/calls/main.go | $(OUTPUT)/progs
	$(call msg,GO,$@)
	$(Q)$(GO_ENV) $(GO) build -gcflags=-l -ldflags='-s -w' -o $@ $<
# Goroutines for tracing Go code (test_go_trace.sh), and the same stripped.
$(OUTPUT)/progs/go_trace: tests/progs/go/trace/main.go | $(OUTPUT)/progs
	$(call msg,GO,$@)
	$(Q)$(GO_ENV) $(GO) build -o $@ $<
$(OUTPUT)/progs/go_trace_stripped: tests/progs/go/trace/main.go | $(OUTPUT)/progs
	$(call msg,GO,$@)
	$(Q)$(GO_ENV) $(GO) build -ldflags='-s -w' -o $@ $<
$(OUTPUT)/progs/libgocalls.so: tests/progs/go/lib/lib.go | $(OUTPUT)/progs
	$(call msg,GO,$@)
	$(Q)$(GO_ENV) $(GO) build -buildmode=c-shared -o $@ $<
$(OUTPUT)/progs/go_uselib: tests/progs/go/lib/go_uselib.c $(OUTPUT)/progs/libgocalls.so
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) $< -L$(OUTPUT)/progs -lgocalls -Wl,-rpath,'$$ORIGIN' -o $@
PROGS += $(OUTPUT)/progs/go_calls $(OUTPUT)/progs/go_calls_stripped $(OUTPUT)/progs/go_trace $(OUTPUT)/progs/go_trace_stripped \
	$(OUTPUT)/progs/libgocalls.so $(OUTPUT)/progs/go_uselib

# One program with a fixed build-id: rebuilt_named; rebuilt_unnamed, the same file with
# work renamed sub_1139 as a nameless body would be (objcopy keeps the build-id); and
# rebuilt_other, the same source under another build-id (a replaced file).
$(OUTPUT)/progs/rebuilt_named: tests/progs/special/rebuilt.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -Wl,--build-id=0x1234567890abcdef1234567890abcdef12345678 $< -o $@
$(OUTPUT)/progs/rebuilt_unnamed: $(OUTPUT)/progs/rebuilt_named
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy --redefine-sym work=sub_1139 $< $@
$(OUTPUT)/progs/rebuilt_other: tests/progs/special/rebuilt.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -Wl,--build-id=0xfedcba0987654321fedcba0987654321fedcba09 $< -o $@
PROGS += $(OUTPUT)/progs/rebuilt_named $(OUTPUT)/progs/rebuilt_unnamed $(OUTPUT)/progs/rebuilt_other

# Static functions found through .eh_frame once stripped: -O2 (sp_check.cold), built with
# .symtab (the truth the tests compare with) and stripped (stripped_static_s).
$(OUTPUT)/progs/stripped_static: tests/progs/stripped_static.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -fno-optimize-sibling-calls $< -o $@
$(OUTPUT)/progs/stripped_static_s: $(OUTPUT)/progs/stripped_static
	$(call msg,STRIP,$@)
	$(Q)strip -o $@ $<
# The same with a crtbegin.o that has unwind tables (tests/progs/startup): the startup
# code between _start and the program is left out.
CRT = $(shell $(CC) -print-file-name=$(1))
$(OUTPUT)/progs/stripped_startup: tests/progs/stripped_static.c tests/progs/startup/crtbegin_cfi.c \
		| $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g -fno-optimize-sibling-calls -nostartfiles $(call CRT,Scrt1.o) \
		$(call CRT,crti.o) tests/progs/startup/crtbegin_cfi.c $< $(call CRT,crtn.o) -o $@
$(OUTPUT)/progs/stripped_startup_s: $(OUTPUT)/progs/stripped_startup
	$(call msg,STRIP,$@)
	$(Q)strip -o $@ $<
PROGS += $(OUTPUT)/progs/stripped_static_s $(OUTPUT)/progs/stripped_startup_s

# Rust, the same program with v0 symbols (-C symbol-mangling-version=v0) and with rustc's
# default legacy ones, for demangling and generic instances; left out without rustc
# (MAKEFLAGS emptied: rustc would look for a jobserver make does not hand it).
RUSTC ?= $(shell command -v rustc 2>/dev/null)
ifneq ($(RUSTC),)
$(OUTPUT)/progs/rust_v0: tests/progs/rust_v0.rs | $(OUTPUT)/progs
	$(call msg,RUSTC,$@)
	$(Q)MAKEFLAGS= $(RUSTC) -C symbol-mangling-version=v0 -C opt-level=1 -g $< -o $@
$(OUTPUT)/progs/rust_legacy: tests/progs/rust_v0.rs | $(OUTPUT)/progs
	$(call msg,RUSTC,$@)
	$(Q)MAKEFLAGS= $(RUSTC) -C opt-level=1 -g $< -o $@
PROGS += $(OUTPUT)/progs/rust_v0 $(OUTPUT)/progs/rust_legacy
endif

# Stripped programs named only by their separate debug file, in .debug/ beside them and
# tied to them by .gnu_debuglink: dbg_demo by its build-id too, dbg_nobid (no build-id)
# by the debuglink's CRC32 alone.
$(OUTPUT)/progs/dbg_demo $(OUTPUT)/progs/dbg_nobid: $(OUTPUT)/progs/%: tests/progs/debug/dbg_demo.c \
		| $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)/.debug
	$(Q)$(CC) $(PROG_CFLAGS) -Wl,--build-id=$(if $(filter dbg_nobid,$*),none,sha1) $< -o $@.full
	$(Q)objcopy --only-keep-debug $@.full $(@D)/.debug/$*.debug
	$(Q)strip --strip-all $@.full -o $@.stripped
	$(Q)objcopy --add-gnu-debuglink=$(@D)/.debug/$*.debug $@.stripped $@
	$(Q)rm -f $@.full $@.stripped
PROGS += $(OUTPUT)/progs/dbg_demo $(OUTPUT)/progs/dbg_nobid

# args.c without debug information: -a has no DWARF, -A/-R specs still work.
$(OUTPUT)/progs/args_nodebug: tests/progs/args.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O0 -fno-inline $< -o $@
PROGS += $(OUTPUT)/progs/args_nodebug


# Explicit spans: spans.c includes ferret.h (PROG_CFLAGS' -Iuserspace/include).
$(OUTPUT)/progs/spans: userspace/include/ferret.h

progs: $(PROGS)
