#!/usr/bin/env bash
# Go functions traced without return probes: exact counts per function, nesting by
# goroutine (a child's span inside its parent's, on the same goroutine's row), statuses
# (ok, or incomplete where a panic or runtime.Goexit unwound the call), the program's
# output unchanged, and the same from a stripped build (names from .gopclntab).
. "$(dirname "$0")/lib.sh"

N=300
expected=$("$PROGS/go_trace" $N)
for build in go_trace go_trace_stripped; do
	run=$build
	out=$("$FERRET" trace --db "$DB" --run-id "$run" -f 'main.*' -- "$PROGS/$build" $N 2>"$TMP/$run.err")
	rc=$?
	expect_eq "$build: ferret and the program exit 0" "$rc" 0
	expect_eq "$build: the program's output is unchanged" "$out" "$expected"
	expect_match "$build: no lost events" "$(cat "$TMP/$run.err")" "lost 0 events"
	for fc in main.leaf:$((4 * N)) main.worker:4 main.deep:1001 main.wait:1 main.recovered:10 \
		main.mayPanic:10 main.quit:3 main.main:1; do
		expect_eq "$build: ${fc%%:*} called exactly ${fc#*:} times" "$(calls "${fc%%:*}" "$run")" "${fc#*:}"
	done
	# Unwound calls end incomplete, never with a made-up return: odd n panics, quit Goexits.
	expect_eq "$build: every call ok but the unwound ones" \
		"$(q "SELECT function || ' ' || status || ' ' || count(*) FROM span_view WHERE run_id='$run'
		      AND (status != 'ok' OR function IN ('main.mayPanic', 'main.quit'))
		      GROUP BY function, status ORDER BY function, status")" \
		"main.main.func4 incomplete 3
main.mayPanic incomplete 5
main.mayPanic ok 5
main.quit incomplete 3"
	# Nesting: every child on its parent's goroutine, inside its parent's span, one deeper.
	expect_eq "$build: every child inside its parent, on its goroutine" \
		"$(q "SELECT count(*) FROM spans c JOIN spans p ON p.span_id = c.parent_id
		      WHERE c.thread != p.thread OR c.start_ns < p.start_ns OR c.depth != p.depth + 1
		      OR c.start_ns + c.duration_ns > p.start_ns + p.duration_ns")" 0
	expect_eq "$build: each main.leaf call's parent is main.worker" \
		"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
		      WHERE c.run_id='$run' AND c.function='main.leaf' AND p.function='main.worker'")" $((4 * N))
	expect_eq "$build: deep's 1000 recursive calls each inside another deep" \
		"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
		      WHERE c.run_id='$run' AND c.function='main.deep' AND p.function='main.deep'")" 1000
	expect_eq "$build: each goroutine's calls on a row of its own" \
		"$(q "SELECT count(DISTINCT s.thread) FROM span_view v JOIN spans s ON s.span_id = v.span_id
		      WHERE v.run_id='$run' AND v.function='main.worker'")" 4
	expect_eq "$build: goroutine rows are named goroutine" \
		"$(q "SELECT DISTINCT t.comm FROM threads t JOIN runs r ON r.id = t.run WHERE r.run_id='$run'")" goroutine
	DB=$DB
done
rm -f "$DB"

# --- a running Go process (-p): traced, and it runs on to its normal end ---
"$PROGS/go_calls" 1.5 >"$TMP/gopid.out" &
gpid=$!
sleep 0.3
"$FERRET" trace --db "$DB" --run-id gp -p "$gpid" -f 'main.deep' -d 0.5 2>"$TMP/gopid.err"
expect_eq "Go process (-p): ferret exits 0" "$?" 0
wait "$gpid"
expect_eq "Go process (-p): it exits 0, unharmed by probes on deep recursion" "$?" 0
expect_match "Go process (-p): its output is whole" "$(cat "$TMP/gopid.out")" "^go_calls: ok [0-9]+$"
expect_eq "Go process (-p): main.deep traced, a whole recursion of 2001 calls at least" \
	"$(q "SELECT count(*) >= 2001 FROM span_view WHERE run_id='gp' AND status='ok'")" 1

# --- stack mode keeps calls per thread in the kernel: refused for Go ---
"$FERRET" trace --db "$DB" --aggregate -f 'main.*' -- "$PROGS/go_trace" 10 >/dev/null 2>"$TMP/agg.err"
expect_eq "Go with --aggregate: ferret exits 1" "$?" 1
expect_match "Go with --aggregate: one line saying why" "$(cat "$TMP/agg.err")" \
	"^ferret: [^ ]*/go_trace is Go code: --min-duration, --aggregate and --max-rate do not trace Go functions"
