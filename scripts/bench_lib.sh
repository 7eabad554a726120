# shellcheck shell=bash
# Helpers shared by the bench_*.sh parts (sourced by bench.sh, not run alone).
# Every measurement becomes one "key<TAB>value" line in $SAMPLES; bench_report.sh
# takes the medians and ratios, prints the table and writes the JSON.

# say MSG: progress on stderr, so stdout carries only the final table.
say() { printf 'bench: %s\n' "$*" >&2; }

# sample KEY VALUE: record one measurement (repeated keys are the runs of one figure).
sample() { printf '%s\t%s\n' "$1" "$2" >> "$SAMPLES"; }

# now_s: wall clock in seconds with microseconds (bash's EPOCHREALTIME).
now_s() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }

# elapsed T0 T1: T1 - T0 in seconds.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", b - a }'; }

# field FILE NAME: the value after "NAME " in the last line of FILE that has it.
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) } END { print v }' "$1"; }

# entry_bytes BIN FUNC: the raw bytes of FUNC's first instruction, e.g. "0f 1f 44 00 00".
entry_bytes() {
	objdump -d --no-addresses "$1" 2>/dev/null | awk -v f="<$2>:" '
		$1 == f { getline; sub(/^[ \t]+/, ""); split($0, p, "\t"); print p[1]; exit }' | sed 's/ *$//'
}

# first_mnemonics BIN FUNC N: the first N instructions of FUNC, e.g. "endbr64 push".
first_mnemonics() {
	objdump -d --no-show-raw-insn --no-addresses "$1" 2>/dev/null | awk -v f="<$2>:" -v n="$3" '
		$1 == f { for (i = 0; i < n && (getline) > 0; i++) { sub(/^[ \t]+/, ""); split($0, w, /[ \t]+/); s = s (i ? " " : "") w[1] } print s; exit }'
}

# stamp_lines: copies stdin to stdout, each line prefixed with the time it arrived.
stamp_lines() {
	local line
	while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME/,/.}" "$line"; done
}

# wait_for_line FILE PATTERN SECONDS: 0 once a line of FILE matches PATTERN.
wait_for_line() {
	local deadline
	deadline=$(awk -v t="$(now_s)" -v s="$3" 'BEGIN { printf "%.0f\n", t + s }')
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		[ "$(now_s | cut -d. -f1)" -lt "$deadline" ] || return 1
		sleep 0.01
	done
}

# stop_pid PID SECONDS: SIGINT, then SIGKILL if it is still there after SECONDS.
# 0 if it exited on SIGINT.
stop_pid() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# db_spans_lost DB: "SPANS LOST" of the DB's latest run.
db_spans_lost() {
	sqlite3 -separator ' ' "$1" "SELECT spans, lost_events FROM run_view ORDER BY start_ns DESC LIMIT 1" 2>/dev/null
}

# db_bytes DB: the DB's size on disk, WAL included.
db_bytes() {
	local total=0 f
	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && total=$((total + $(stat -c %s "$f")))
	done
	echo "$total"
}

rm_db() { rm -f "$1" "$1-wal" "$1-shm"; }
