#!/usr/bin/env bash
# `make bench`: ferret's overhead measured side by side with bpftrace and uftrace in one
# run, on this machine. Prints one table (stdout; progress goes to stderr) and writes it
# as JSON to $FERRET_BUILD/bench/results.json. A benchmark, not a test: no PASS/FAIL.
#
#   FERRET_BUILD=build bash scripts/bench.sh     (after `make all progs`; needs root)
#   BENCH_PARTS="calls attach ingest e2e"  BENCH_REPS=5   select parts / runs per figure
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
FERRET_BUILD=$(realpath "${FERRET_BUILD:-build}")
FERRET=$FERRET_BUILD/ferret
MANY_FUNCS=$FERRET_BUILD/progs/many_funcs
BENCH_DIR=$FERRET_BUILD/bench
REPS=${BENCH_REPS:-5}
PARTS=${BENCH_PARTS:-calls attach ingest e2e}
HOT_CALLS=${BENCH_HOT_CALLS:-2000000} # calls per run of the hot loop, unless that would take too long:
CALL_BUDGET_S=4		  # ... then as many as fit in this many seconds of traced loop
BPFTRACE_MAX_RUN_S=120	  # bpftrace attach runs estimated longer than this are skipped
BPFTRACE_BUDGET_S=100	  # repeats of bpftrace attach runs stop after this many seconds
SAMPLES=$BENCH_DIR/samples.tsv

source scripts/bench_lib.sh
source scripts/bench_calls.sh
source scripts/bench_attach.sh
source scripts/bench_ingest.sh
source scripts/bench_e2e.sh

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# The hot loop once per kind of function entry, plus a -pg (mcount) twin for uftrace.
build_programs() {
	local cflags="-std=c11 -D_GNU_SOURCE -g -Wall -Wextra -Werror" nop5="-pg -mfentry -mnop-mcount -fno-pie -no-pie -O2"
	local push="-O0 -fno-omit-frame-pointer -fcf-protection=none" endbr="-O0 -fno-omit-frame-pointer -fcf-protection=full"
	local obj=$FERRET_BUILD/obj store_objs
	mkdir -p "$BENCH_DIR" || return 1
	# nop5 builds link without -pg: no gprof start-up files, no profiling timer, no gmon.out.
	# shellcheck disable=SC2086
	cc $cflags $nop5 -c bench/progs/hot.c -o "$BENCH_DIR/hot_nop5.o" &&
		cc -no-pie "$BENCH_DIR/hot_nop5.o" -o "$BENCH_DIR/hot_nop5" &&
		cc $cflags $nop5 -pthread -c bench/progs/threads2.c -o "$BENCH_DIR/threads2.o" &&
		cc -no-pie -pthread "$BENCH_DIR/threads2.o" -o "$BENCH_DIR/threads2" &&
		cc $cflags -pg -O2 bench/progs/hot.c -o "$BENCH_DIR/hot_nop5_pg" &&
		cc $cflags $push bench/progs/hot.c -o "$BENCH_DIR/hot_push" &&
		cc $cflags $push -pg bench/progs/hot.c -o "$BENCH_DIR/hot_push_pg" &&
		cc $cflags $endbr bench/progs/hot.c -o "$BENCH_DIR/hot_endbr64" &&
		cc $cflags $endbr -pg bench/progs/hot.c -o "$BENCH_DIR/hot_endbr64_pg" || return 1
	# The real decoding and storage path, as ferret links it.
	store_objs=$(ls "$obj"/store*.o)
	# shellcheck disable=SC2086
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iuserspace -Ibpf -I"$FERRET_BUILD" \
		tests/tools/bench_ingest.c "$obj"/ingest.o "$obj"/spans.o "$obj"/log.o "$obj"/util.o $store_objs \
		-lsqlite3 -lpthread -lm -o "$BENCH_DIR/bench_ingest"
}

record_machine() {
	sample machine.kernel "$(uname -r)"
	sample machine.cpus "$(nproc)"
	sample machine.cpu "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
	sample machine.date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	sample machine.ferret "$("$FERRET" --version 2>&1 | head -1)"
	sample machine.bpftrace "$(bpftrace --version 2>&1 | head -1)"
	sample machine.uftrace "$(uftrace --version 2>&1 | head -1 | awk '{ print $1, $2 }')"
	sample machine.cc "$(cc --version | head -1)"
	sample machine.sqlite "$(sqlite3 --version | awk '{ print $1 }')"
	sample machine.reps "$REPS"
}

[ "$(id -u)" -eq 0 ] || die "run as root (uprobes need it): sudo make bench"
[ -x "$FERRET" ] || die "$FERRET is missing: run make first"
[ -x "$MANY_FUNCS" ] || die "$MANY_FUNCS is missing: run make progs first"
bash scripts/setup-bench.sh || die "could not install bpftrace and uftrace (scripts/setup-bench.sh)"
build_programs || die "could not build the benchmark programs"

WORK=$(mktemp -d /tmp/ferret-bench.XXXXXX) || die "cannot create a work directory"
BENCH_BG_PID= # the bpftrace running in the background, if any: stopped if we are
on_exit() {
	[ -z "$BENCH_BG_PID" ] || stop_pid "$BENCH_BG_PID" 5
	rm -rf "$WORK"
}
trap on_exit EXIT
trap 'exit 130' INT TERM
cd "$WORK" || die "cannot enter $WORK" # whatever the programs leave behind goes there
: > "$SAMPLES"
record_machine
started=$(now_s)
for part in $PARTS; do
	case $part in
	calls | attach | ingest | e2e) "bench_$part" ;;
	*) die "unknown part '$part' (calls, attach, ingest, e2e)" ;;
	esac
done
sample machine.bench_seconds "$(elapsed "$started" "$(now_s)")"
bash "$ROOT/scripts/bench_report.sh" "$SAMPLES" "$BENCH_DIR/results.json"
