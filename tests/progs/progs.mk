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



# 10,000 generated functions: attach/detach at scale.
$(OUTPUT)/progs/many_funcs.c: scripts/gen_many_funcs.sh | $(OUTPUT)/progs
	$(call msg,GEN,$@)
	$(Q)bash $< 10000 > $@
$(OUTPUT)/progs/many_funcs: $(OUTPUT)/progs/many_funcs.c
	$(call msg,CC,$@)
	$(Q)$(CC) -O0 -g $< -o $@
PROGS += $(OUTPUT)/progs/many_funcs
progs: $(PROGS)
