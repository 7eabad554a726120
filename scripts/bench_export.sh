#!/usr/bin/env bash
# Benchmarks `ferret export` in every format on a synthetic run: wall time, peak RSS, output
# size and throughput. The run comes from tests/bench/gen_spans.c (4 threads, nested calls
# of 500 functions), generated once and kept in $FERRET_BUILD/bench/.
#
#   scripts/bench_export.sh [SPANS]        (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FERRET_BUILD:-build}
FERRET="$PWD/$BUILD/ferret"
SPANS=${1:-10000000}
BENCH="$PWD/$BUILD/bench"
DB="$BENCH/export-$SPANS.db"
GEN="$BENCH/gen_spans"
mkdir -p "$BENCH"

[ -x "$FERRET" ] || { echo "bench_export.sh: build $FERRET first (make)" >&2; exit 1; }
[ -x "$GEN" ] || { echo "bench_export.sh: build $GEN first (make bench-progs)" >&2; exit 1; }
if [ ! -f "$DB" ]; then
	echo "generating $SPANS spans into $DB ..."
	start=$(date +%s.%N)
	"$GEN" "$DB.tmp" "$SPANS" 4 "bench-$SPANS" >/dev/null
	mv "$DB.tmp" "$DB"
	rm -f "$DB.tmp-wal" "$DB.tmp-shm"
	printf 'generated in %.1f s (%s)\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(du -h "$DB" | cut -f1)"
fi

printf '\nferret export, %s spans (%s threads), %s\n' "$SPANS" \
	"$(sqlite3 "$DB" 'SELECT count(*) FROM threads')" "$(uname -r)"
printf '%-11s %10s %12s %11s %14s\n' format "time (s)" "peak RSS" output "spans/s"
for fmt in speedscope chrome folded otlp; do
	out="$BENCH/out.$fmt"
	/usr/bin/time -f '%e %M' -o "$BENCH/time.txt" \
		"$FERRET" export "$DB" --format "$fmt" -o "$out" 2>/dev/null
	read -r secs kb <"$BENCH/time.txt"
	size=$(du -h "$out" | cut -f1)
	printf '%-11s %10s %9d MB %11s %14.0f\n' "$fmt" "$secs" $((kb / 1024)) "$size" \
		"$(echo "$SPANS / $secs" | bc -l)"
	rm -f "$out"
done
