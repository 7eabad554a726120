# Programs and tools of `make bench`, built into $(OUTPUT)/bench. Included by the Makefile.
# hot_loop.c once per kind of function entry, plus a -pg (mcount) twin of each for uftrace;
# the nop5 builds link without -pg: no gprof start-up files, no profiling timer, no gmon.out.
BENCH_OUT := $(OUTPUT)/bench
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -g -Wall -Wextra -Werror
BENCH_NOP5 := -pg -mfentry -mnop-mcount -fno-pie -O2
BENCH_PUSH := -O0 -fno-omit-frame-pointer -fcf-protection=none
BENCH_ENDBR := -O0 -fno-omit-frame-pointer -fcf-protection=full
BENCH_PROGS := $(addprefix $(BENCH_OUT)/,hot_nop5 hot_nop5_pg hot_push hot_push_pg \
	hot_endbr64 hot_endbr64_pg threads2 bench_calls_pg bench_ingest gen_spans comp_parent \
	floor_probe span_pairs hot_args pingpong)

bench-progs: $(BENCH_PROGS)

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/hot_nop5: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_NOP5) -c $< -o $@.o
	$(Q)$(CC) -no-pie $@.o -o $@ && rm -f $@.o

$(BENCH_OUT)/threads2: tests/bench/threads2.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_NOP5) -pthread -c $< -o $@.o
	$(Q)$(CC) -no-pie -pthread $@.o -o $@ && rm -f $@.o

# pingpong: context switches of traced threads (--no-sched side by side).
$(BENCH_OUT)/pingpong: tests/bench/pingpong.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) -O2 -pthread $< -o $@

$(BENCH_OUT)/hot_nop5_pg: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) -pg -O2 $< -o $@

$(BENCH_OUT)/hot_push: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_PUSH) $< -o $@

$(BENCH_OUT)/hot_push_pg: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_PUSH) -pg $< -o $@

$(BENCH_OUT)/hot_endbr64: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_ENDBR) $< -o $@

$(BENCH_OUT)/hot_endbr64_pg: tests/bench/hot_loop.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_ENDBR) -pg $< -o $@

# uftrace's side of the analyze comparison: the same call shapes as gen_spans.
$(BENCH_OUT)/bench_calls_pg: tests/bench/bench_calls.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -O2 -pg -fno-inline $< -o $@

# The tools link ferret's own objects: the real decoding and storage path.
$(BENCH_OUT)/bench_ingest $(BENCH_OUT)/gen_spans: $(BENCH_OUT)/%: tests/bench/%.c $(LIB_OBJS) \
		| $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

# The compensation check (scripts/bench_comp.sh): nop5 entries, push ones where not instrumented.
$(BENCH_OUT)/comp_parent: tests/bench/comp_parent.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_NOP5) -fno-omit-frame-pointer -fcf-protection=none -c $< -o $@.o
	$(Q)$(CC) -no-pie $@.o -o $@ && rm -f $@.o

# The kernel floor: bpf/floor.bpf.c's empty programs, attached like ferret's (libbpf directly:
# a bench tool, not part of ferret).
$(BENCH_OUT)/floor_probe: tests/bench/floor_probe.c $(OUTPUT)/floor.skel.h | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) -O2 -MMD -MP -I$(OUTPUT) $< -lbpf -lelf -lz -lpthread -o $@

# Explicit spans: FERRET_BEGIN/FERRET_END pairs, untraced and traced (scripts/bench_spans.sh).
$(BENCH_OUT)/span_pairs: tests/bench/span_pairs.c userspace/include/ferret.h | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) -O2 -Iuserspace/include $< -o $@
# -A/-R's cost per call (part "args"): 5-byte-nop entries, as the plain figure it is compared with.
$(BENCH_OUT)/hot_args: tests/bench/hot_args.c | $(BENCH_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $(BENCH_NOP5) -c $< -o $@.o
	$(Q)$(CC) -no-pie $@.o -o $@ && rm -f $@.o
