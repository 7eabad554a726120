#!/usr/bin/env bash
# exit() deep in a call chain: every open call is incomplete, counts are exact, the
# exit code is passed on.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id deep -- "$FAULTS/exitdeep" >"$TMP/log" 2>&1
expect_eq "ferret exits with the code given to exit()" "$?" 5
expect_eq "leaf: 4 ok" "$(status_counts deep leaf)" "ok:4"
expect_eq "chain: 11 incomplete (chain(10) .. chain(0))" "$(status_counts deep chain)" "incomplete:11"
expect_eq "main: 1 incomplete" "$(status_counts deep main)" "incomplete:1"
expect_eq "chain nests 11 deep under main" \
	"$(q "SELECT min(depth) || '..' || max(depth) FROM span_view WHERE run_id='deep' AND function='chain'")" "1..11"
expect_eq "16 spans in all" "$(q "SELECT count(*) FROM span_view WHERE run_id='deep'")" 16
expect_closed deep
expect_intact
expect_no_links
exit 0
