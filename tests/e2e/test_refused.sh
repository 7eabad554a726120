#!/usr/bin/env bash
# A function the kernel refuses to probe (its first instruction has a lock prefix) is left
# out with one warning; the rest of its module is traced, with exact counts.
. "$(dirname "$0")/lib.sh"

# --- the program launched by ferret: nothing else maps it ---
"$FERRET" trace --db "$DB" --run-id alone -- "$PROGS/refused" 7 >/dev/null 2>"$TMP/alone.err"
rc=$?
expect_eq "refused: the run succeeds" "$rc" 0
warning='warning: not tracing 1 function the kernel refuses to probe: locked_inc (lock prefix)$'
expect_eq "refused: one warning names the function and why" "$(grep -c "$warning" "$TMP/alone.err")" 1
expect_eq "refused: main 1, work 7, locked_count 7 (its probe past the lock)" \
	"$(calls main alone),$(calls work alone),$(calls locked_count alone)" "1,7,7"
expect_eq "refused: locked_count's calls nest in work's" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
	      WHERE c.run_id='alone' AND c.function='locked_count' AND p.function='work'
	        AND c.status='ok' AND c.start_ns >= p.start_ns AND c.end_ns <= p.end_ns")" 7
expect_eq "refused: the refused function is not in the run (no count of 0 for it)" \
	"$(q "SELECT count(*) FROM functions WHERE name='locked_inc' AND run =
	      (SELECT id FROM runs WHERE run_id='alone')")" 0
expect_match "refused: the summary counts the traced functions only" "$(cat "$TMP/alone.err")" \
	"tracing 3 functions in 1 module of"

# --- another process maps the file at attach time: the kernel checks every probe then,
# and one refused probe would fail the module's whole uprobe_multi attach ---
"$PROGS/refused" 1 3 &
other=$!
sleep 0.2
"$FERRET" trace --db "$DB" --run-id mapped -- "$PROGS/refused" 5 >/dev/null 2>"$TMP/mapped.err"
rc=$?
kill "$other" 2>/dev/null
wait "$other" 2>/dev/null
expect_eq "refused while mapped elsewhere: the run succeeds" "$rc" 0
expect_eq "refused while mapped elsewhere: no attach error" \
	"$(grep -c 'cannot attach' "$TMP/mapped.err")" 0
expect_eq "refused while mapped elsewhere: main 1, work 5" \
	"$(calls main mapped),$(calls work mapped),$(calls locked_count mapped)" "1,5,5"
