# libFuzzer targets of ferret's parsers: tests/fuzz/fuzz_NAME.c, each with a seed corpus
# in tests/fuzz/corpus/NAME/. `make fuzz` builds them with clang (ASan + UBSan) into
# build/fuzz/; run one with scripts/fuzz.sh NAME [SECONDS].
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_SRCS := $(filter-out userspace/main.c userspace/trace/% userspace/cmd/%,$(SRCS)) $(VIEW_PAGE_C)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -Iuserspace -I. \
	-DFERRET_VERSION='"$(VERSION)"' \
	-fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer

.PHONY: fuzz
fuzz: $(FUZZ_BINS)

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRCS) $(LDLIBS) -o $@
