# shellcheck shell=bash
# Part "comp" of `make bench` (sourced by bench.sh): durations compensated for probe cost.
# tests/bench/comp_parent's parent calls 10,000 tiny traced children (nop5 and push
# entries); its untraced twin is timed inside the program, wall and on-CPU. analyze's
# compensated total of `parent` must come within 15 % of the untraced length; so must its
# compensated on-CPU time of the untraced on-CPU time, which other work on the machine
# does not lengthen (the wall time holds the run-queue time other processes cause, traced
# or not). The raw figures are shown beside them.
bench_comp() {
	local bin=$FERRET_BUILD/bench/comp_parent db=$WORK/comp.db r untraced untraced_cpu raw comp cpu
	say "compensation: a parent calling 10,000 traced children"
	for ((r = 0; r < REPS; r++)); do
		rm_db "$db"
		"$FERRET" trace --db "$db" -f parent -f 'child_*' -- "$bin" > "$WORK/out" 2> "$WORK/err" ||
			{ say "ferret on comp_parent failed: $(tail -1 "$WORK/err")"; return 1; }
		untraced=$(field "$WORK/out" untraced_ns)
		untraced_cpu=$(field "$WORK/out" untraced_cpu_ns)
		raw=$("$FERRET" analyze "$db" --raw --json -f parent | comp_figure total_ns)
		"$FERRET" analyze "$db" --compensate --json -f parent > "$WORK/comp.json"
		comp=$(comp_figure total_ns < "$WORK/comp.json")
		cpu=$(comp_figure cpu_ns < "$WORK/comp.json")
		sample comp.untraced_ns "$untraced"
		sample comp.untraced_cpu_ns "$untraced_cpu"
		sample comp.raw_ns "$raw"
		sample comp.compensated_ns "$comp"
		[ -z "$cpu" ] || sample comp.compensated_cpu_ns "$cpu"
		say "comp: untraced $untraced ns, raw $raw ns, compensated $comp ns ($(comp_diff "$comp" "$untraced")); on-CPU: untraced $untraced_cpu ns, compensated ${cpu:-(not known for this call)} ns ($(comp_diff "$cpu" "$untraced_cpu"))"
	done
}

# comp_figure KEY: the first KEY's number of analyze's JSON on stdin.
comp_figure() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" | head -1; }

# comp_diff FIGURE REFERENCE: how far FIGURE is from REFERENCE, "+4.2 %".
comp_diff() { awk -v c="$1" -v u="$2" 'BEGIN { if (u > 0 && c != "") printf "%+.1f %%", 100 * (c - u) / u; else printf "-" }'; }
