# shellcheck shell=bash
# Part 1 of `make bench` (sourced by bench.sh): the cost per call of a traced hot
# function, for each kind of function entry, untraced vs ferret vs bpftrace vs uftrace.
# tests/bench/hot_loop times its own loop, so start-up and attach never count.

# The probe each tracer puts on `hot`, and bpftrace's: uprobe + uretprobe, the same work.
# BEGIN runs once every probe is attached ("Attaching N probes..." comes before that).
bpftrace_hot_script() {
	printf 'BEGIN { printf("ready\\n"); } uprobe:%s:hot { @s[tid] = nsecs; } uretprobe:%s:hot { @t = sum(nsecs - @s[tid]); }' "$1" "$1"
}

# hot_ferret KIND BIN N: one traced run; records ns/call, spans, lost, DB bytes, peak RSS.
hot_ferret() {
	local kind=$1 bin=$2 n=$3 key=calls.$1 db=$WORK/hot.db ns spans lost
	rm_db "$db"
	/usr/bin/time -f '%M' -o "$WORK/rss" timeout -s INT 900 \
		"$FERRET" trace --db "$db" -f hot -- "$bin" "$n" > "$WORK/out" 2> "$WORK/err"
	ns=$(field "$WORK/out" ns_per_call)
	if [ -z "$ns" ]; then
		say "ferret on hot_$kind failed: $(grep -v '^ *libbpf' "$WORK/err" | tail -1)"
		sample "$key.ferret_ns" NA
		return 1
	fi
	sample "$key.ferret_ns" "$ns"
	sample "$key.ferret_cpu_ns" "$(field "$WORK/out" cpu_ns_per_call)"
	read -r spans lost < <(db_spans_lost "$db")
	sample "$key.ferret_spans" "${spans:-0}"
	sample "$key.ferret_lost" "${lost:-0}"
	sample "$key.ferret_db_bytes" "$(db_bytes "$db")"
	sample "$key.ferret_rss_kb" "$(tail -1 "$WORK/rss")"
	# "ferret: probes: 0 on 5-byte nops, 1 on push (1 moved past endbr64), 0 single-stepped"
	sample "$key.ferret_probes" "$(sed -n 's/^ferret: probes: //p' "$WORK/err" | head -1)"
	rm_db "$db"
}

# hot_bpftrace KIND BIN N [calibrate]: one run under bpftrace (calibrate: record nothing).
hot_bpftrace() {
	local kind=$1 bin=$2 n=$3 key=calls.$1.bpftrace_ns pid ns
	[ "${4:-}" != calibrate ] || key=
	: > "$WORK/bt.out"
	bpftrace -e "$(bpftrace_hot_script "$bin")" > "$WORK/bt.out" 2> "$WORK/bt.err" &
	pid=$! BENCH_BG_PID=$!
	if ! wait_for_line "$WORK/bt.out" '^ready' 120; then
		say "bpftrace did not attach to hot_$kind: $(tail -1 "$WORK/bt.err")"
		stop_pid "$pid" 1
		[ -z "$key" ] || sample "$key" NA
		return 1
	fi
	"$bin" "$n" > "$WORK/out"
	stop_pid "$pid" 20 || say "bpftrace on hot_$kind did not exit on SIGINT within 20 s: killed"
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BG_PID=
	ns=$(field "$WORK/out" ns_per_call)
	[ -z "$key" ] || sample "$key" "${ns:-NA}"
}

hot_uftrace() {
	local kind=$1 bin=$2 n=$3 ns
	rm -rf "$WORK/uftrace.data"
	(cd "$WORK" && uftrace record -d "$WORK/uftrace.data" "$bin" "$n") > "$WORK/out" 2> "$WORK/err"
	ns=$(field "$WORK/out" ns_per_call)
	if [ -z "$ns" ]; then
		say "uftrace on hot_$kind failed: $(tail -1 "$WORK/err")"
		sample "calls.$kind.uftrace_ns" NA
		return 1
	fi
	sample "calls.$kind.uftrace_ns" "$ns"
	sample "calls.$kind.uftrace_bytes" "$(cat "$WORK"/uftrace.data/*.dat | wc -c)"
	rm -rf "$WORK/uftrace.data"
}

# calls_for KIND BIN: how many calls keep one traced run near CALL_BUDGET_S seconds with
# the slower tracer (a single-stepped entry costs ~10x more), at most HOT_CALLS, 2 digits.
calls_for() {
	local ns_ferret ns_bpftrace
	"$FERRET" trace --db "$WORK/probe.db" -f hot -- "$2" 20000 > "$WORK/out" 2> "$WORK/err"
	rm_db "$WORK/probe.db"
	ns_ferret=$(field "$WORK/out" ns_per_call)
	hot_bpftrace "$1" "$2" 20000 calibrate
	ns_bpftrace=$(field "$WORK/out" ns_per_call)
	awk -v a="${ns_ferret:-0}" -v b="${ns_bpftrace:-0}" -v budget="$CALL_BUDGET_S" -v max="$HOT_CALLS" 'BEGIN {
		ns = a > b ? a : b
		n = ns > 0 ? budget * 1e9 / ns : max
		if (n > max) n = max
		if (n < 10000) n = 10000
		p = 10 ^ (int(log(n) / log(10)) - 1)
		printf "%d\n", int(n / p) * p
	}'
}

# calls_kind KIND EXPECTED: EXPECTED is a glob that "insn insn (first insn's bytes)" must match.
calls_kind() {
	local kind=$1 expected=$2 bin=$BENCH_DIR/hot_$1 entry n rep ns
	entry="$(first_mnemonics "$bin" hot 2) ($(entry_bytes "$bin" hot))"
	# shellcheck disable=SC2053
	[[ "$entry" == $expected ]] ||
		say "WARNING: hot_$kind starts with $entry, not $expected: its row measures another entry kind"
	sample "calls.$kind.entry" "$entry"
	n=$(calls_for "$kind" "$bin")
	sample "calls.$kind.calls" "$n"
	say "per-call cost, $kind entry ($entry): $n calls x $REPS runs"
	for ((rep = 0; rep < REPS; rep++)); do
		"$bin" "$n" > "$WORK/out"
		sample "calls.$kind.untraced_ns" "$(field "$WORK/out" ns_per_call)"
		sample "calls.$kind.untraced_cpu_ns" "$(field "$WORK/out" cpu_ns_per_call)"
		[[ " $FLOOR_KINDS " != *" $kind "* ]] || hot_floor "$kind" "$bin" "$n"
		hot_ferret "$kind" "$bin" "$n"
		hot_bpftrace "$kind" "$bin" "$n"
		hot_uftrace "$kind" "${bin}_pg" "$n"
	done
	[[ " $FLOOR_KINDS " != *" $kind "* ]] || hot_profile "$kind" "$bin" "$n"
}

bench_calls() {
	calls_kind nop5 "nopl * (0f 1f 44 00 00)"
	calls_kind push "push *"
	calls_kind endbr64 "endbr64 push *"
}
