#!/usr/bin/env bash
# `make bench`: ferret's overhead measured side by side with bpftrace and uftrace in one
# run, on this machine. Prints one table (stdout; progress goes to stderr) and writes it
# as JSON to $FERRET_BUILD/bench/results.json. A benchmark, not a test: no PASS/FAIL.
#
#   FERRET_BUILD=build bash scripts/bench.sh     (after `make all progs bench-progs`; needs root)
#   BENCH_PARTS="calls attach ingest e2e comp spans real args"  BENCH_REPS=5  BENCH_REAL_REPS=2   select parts / runs
#   BENCH_REAL_PROGS="sqlite3 python redis"   select the real programs of the real part
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
FERRET_BUILD=$(realpath "${FERRET_BUILD:-build}")
FERRET=$FERRET_BUILD/ferret
MANY_FUNCS=$FERRET_BUILD/progs/many_funcs
BENCH_DIR=$FERRET_BUILD/bench
REPS=${BENCH_REPS:-5}
PARTS=${BENCH_PARTS:-calls attach ingest e2e comp spans real args}
HOT_CALLS=${BENCH_HOT_CALLS:-2000000} # calls per run of the hot loop, unless that would take too long:
CALL_BUDGET_S=4		  # ... then as many as fit in this many seconds of traced loop
BPFTRACE_MAX_RUN_S=120	  # bpftrace attach runs estimated longer than this are skipped
BPFTRACE_BUDGET_S=100	  # repeats of bpftrace attach runs stop after this many seconds
SAMPLES=$BENCH_DIR/samples.tsv

source scripts/bench_lib.sh
source scripts/bench_calls.sh
source scripts/bench_floor.sh
source scripts/bench_attach.sh
source scripts/bench_ingest.sh
source scripts/bench_e2e.sh
source scripts/bench_comp.sh
source scripts/bench_real.sh
source scripts/bench_redis.sh
source scripts/bench_spans.sh
source scripts/bench_args.sh

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

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
	sample machine.redis "$(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-)"
	sample machine.python "$("$PYTHON" --version 2>&1 | awk '{ print $2 }')"
	sample machine.reps "$REPS"
}

[ "$(id -u)" -eq 0 ] || die "run as root (uprobes need it): sudo make bench"
[ -x "$FERRET" ] || die "$FERRET is missing: run make first"
[ -x "$MANY_FUNCS" ] || die "$MANY_FUNCS is missing: run make progs first"
bash scripts/setup-bench.sh || die "could not install bpftrace and uftrace (scripts/setup-bench.sh)"
for tool in bench_ingest floor_probe; do
	[ -x "$BENCH_DIR/$tool" ] || die "$BENCH_DIR/$tool is missing: run make bench-progs first"
done

WORK=$(mktemp -d /tmp/ferret-bench.XXXXXX) || die "cannot create a work directory"
BENCH_BG_PID= # the bpftrace running in the background, if any: stopped if we are
on_exit() {
	[ -z "$BENCH_BG_PID" ] || stop_pid "$BENCH_BG_PID" 5
	[ -z "$REDIS_PID" ] || redis_stop
	[ -z "${BENCH_BPF_STATS_WAS:-}" ] || sysctl -qw kernel.bpf_stats_enabled="$BENCH_BPF_STATS_WAS"
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
	calls | attach | ingest | e2e | comp | spans | real | args) "bench_$part" ;;
	*) die "unknown part '$part' (calls, attach, ingest, e2e, comp, spans, real, args)" ;;
	esac
done
sample machine.bench_seconds "$(elapsed "$started" "$(now_s)")"
bash "$ROOT/scripts/bench_report.sh" "$SAMPLES" "$BENCH_DIR/results.json"
