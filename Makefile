# ferret: a function tracer built on eBPF uprobes, spans stored in SQLite.
# `make` builds build/ferret; `make demo`, `make test`, `make bench`, `make asan`.
OUTPUT ?= build
PREFIX ?= /usr/local
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
CC ?= cc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

SANITIZE ?=
CFLAGS := -std=c11 -D_GNU_SOURCE -g -O2 -Wall -Wextra -Werror -MMD -MP \
	-I$(OUTPUT) -Iuserspace -I. -DFERRET_VERSION='"$(VERSION)"' $(EXTRA_CFLAGS)
LDLIBS := -lbpf -ldw -ldebuginfod -lelf -lz -lsqlite3 -lcapstone -liberty -lstdc++ -lpthread -lm
# The unit tests parse ferret's JSON output with cJSON; ferret itself writes it with core/jsonw.
TEST_LDLIBS := -lcjson
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -O1
LDFLAGS += -fsanitize=address,undefined
endif
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux -Ibpf -Wall -Werror
# libbpf's usdt.bpf.h includes <linux/errno.h>, which needs the host's <asm/errno.h>.
BPF_CFLAGS += -idirafter /usr/include/$(shell $(CC) -dumpmachine)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# userspace/ is layered: main.c dispatches to cmd/, which uses the folders below it
# (each folder's README says what it may include; scripts/check_layers.sh checks it).
SRCS := userspace/main.c $(wildcard userspace/*/*.c)
OBJS := $(SRCS:userspace/%.c=$(OUTPUT)/obj/%.o)
# ferret view's page (userspace/export/view/), built in as a C string by scripts/embed_view.sh.
VIEW_PAGE_C := $(OUTPUT)/gen/view_page_data.c
OBJS += $(OUTPUT)/obj/gen/view_page_data.o
LIB_OBJS := $(filter-out $(OUTPUT)/obj/main.o,$(OBJS))
BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(OUTPUT)/%.skel.h)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OUTPUT)/tests/%)

.PHONY: all deps demo check test unit layers bench bench-progs asan install clean vmlinux progs
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/ferret

deps:
	$(Q)bash scripts/setup.sh

$(OUTPUT)/ferret: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/obj/%.o: userspace/%.c $(SKELS) | $(OUTPUT)/obj
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(VIEW_PAGE_C): $(wildcard userspace/export/view/*) scripts/embed_view.sh
	$(call msg,EMBED,$@)
	$(Q)mkdir -p $(@D)
	$(Q)bash scripts/embed_view.sh $@ userspace/export/view/page.html userspace/export/view/view.css \
		$(addprefix userspace/export/view/,i18n.js model.js tree.js flame.js diff.js app.js)

$(OUTPUT)/obj/gen/view_page_data.o: $(VIEW_PAGE_C)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) vmlinux/vmlinux.h | $(OUTPUT)/obj
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.o=.tmp.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.o=.tmp.o)
	$(Q)rm -f $(@:.o=.tmp.o)

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) $(TEST_LDLIBS) -o $@

$(OUTPUT)/obj $(OUTPUT)/tests $(OUTPUT)/progs:
	$(Q)mkdir -p $@

# vmlinux.h is generated from the running kernel's BTF and committed.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/vmlinux.h

# Programs the end-to-end tests trace (tests/progs/progs.mk lists their builds).
include tests/progs/progs.mk
# Programs of the fault suite (tests/faults/faults.mk).
include tests/faults/faults.mk
# Programs and tools of `make bench` (tests/bench/bench.mk).
include tests/bench/bench.mk
# libFuzzer targets of the parsers (tests/fuzz/fuzz.mk): `make fuzz`, scripts/fuzz.sh NAME.
include tests/fuzz/fuzz.mk

unit: $(UNIT_BINS)

# Which folder may include which: fails on a forbidden include or a cycle between folders.
layers:
	$(Q)bash scripts/check_layers.sh

# The layer check and the unit tests, as any user, installing nothing (the ELF tests read
# the programs of tests/progs, so those are built too).
check: all unit progs
	$(Q)FERRET_BUILD=$(OUTPUT) FERRET_UNIT_ONLY=1 bash tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all progs
	$(Q)bash scripts/demo.sh $(OUTPUT)

test: deps
	$(Q)$(MAKE) --no-print-directory all unit progs
	$(Q)FERRET_BUILD=$(OUTPUT) bash tests/run.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all progs bench-progs
	$(Q)FERRET_BUILD=$(OUTPUT) bash scripts/bench.sh

asan:
	$(Q)$(MAKE) --no-print-directory OUTPUT=build/asan SANITIZE=1 test

install: $(OUTPUT)/ferret
	install -D -m 0755 $(OUTPUT)/ferret $(DESTDIR)$(PREFIX)/bin/ferret
	install -D -m 0644 userspace/include/ferret.h $(DESTDIR)$(PREFIX)/include/ferret.h

clean:
	rm -rf build

-include $(wildcard $(OUTPUT)/obj/*.d $(OUTPUT)/obj/*/*.d $(OUTPUT)/tests/*.d $(OUTPUT)/bench/*.d)
