#!/usr/bin/env bash
# The figures a tracer stores when it ends a run (run_figures, run_functions, run_tree): on
# traced runs of every kind, `ferret analyze` prints the same bytes from them as from the spans
# (FERRET_ANALYZE_SPANS=1), for the table and the tree and their options; a tracer killed before
# the end stores none, and analyze reads the spans.
. "$(dirname "$0")/lib.sh"

figures_of() { q "SELECT count(*) FROM run_figures f JOIN runs r ON r.id = f.run WHERE r.run_id = '$1'"; }

"$FERRET" trace --db "$DB" --run-id tree -- "$PROGS/analyze_tree" 4 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id calls -- "$PROGS/calls" 10 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id jumps -- "$PROGS/jumps" >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id threads -- "$PROGS/threads" 300 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id slow --min-duration 1ms -- "$PROGS/sleeper" 1 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id agg --aggregate -- "$PROGS/threads" 200 >/dev/null 2>&1
for run in tree calls jumps threads slow agg; do
	expect_eq "$run: its figures are stored when the run ends" "$(figures_of $run)" 1
done
expect_eq "tree: one stored row per function" \
	"$(q "SELECT count(*) FROM run_functions f JOIN runs r ON r.id = f.run WHERE r.run_id = 'tree'")" 7
expect_eq "tree: stored calls of step (every thread) are the spans'" \
	"$(q "SELECT f.calls FROM run_functions f JOIN runs r ON r.id = f.run JOIN functions fn ON fn.id = f.function
	      WHERE r.run_id = 'tree' AND fn.name = 'step'")" "$(calls step tree)"
expect_eq "tree: the stored paths of a thread hold its calls" \
	"$(q "SELECT sum(n.calls) FROM run_tree n JOIN runs r ON r.id = n.run WHERE r.run_id = 'tree'")" \
	"$(q "SELECT spans FROM runs WHERE run_id = 'tree'")"

worker=$(q "SELECT DISTINCT tid FROM span_view WHERE run_id='tree' AND function='worker_main'")
child=$(q "SELECT DISTINCT pid FROM span_view WHERE run_id='tree' AND function='child_main'")
# same NAME RUN ARGS...: stdout, stderr and exit status alike both ways
same() {
	local name=$1 run=$2 a b
	shift 2
	a=$("$FERRET" analyze "$DB" --run-id "$run" "$@" 2>&1; echo "exit $?")
	b=$(FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$DB" --run-id "$run" "$@" 2>&1; echo "exit $?")
	if [ "$a" = "$b" ]; then pass "$name: the same from stored figures as from spans"; else
		fail "$name: the same from stored figures as from spans" "$(diff <(echo "$b") <(echo "$a") | head -c 600)"
	fi
}
for run in tree calls jumps threads slow; do
	same "$run table" $run
	same "$run table, UTF-8" $run --limit 0
	same "$run JSON" $run --json
	same "$run --approx" $run --approx --json
	same "$run --sort p99" $run --sort p99 --limit 3
	same "$run --sort self" $run --sort self
	same "$run -f '*a*'" $run -f '*a*'
	same "$run tree" $run --tree
	same "$run tree JSON" $run --tree --json
	same "$run tree --max-depth 2" $run --tree --max-depth 2
	same "$run tree --min-percent 5" $run --tree --min-percent 5 --json
done
same "agg table" agg
same "agg JSON" agg --json
same "agg --tree (none)" agg --tree
same "tree --function" tree --tree --function work
same "tree --function, nested" tree --tree --function 'step' --json
same "tree --function recurse" tree --tree -f recurse --max-depth 3
same "tree --thread" tree --tree --thread "$worker"
same "tree --pid" tree --tree --pid "$child" --json
same "tree --pid, no such" tree --tree --pid 1
same "table --pid (spans)" tree --pid "$child"
same "tree --calls (spans)" tree --calls --thread "$worker"
out=$(LC_ALL=C.UTF-8 "$FERRET" analyze "$DB" --run-id tree --tree --function main --max-depth 2)
b=$(LC_ALL=C.UTF-8 FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$DB" --run-id tree --tree --function main --max-depth 2)
expect_eq "UTF-8 tree: the same both ways" "$out" "$b"

# --- figures removed: the spans are read, and say the same ---
before=$("$FERRET" analyze "$DB" --run-id calls --json)
sqlite3 "$DB" "DELETE FROM run_figures WHERE run = (SELECT id FROM runs WHERE run_id = 'calls')"
expect_eq "figures deleted: the table from the spans is the same" "$("$FERRET" analyze "$DB" --run-id calls --json)" "$before"

# --- a tracer killed mid-run stores no figures: analyze reads what its spans hold ---
"$FERRET" trace --db "$DB" --run-id killed -- "$PROGS/sleeper" 30 >"$TMP/killed.log" 2>&1 &
fpid=$!
for _ in $(seq 100); do grep -q "tracing" "$TMP/killed.log" && break; sleep 0.05; done
for _ in $(seq 120); do [ "$(q "SELECT count(*) FROM span_view WHERE run_id='killed'" 2>/dev/null)" = 2 ] && break; sleep 0.05; done
kill -KILL "$fpid"; wait "$fpid" 2>/dev/null
pkill_sleeper=$(q "SELECT pid FROM runs WHERE run_id = 'killed'")
[ -n "$pkill_sleeper" ] && kill "$pkill_sleeper" 2>/dev/null
expect_eq "killed tracer: no figures" "$(figures_of killed)" 0
out=$("$FERRET" analyze "$DB" --run-id killed 2>&1)
expect_match "killed tracer: analyze reads its spans" "$out" "stuck .* 1 \(100\.0%\)"
same "killed tracer" killed
same "killed tracer, tree" killed --tree
