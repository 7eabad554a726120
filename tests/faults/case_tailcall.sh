#!/usr/bin/env bash
# A tail call (mid jumps to leaf) enters where its caller did: both stay open and return
# ok; a later call from the same stack place (top calls leaf) ends nothing either.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id tc -- "$FAULTS/tailcall" >"$TMP/log" 2>&1
expect_eq "ferret exits 0 (the program's sum is right)" "$?" 0
expect_eq "leaf: 200 ok" "$(status_counts tc leaf)" "ok:200"
expect_eq "mid: 100 ok" "$(status_counts tc mid)" "ok:100"
expect_eq "top: 100 ok" "$(status_counts tc top)" "ok:100"
expect_eq "leaf nests under mid 100 times, under top 100 times" \
	"$(q "SELECT p.function || ':' || count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='tc' AND c.function='leaf' GROUP BY p.function ORDER BY p.function" | paste -sd,)" "mid:100,top:100"
expect_closed tc
expect_intact
expect_no_links
exit 0
