# shellcheck shell=bash
# The kernel floor of part 1 (sourced by bench.sh): the same entry + return probe pair
# (uprobe_multi, on the same `hot` of the nop5 and push builds) with the empty programs of
# bpf/floor.bpf.c, run side by side with ferret and untraced; then one profile run of each
# with kernel.bpf_stats_enabled=1, which says how long the BPF programs themselves ran.

# shellcheck disable=SC2034 # read by bench_calls.sh
FLOOR_KINDS="nop5 push" # endbr64: ferret's probe moves past it, the floor's would not

# hot_floor KIND BIN N: one run under the empty programs, one under the programs that only
# read the clock and send a record each (the record floor: what any tracer sending a timed
# record per entry and per return pays, its records drained as ferret's are).
hot_floor() {
	local key=calls.$1 mode name
	for mode in "" --record; do
		name=floor${mode:+_rec}
		# shellcheck disable=SC2086 # mode: no word or one
		"$BENCH_DIR/floor_probe" $mode "$2" hot -- "$2" "$3" > "$WORK/out" 2> "$WORK/err" ||
			say "$name on hot_$1 failed: $(grep -v '^ *libbpf' "$WORK/err" | tail -1)"
		sample "$key.${name}_ns" "$(field "$WORK/out" ns_per_call)"
		sample "$key.${name}_cpu_ns" "$(field "$WORK/out" cpu_ns_per_call)"
	done
}

# uprobe_prog_stats PID: "entry RUNS NS" and "exit RUNS NS" of PID's uprobe_multi
# programs, from /proc/PID/fdinfo (a link names its program; a program has the counts).
uprobe_prog_stats() {
	local fd kind id r n
	declare -A runs=() ns=()
	for fd in /proc/"$1"/fdinfo/*; do
		grep -q '^run_cnt:' "$fd" 2> /dev/null || continue
		read -r id r n < <(awk '$1 == "prog_id:" { id = $2 } $1 == "run_cnt:" { r = $2 }
			$1 == "run_time_ns:" { n = $2 } END { print id, r + 0, n + 0 }' "$fd" 2> /dev/null)
		[ -n "$id" ] || continue # the fd was closed while being read
		runs[$id]=$r ns[$id]=$n
	done
	for fd in /proc/"$1"/fdinfo/*; do
		kind=$(awk '$1 == "link_type:" { print $2 }' "$fd" 2> /dev/null)
		case $kind in uprobe_multi) kind="entry" ;; uretprobe_multi) kind="exit" ;; *) continue ;; esac
		id=$(awk '$1 == "prog_id:" { print $2 }' "$fd" 2> /dev/null)
		[ -n "$id" ] || continue # closed meanwhile: ferret is ending
		echo "$kind ${runs[$id]:-0} ${ns[$id]:-0}"
	done
}

# per_run KEY STATS: records ns per program run of the "entry"/"exit" lines of STATS.
per_run() {
	awk '$2 > 0 { printf "%s %.1f\n", $1, $3 / $2 }' <<< "$2" | while read -r which ns; do
		sample "$1_$which" "$ns"
	done
}

# profile_ferret KIND BIN N: ferret's run, its programs' counts read while it runs (they
# go with it), the last reading kept: ns per run is an average, any reading will do.
profile_ferret() {
	local db=$WORK/prof.db pid stats last=
	rm_db "$db"
	"$FERRET" trace --db "$db" -f hot -- "$2" "$3" > "$WORK/out" 2> "$WORK/err" &
	pid=$!
	while kill -0 "$pid" 2> /dev/null; do
		stats=$(uprobe_prog_stats "$pid")
		[ -z "$stats" ] || last=$stats
		sleep 0.2
	done
	wait "$pid"
	rm_db "$db"
	sample "calls.$1.prof_ferret_cpu_ns" "$(field "$WORK/out" cpu_ns_per_call)"
	per_run "calls.$1.prof_ferret" "$last"
}

# hot_profile KIND BIN N: the floor and ferret once each with the kernel's BPF run-time
# statistics on (they add two clock reads to every program run), then as before.
hot_profile() {
	local was
	was=$(sysctl -n kernel.bpf_stats_enabled 2> /dev/null) || return 0
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BPF_STATS_WAS=$was
	sysctl -qw kernel.bpf_stats_enabled=1 || return 0
	"$BENCH_DIR/floor_probe" "$2" hot -- "$2" "$3" > "$WORK/out" 2> "$WORK/err"
	sample "calls.$1.prof_untraced_cpu_ns" "$(field <("$2" "$3") cpu_ns_per_call)"
	sample "calls.$1.prof_floor_cpu_ns" "$(field "$WORK/out" cpu_ns_per_call)"
	per_run "calls.$1.prof_floor" "$(sed -n 's/^floor: \([a-z]*\) runs \([0-9]*\) run_ns \([0-9]*\)$/\1 \2 \3/p' "$WORK/err")"
	profile_ferret "$1" "$2" "$3"
	sysctl -qw kernel.bpf_stats_enabled="$was"
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BPF_STATS_WAS=
}
