#!/usr/bin/env bash
# The target segfaults inside a traced function: ferret exits 139 (128 + SIGSEGV), the
# faulting call and its callers are incomplete, the calls that returned are ok.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id segv -- "$FAULTS/segv" >"$TMP/log" 2>&1
expect_eq "ferret exits 139 for a segfaulting target" "$?" 139
expect_eq "exit code stored as 139" "$(q "SELECT exit_code FROM run_view WHERE run_id='segv'")" 139
expect_eq "before: 3 ok" "$(status_counts segv before)" "ok:3"
for f in main caller crash; do
	expect_eq "$f: 1 incomplete" "$(status_counts segv $f)" "incomplete:1"
done
expect_eq "crash -> caller -> main" \
	"$(q "SELECT group_concat(f) FROM (SELECT p.function f FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='segv' AND c.function IN ('crash','caller') ORDER BY c.depth DESC)")" "caller,main"
expect_eq "6 spans in all" "$(q "SELECT count(*) FROM span_view WHERE run_id='segv'")" 6
expect_closed segv
expect_intact
expect_no_links
exit 0
