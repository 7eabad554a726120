#!/usr/bin/env bash
# Stack mode: --min-duration, --aggregate, --max-rate keep short calls in the kernel
# while every call is still counted exactly in function_stats.
. "$(dirname "$0")/lib.sh"

stat_of() { # stat_of RUN FUNCTION COLUMN
	q "SELECT s.$3 FROM function_stats s JOIN functions f ON f.id=s.function JOIN runs r ON r.id=s.run WHERE r.run_id='$1' AND f.name='$2'"
}

# --- --min-duration 0 keeps everything: the same spans as event mode ---
"$FERRET" trace --db "$DB" --run-id all0 --min-duration 0 -- "$PROGS/calls" 50 >/dev/null 2>&1
expect_eq "min-duration 0: leaf 100, middle 50, fib 465" "$(calls leaf all0),$(calls middle all0),$(calls fib all0)" "100,50,465"
expect_eq "min-duration 0: leaf's parent is middle, at depth 3" \
	"$(q "SELECT DISTINCT p.function || ':' || c.depth FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='all0' AND c.function='leaf'")" middle:3
expect_eq "min-duration 0: fib recursion reaches depth 12" "$(q "SELECT max(depth) FROM span_view WHERE run_id='all0' AND function='fib'")" 12
expect_eq "min-duration 0: children inside parents" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='all0' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
expect_eq "min-duration 0: aggregates count every call" "$(stat_of all0 fib calls),$(stat_of all0 leaf calls)" "465,100"
expect_eq "aggregated total of fib counts the outermost call only" \
	"$(stat_of all0 fib total_ns)" "$(q "SELECT duration_ns FROM span_view WHERE run_id='all0' AND function='fib' AND depth=1")"
expect_eq "aggregated min/max match the spans" \
	"$(stat_of all0 leaf min_ns),$(stat_of all0 leaf max_ns)" \
	"$(q "SELECT min(duration_ns) || ',' || max(duration_ns) FROM span_view WHERE run_id='all0' AND function='leaf'")"

# --- --min-duration 1ms: only the long calls leave the kernel ---
"$FERRET" trace --db "$DB" --run-id slow --min-duration 1ms -- "$PROGS/sleeper" 1 >/dev/null 2>&1
expect_eq "min-duration 1ms: only main and stuck stored" \
	"$(q "SELECT group_concat(function) FROM (SELECT function FROM span_view WHERE run_id='slow' ORDER BY depth)")" "main,stuck"
expect_eq "min-duration 1ms: stuck's parent is main" \
	"$(q "SELECT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='slow' AND c.function='stuck'")" main
expect_eq "run records the filter" "$(q "SELECT min_duration_ns FROM runs WHERE run_id='slow'")" 1000000

"$FERRET" trace --db "$DB" --run-id short --min-duration 1s -- "$PROGS/calls" 50 >/dev/null 2>&1
expect_eq "min-duration 1s: no spans from a fast program" "$(q "SELECT count(*) FROM span_view WHERE run_id='short'")" 0
expect_eq "min-duration 1s: every call still counted" \
	"$(stat_of short main calls),$(stat_of short run calls),$(stat_of short middle calls),$(stat_of short leaf calls),$(stat_of short fib calls)" "1,1,50,100,465"
expect_eq "min-duration 1s: histogram holds every call" \
	"$(q "SELECT sum(value) FROM function_stats s JOIN functions f ON f.id=s.function, json_each(s.hist) JOIN runs r ON r.id=s.run WHERE r.run_id='short' AND f.name='fib'")" 465

# --- --aggregate: no spans at all, exact counts, threads included ---
"$FERRET" trace --db "$DB" --run-id agg --aggregate -- "$PROGS/threads" 5000 >/dev/null 2>&1
expect_eq "aggregate: no spans" "$(q "SELECT count(*) FROM span_view WHERE run_id='agg'")" 0
expect_eq "aggregate: work_item 10000 calls over two threads" "$(stat_of agg work_item calls)" 10000
expect_eq "aggregate: worker 2 calls" "$(stat_of agg worker calls)" 2
expect_eq "aggregate: run says so" "$(q "SELECT aggregate FROM runs WHERE run_id='agg'")" 1

# --- calls still open at the end count, incomplete ---
"$FERRET" trace --db "$DB" --run-id open --min-duration 0 -d 0.5 -- "$PROGS/sleeper" 1 >/dev/null 2>&1
expect_eq "stack mode: a call open when tracing stops is stored incomplete" \
	"$(q "SELECT status FROM span_view WHERE run_id='open' AND function='stuck'")" incomplete
expect_eq "stack mode: and counted" "$(stat_of open stuck calls)" 1

# --- longjmp and exit() in stack mode ---
"$FERRET" trace --db "$DB" --run-id jumps --min-duration 0 -- "$PROGS/jumps" >/dev/null 2>&1
expect_eq "stack mode: exit code passed on" "$?" 7
expect_eq "stack mode: longjmp'd calls incomplete" \
	"$(q "SELECT group_concat(status) FROM (SELECT status FROM span_view WHERE run_id='jumps' AND function IN ('jumper','deep') ORDER BY function)")" "incomplete,incomplete"

# --- --max-rate: the hot function goes aggregate-only, counts stay exact ---
out=$("$FERRET" trace --db "$DB" --run-id rate --max-rate 2000 -- "$PROGS/hot" 2.5 2>&1)
hot=$(printf '%s\n' "$out" | sed -n 's/^hot=\([0-9]*\) cold=\([0-9]*\)$/\1/p')
cold=$(printf '%s\n' "$out" | sed -n 's/^hot=\([0-9]*\) cold=\([0-9]*\)$/\2/p')
expect_match "max-rate: says which function went over" "$out" "over 2000 calls/s, aggregated only from now on: (.*, )?hot"
expect_eq "max-rate: hot's calls counted exactly" "$(stat_of rate hot calls)" "$hot"
expect_eq "max-rate: cold's calls counted exactly" "$(stat_of rate cold calls)" "$cold"
expect_eq "max-rate: cold kept all its spans" "$(calls cold rate)" "$cold"
expect_eq "max-rate: hot's demotion recorded" "$(q "SELECT demoted_at_ns > 0 FROM function_stats s JOIN functions f ON f.id=s.function JOIN runs r ON r.id=s.run WHERE r.run_id='rate' AND f.name='hot'")" 1
spans=$(calls hot rate)
if [ "$spans" -lt "$hot" ]; then pass "max-rate: hot stopped producing spans ($spans of $hot)"; else fail "max-rate: hot still produced $spans spans of $hot"; fi

# --- analyze shows every function's exact figures from the aggregates ---
json=$("$FERRET" analyze "$DB" --run-id short --json)
expect_match "analyze, min-duration 1s: fib 465 calls from the aggregates" "$json" '"function": "fib", "module": "calls", "calls": 465, "total_ns": [0-9]+, "self_ns": null'
expect_match "analyze: such rows say where they come from" "$json" '"source": "aggregate", "stored_spans": 0, "percentiles": "histogram"'
expect_match "analyze: fib's total is the aggregated outermost total" "$json" "\"function\": \"fib\", \"module\": \"calls\", \"calls\": 465, \"total_ns\": $(stat_of short fib total_ns),"
text=$("$FERRET" analyze "$DB" --run-id agg)
expect_match "analyze, --aggregate: work_item's 10000 calls shown" "$text" "work_item \* +threads +10000 "
expect_match "analyze: the table says which rows come from aggregates" "$text" "^\* not every call was stored"
json=$("$FERRET" analyze "$DB" --run-id all0 --json)
expect_match "analyze, min-duration 0: rows keep exact self and percentiles" "$json" '"function": "leaf", "module": "calls", "calls": 100, "total_ns": [0-9]+, "self_ns": [0-9]+.*"source": "aggregate", "stored_spans": 100, "percentiles": "exact"'
out=$("$FERRET" analyze "$DB" --run-id agg --tree 2>&1); rc=$?
expect_eq "analyze --tree of an --aggregate run: exit 1" "$rc" 1
expect_match "analyze --tree of an --aggregate run: says why" "$out" "no spans to draw a tree from"
