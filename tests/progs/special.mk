# Programs that need special builds (PIE / non-PIE / stripped / shared library /
# aliases), for the ELF unit tests and end-to-end tests. Included by progs.mk.
SPECIAL := tests/progs/special
PROGS += $(OUTPUT)/progs/elf_pie $(OUTPUT)/progs/elf_nopie $(OUTPUT)/progs/elf_stripped \
	$(OUTPUT)/progs/libferretdemo.so $(OUTPUT)/progs/elf_uselib $(OUTPUT)/progs/elf_alias \
	$(OUTPUT)/progs/elf_cold $(OUTPUT)/progs/cxx_demo

# -rdynamic exports the global functions to .dynsym, so the stripped copy keeps them.
$(OUTPUT)/progs/elf_pie: $(SPECIAL)/elf_demo.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -fPIE -pie -rdynamic $< -o $@

$(OUTPUT)/progs/elf_nopie: $(SPECIAL)/elf_demo.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -fno-pie -no-pie $< -o $@

$(OUTPUT)/progs/elf_stripped: $(OUTPUT)/progs/elf_pie
	$(call msg,STRIP,$@)
	$(Q)strip -o $@ $<

$(OUTPUT)/progs/libferretdemo.so: $(SPECIAL)/libferretdemo.c $(SPECIAL)/libferretdemo.h \
		| $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -fPIC -shared -Wl,-soname,libferretdemo.so $< -o $@

# '$$ORIGIN': the program finds the library next to itself, wherever build/ is.
$(OUTPUT)/progs/elf_uselib: $(SPECIAL)/elf_uselib.c $(OUTPUT)/progs/libferretdemo.so \
		| $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) -I$(SPECIAL) $< -L$(OUTPUT)/progs -lferretdemo \
		-Wl,-rpath,'$$ORIGIN' -o $@

$(OUTPUT)/progs/elf_alias: $(SPECIAL)/elf_alias.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) $(PROG_CFLAGS) $< -o $@

# -O2: GCC splits check()'s unlikely path into check.cold.
$(OUTPUT)/progs/elf_cold: $(SPECIAL)/elf_cold.c | $(OUTPUT)/progs
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -g $< -o $@

# Explicit spans in C++ (ferret.h's RAII guard).
$(OUTPUT)/progs/spans_cxx: $(SPECIAL)/spans_cxx.cc userspace/include/ferret.h | $(OUTPUT)/progs
	$(call msg,CXX,$@)
	$(Q)$(CXX) -O2 -g -Iuserspace/include $< -o $@
PROGS += $(OUTPUT)/progs/spans_cxx

$(OUTPUT)/progs/cxx_demo: $(SPECIAL)/cxx_demo.cc | $(OUTPUT)/progs
	$(call msg,CXX,$@)
	$(Q)$(CXX) -O2 -g $< -o $@
