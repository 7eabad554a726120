# shellcheck shell=bash
# Part "args" of `make bench` (sourced by bench.sh): what -A/-R add to a traced call.
# tests/bench/hot_args calls hot2(a, b) (two integers and a return value) or hotstr(s) (a
# 64-byte string) in a loop timed inside the program: untraced, traced plainly (-f), and
# traced with the values captured; the added cost per call over the plain traced call, and
# the bytes span_args takes per span (SQLite's dbstat).
bench_args() {
	local bin=$FERRET_BUILD/bench/hot_args db=$WORK/args.db n=${BENCH_ARGS_CALLS:-500000} r mode how out
	say "arguments: hot2(a, b) and hotstr(s), $n calls, plain and captured"
	for ((r = 0; r < REPS; r++)); do
		for mode in int str; do
			"$bin" "$mode" "$n" > "$WORK/out" && sample "args.$mode.untraced_ns" "$(field "$WORK/out" cpu_ns_per_call)"
			for how in plain capture; do
				local fn=hot2 spec=(-A 'hot2@arg1,arg2' -R 'hot2@retval')
				[ "$mode" = str ] && fn=hotstr spec=(-A 'hotstr@arg1/s')
				[ "$how" = plain ] && spec=(-f "$fn")
				rm_db "$db"
				"$FERRET" trace --db "$db" --no-calibrate "${spec[@]}" -- "$bin" "$mode" "$n" > "$WORK/out" 2> "$WORK/err" ||
					{ say "ferret on hot_args failed: $(tail -1 "$WORK/err")"; continue; }
				sample "args.$mode.${how}_ns" "$(field "$WORK/out" cpu_ns_per_call)"
				if [ "$how" = capture ]; then
					out=$(sqlite3 "$db" "SELECT (SELECT sum(pgsize) FROM dbstat WHERE name = 'span_args'), (SELECT count(*) FROM spans)")
					sample "args.$mode.bytes_per_span" "$(awk -F'|' '{ printf "%.1f", $1 / $2 }' <<< "$out")"
				fi
			done
		done
		say "args run $((r + 1)): $(tail -6 "$SAMPLES" | tr '\t\n' '= ')"
	done
}
