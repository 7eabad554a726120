# Programs traced by the fault suite (tests/faults/case_*.sh), built into $(OUTPUT)/faults.
# tests/faults/progs/NAME.c -> $(OUTPUT)/faults/NAME, with the flags of tests/progs (every call a real call).
FAULT_PROGS := $(patsubst tests/faults/progs/%.c,$(OUTPUT)/faults/%,$(wildcard tests/faults/progs/*.c))
PROGS += $(FAULT_PROGS)

$(OUTPUT)/faults:
	$(Q)mkdir -p $@

$(OUTPUT)/faults/%: tests/faults/progs/%.c | $(OUTPUT)/faults
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) $< -o $@
# progs.mk's rule was read before PROGS grew: name them here too.
progs: $(FAULT_PROGS)
