#!/usr/bin/env bash
# --max-rate demotes hot functions while calls of theirs are open: every stored span names a
# parent that is stored (the nearest enclosing call that kept its span), analyze reads the
# run without "came before their parent", and the demotions are said in one line.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id rate --max-rate 1000 -- "$FAULTS/rates" >"$TMP/log" 2>&1
expect_eq "ferret exits 0" "$?" 0
tops=$(sed -n 's/^tops \([0-9]*\) .*/\1/p' "$TMP/log")
expect_eq "one line names the demoted functions" \
	"$(grep -c 'aggregated only from now on' "$TMP/log")" 1
expect_match "it names mid and leaf" "$(cat "$TMP/log")" "aggregated only from now on: (leaf, mid|mid, leaf)"
expect_eq "every parent is stored" \
	"$(q "SELECT count(*) FROM spans s WHERE s.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.span_id = s.parent_id)")" 0
expect_eq "a child is one deeper than its parent" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='rate' AND c.depth != p.depth + 1")" 0
expect_eq "children lie inside their parents" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='rate' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
expect_eq "main and top are kept whole" "$(status_counts rate main) $(status_counts rate top)" "ok:1 ok:$tops"
out=$("$FERRET" analyze "$DB" --run-id rate 2>&1)
expect_eq "analyze exits 0" "$?" 0
expect_eq "analyze finds no span before its parent" "$(printf '%s\n' "$out" | grep -c 'before their parent')" 0
expect_match "analyze counts every leaf call from the kernel's figures" "$out" "leaf \* +rates +$((tops * 4000)) "
expect_closed rate
expect_intact
expect_no_links
exit 0
