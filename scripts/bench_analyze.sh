#!/usr/bin/env bash
# Times `ferret analyze` (table, --tree) on synthetic runs of 1M and 10M spans, read from the
# figures stored when the run ended and (FERRET_ANALYZE_SPANS=1) from the spans, what storing
# those figures cost at the run's end, and `uftrace report` / `uftrace graph` on a -pg program
# making the same number of calls.
#
#   FERRET_BUILD=build bash scripts/bench_analyze.sh
#
# FERRET_BUILD: the build directory holding ferret and its objects (make all first).
# BENCH_SIZES: span counts (default "1000000 10000000"). BENCH_REPEAT: runs per figure,
# the median is printed (default 3). BENCH_DIR: scratch space (default /var/tmp; 10M spans
# take ~0.5 GB as a DB and ~0.3 GB as an uftrace recording).
# uftrace (Debian's 0.13) is installed with apt-get when missing and running as root;
# otherwise its rows are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${FERRET_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
FERRET=$BUILD/ferret
SIZES=${BENCH_SIZES:-"1000000 10000000"}
REPEAT=${BENCH_REPEAT:-3}
CC=${CC:-cc}

if [ ! -x "$FERRET" ] || ! [ -x "$BUILD/bench/gen_spans" ] >/dev/null 2>&1; then
	echo "bench_analyze: $FERRET and $BUILD/bench/gen_spans are needed: run make all bench-progs first" >&2
	exit 1
fi
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/ferret-bench-analyze.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The span generator links ferret's own objects, so it writes through the real store.
GEN="$BUILD/bench/gen_spans"

have_uftrace() {
	command -v uftrace >/dev/null && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "(installing uftrace from Debian for the comparison)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq uftrace >/dev/null 2>&1 || true
	fi
	command -v uftrace >/dev/null
}
UFTRACE=0
if have_uftrace; then
	UFTRACE=1
fi

# measure CMD...: runs it REPEAT times (stdout discarded), prints "SECONDS PEAK_RSS_KB" (medians).
measure() {
	local i times=() rss=() out
	for ((i = 0; i < REPEAT; i++)); do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%e %M' -o "$WORK/time.out" "$@" >/dev/null 2>&1 || true
			out=$(tail -n 1 "$WORK/time.out")
		else
			out=$(poll_rss "$@")
		fi
		times+=("${out% *}")
		rss+=("${out#* }")
	done
	echo "$(median "${times[@]}") $(median "${rss[@]}")"
}

# Without GNU time: elapsed from bash, peak RSS from /proc/PID/status VmHWM while it runs.
poll_rss() {
	local start end hwm=0 v pid
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$v" ] && hwm=$v
		sleep 0.02
	done
	wait "$pid" || true
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v h="$hwm" 'BEGIN { printf "%.2f %d\n", e - s, h }'
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

row() { # calls workload tool command seconds rss_kb
	printf '%-10s %-22s %-15s %-30s %9s s %8.1f MB\n' "$1" "$2" "$3" "$4" "$5" "$(awk -v k="$6" 'BEGIN { print k / 1024 }')"
}

echo "machine: $(nproc) CPUs, $(uname -r), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)"
echo "medians of $REPEAT runs; from spans, ferret reads the whole run from SQLite in one pass (+1 for exact percentiles)"
printf '%-10s %-22s %-15s %-30s %11s %11s\n' calls workload tool command time "peak RSS"
for n in $SIZES; do
	for shape in requests random; do
		db="$WORK/$shape-$n.db"
		label=$([ "$shape" = requests ] && echo "requests (1 thread)" || echo "random (4 thr, 500 fn)")
		# The generator stores analyze's figures as a tracer does when its run ends: timed.
		out=$("$GEN" --shape "$shape" "$db" "$n")
		t=$(printf '%s' "$out" | sed -n 's/.*figures stored in \([0-9.]*\) s.*/\1/p')
		row "$n" "$label" "run end" "figures stored (table, tree)" "$t" 0
		read -r t m < <(measure "$FERRET" analyze "$db")
		row "$n" "$label" "ferret analyze" "table (stored figures)" "$t" "$m"
		read -r t m < <(measure "$FERRET" analyze "$db" --tree)
		row "$n" "$label" "ferret analyze" "--tree (stored figures)" "$t" "$m"
		# The same questions from the spans: what a filter (--thread, --calls) costs.
		read -r t m < <(measure env FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$db")
		row "$n" "$label" "ferret analyze" "table from spans, exact" "$t" "$m"
		read -r t m < <(measure env FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$db" --approx)
		row "$n" "$label" "ferret analyze" "table from spans, --approx" "$t" "$m"
		read -r t m < <(measure env FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$db" --tree)
		row "$n" "$label" "ferret analyze" "--tree from spans" "$t" "$m"
		rm -f "$db" "$db-wal" "$db-shm"
	done
	if [ "$UFTRACE" = 1 ]; then
		data="$WORK/uftrace-$n"
		uftrace record -d "$data" "$BUILD/bench/bench_calls_pg" "$n" >/dev/null
		read -r t m < <(measure uftrace report -d "$data")
		row "$n" "requests (1 thread)" "uftrace $(uftrace --version | awk '{print $2}')" "report" "$t" "$m"
		read -r t m < <(measure uftrace graph -d "$data")
		row "$n" "requests (1 thread)" "uftrace" "graph" "$t" "$m"
		rm -rf "$data"
	fi
done
[ "$UFTRACE" = 1 ] || echo "(uftrace not available: its rows are missing)"
