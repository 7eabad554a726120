# Programs traced by the end-to-end tests, built into $(OUTPUT)/progs.
# Plain ones: tests/progs/NAME.c -> $(OUTPUT)/progs/NAME, no inlining so every call is a real call.
PROG_CFLAGS := -O0 -g -fno-inline -fno-omit-frame-pointer -pthread
PLAIN_PROGS := $(patsubst tests/progs/%.c,$(OUTPUT)/progs/%,$(wildcard tests/progs/*.c))
# Special builds (PIE/non-PIE/stripped/shared library) append themselves to PROGS below.
PROGS := $(PLAIN_PROGS)

$(OUTPUT)/progs/%: tests/progs/%.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) $< -o $@

-include tests/progs/special.mk

progs: $(PROGS)
