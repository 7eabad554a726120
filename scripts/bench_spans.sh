# make bench's "spans" part: what a FERRET_BEGIN/FERRET_END pair (ferret.h) costs the program,
# untraced (semaphores at 0: a load and a branch each) and traced (two USDT probes, each a
# uprobe on the probe's nop, and their records). Sourced by bench.sh.
bench_spans() {
	local bin=$FERRET_BUILD/bench/span_pairs db=$WORK/spans.db r untraced traced
	say "explicit spans: FERRET_BEGIN/FERRET_END pairs"
	for ((r = 0; r < REPS; r++)); do
		untraced=$("$bin" 20000000 | awk '{ print $2 }')
		rm_db "$db"
		"$FERRET" trace --db "$db" -f main -- "$bin" 20000 > "$WORK/out" 2> "$WORK/err" ||
			{ say "ferret on span_pairs failed: $(tail -1 "$WORK/err")"; return 1; }
		traced=$(field "$WORK/out" pair_ns)
		sample spans.untraced_pair_ns "$untraced"
		sample spans.traced_pair_ns "$traced"
		say "spans: a BEGIN/END pair costs $untraced ns untraced, $traced ns traced"
	done
}
