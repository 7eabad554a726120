# shellcheck shell=bash
# Part "comp" of `make bench` (sourced by bench.sh): durations compensated for probe cost.
# tests/bench/comp_parent's parent calls 10,000 tiny traced children (nop5 and push
# entries); its untraced twin is timed inside the program. analyze's compensated total of
# `parent` must come within 15 % of the untraced length; the raw one is shown beside it.
bench_comp() {
	local bin=$FERRET_BUILD/bench/comp_parent db=$WORK/comp.db r untraced raw comp
	say "compensation: a parent calling 10,000 traced children"
	for ((r = 0; r < REPS; r++)); do
		rm_db "$db"
		"$FERRET" trace --db "$db" -f parent -f 'child_*' -- "$bin" > "$WORK/out" 2> "$WORK/err" ||
			{ say "ferret on comp_parent failed: $(tail -1 "$WORK/err")"; return 1; }
		untraced=$(field "$WORK/out" untraced_ns)
		raw=$("$FERRET" analyze "$db" --raw --json -f parent | sed -n 's/.*"total_ns": \([0-9]*\).*/\1/p' | head -1)
		comp=$("$FERRET" analyze "$db" --compensate --json -f parent | sed -n 's/.*"total_ns": \([0-9]*\).*/\1/p' | head -1)
		sample comp.untraced_ns "$untraced"
		sample comp.raw_ns "$raw"
		sample comp.compensated_ns "$comp"
		say "comp: untraced $untraced ns, raw $raw ns, compensated $comp ns ($(awk -v c="$comp" -v u="$untraced" 'BEGIN { printf "%+.1f %%", 100 * (c - u) / u }'))"
	done
}
