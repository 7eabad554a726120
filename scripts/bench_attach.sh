# shellcheck shell=bash
# Part 2 of `make bench` (sourced by bench.sh): attach + detach time for 10 to 10,000
# functions of build/progs/many_funcs (fn_00000 .. fn_09999), ferret vs bpftrace.
# Both put an entry and a return probe on every function.

# "count:glob" pairs: the globs select exactly that many of the 10,000 functions.
ATTACH_SETS="10:fn_0000* 100:fn_000* 1000:fn_00* 10000:fn_*"

attach_ferret() {
	local count=$1 glob=$2 db=$WORK/attach.db t0 t1 line spans mode
	rm_db "$db"
	t0=$(now_s)
	timeout -s INT 600 "$FERRET" trace -v --db "$db" -f "$glob" -- "$MANY_FUNCS" > /dev/null 2> "$WORK/err"
	t1=$(now_s)
	# "ferret: debug: 2000 probes attached in 0.012 s, detached in 0.080 s (uprobe_multi)"
	line=$(grep -m1 'probes attached in' "$WORK/err")
	if [ -z "$line" ]; then
		say "ferret -f '$glob' failed: $(grep -v '^ *libbpf' "$WORK/err" | tail -1)"
		return 1
	fi
	sample "attach.$count.ferret_functions" "$(grep -o 'tracing [0-9]* functions' "$WORK/err" | awk '{ print $2 }')"
	sample "attach.$count.ferret_probes" "$(awk '{ print $3 }' <<< "$line")"
	sample "attach.$count.ferret_attach_s" "$(awk '{ print $7 }' <<< "$line")"
	sample "attach.$count.ferret_detach_s" "$(awk '{ print $11 }' <<< "$line")"
	mode=${line##*(}
	sample "attach.$count.ferret_mode" "${mode%)}"
	sample "attach.$count.ferret_wall_s" "$(elapsed "$t0" "$t1")"
	read -r spans _ < <(db_spans_lost "$db")
	sample "attach.$count.ferret_spans" "${spans:-0}"
	rm_db "$db"
}

bpftrace_attach_script() {
	printf 'BEGIN { printf("ready\\n"); } uprobe:%s:%s { @s[tid] = nsecs; } uretprobe:%s:%s { @t = sum(nsecs - @s[tid]); }' \
		"$1" "$2" "$1" "$2"
}

# One bpftrace run: start -> "Attaching N probes..." (compiled) -> BEGIN's "ready"
# (attached) -> SIGINT -> exit (detached). Lines are time-stamped as they arrive.
attach_bpftrace() {
	local count=$1 glob=$2 out=$WORK/bta.out t0 t_int t_exit pid t_att t_ready
	: > "$out"
	t0=$(now_s)
	BPFTRACE_MAX_PROBES=100000 bpftrace -e "$(bpftrace_attach_script "$MANY_FUNCS" "$glob")" \
		> >(stamp_lines > "$out") 2> "$WORK/bta.err" &
	pid=$! BENCH_BG_PID=$!
	if ! wait_for_line "$out" ' ready$' 900; then
		say "bpftrace did not attach to $glob: $(tail -1 "$WORK/bta.err")"
		stop_pid "$pid" 1
		return 1
	fi
	t_int=$(now_s)
	stop_pid "$pid" 3600 || say "bpftrace needed SIGKILL"
	t_exit=$(now_s)
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BG_PID=
	t_att=$(awk '/Attaching/ { print $1; exit }' "$out")
	t_ready=$(awk '$2 == "ready" { print $1; exit }' "$out")
	sample "attach.$count.bpftrace_probes" "$(awk '/Attaching/ { print $3; exit }' "$out")"
	sample "attach.$count.bpftrace_startup_s" "$(elapsed "$t0" "$t_att")"
	sample "attach.$count.bpftrace_attach_s" "$(elapsed "$t_att" "$t_ready")"
	sample "attach.$count.bpftrace_detach_s" "$(elapsed "$t_int" "$t_exit")"
	sample "attach.$count.bpftrace_wall_s" "$(elapsed "$t0" "$t_exit")"
}

# bpftrace detaches its perf uprobes one by one (~0.1 s each here): run it while one run
# is estimated (linearly from the previous size) under BPFTRACE_MAX_RUN_S, and repeat it
# while the part's budget BPFTRACE_BUDGET_S lasts; otherwise record the estimate.
bench_attach() {
	local set count glob rep est=0 prev_count=0 prev_s=0 spent=0 t0 t1 run_s
	for set in $ATTACH_SETS; do
		count=${set%%:*} glob=${set#*:}
		say "attach + detach, $count functions ($glob): ferret x $REPS"
		for ((rep = 0; rep < REPS; rep++)); do
			attach_ferret "$count" "$glob"
		done
		[ "$prev_count" -gt 0 ] && est=$(awk -v s="$prev_s" -v a="$prev_count" -v b="$count" \
			'BEGIN { printf "%.0f\n", s * b / a }')
		if [ "$est" -gt "$BPFTRACE_MAX_RUN_S" ]; then
			say "bpftrace, $count functions: skipped (est. $est s)"
			sample "attach.$count.bpftrace_skipped_est_s" "$est"
			prev_count=$count prev_s=$est
			continue
		fi
		for ((rep = 0; rep < REPS; rep++)); do
			say "attach + detach, $count functions: bpftrace run $((rep + 1))$([ "$est" -gt 0 ] && echo " (est. $est s)")"
			t0=$(now_s)
			attach_bpftrace "$count" "$glob" || break
			t1=$(now_s)
			run_s=$(elapsed "$t0" "$t1" | cut -d. -f1)
			spent=$((spent + run_s)) prev_count=$count prev_s=$run_s
			[ $((spent + run_s)) -le "$BPFTRACE_BUDGET_S" ] || break
		done
	done
}
