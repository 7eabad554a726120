#!/usr/bin/env bash
# longjmp out of nested traced calls, 3 times: the jumped-over calls (a, b, c) are
# incomplete, catcher, after and main are ok, and after() nests under catcher.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id lj -- "$FAULTS/longjmp" >"$TMP/log" 2>&1
expect_eq "ferret exits 0" "$?" 0
for f in a b c; do
	expect_eq "$f: 3 incomplete" "$(status_counts lj $f)" "incomplete:3"
done
expect_eq "catcher: 3 ok" "$(status_counts lj catcher)" "ok:3"
expect_eq "after: 3 ok" "$(status_counts lj after)" "ok:3"
expect_eq "main: 1 ok" "$(status_counts lj main)" "ok:1"
expect_eq "a nests under catcher" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='lj' AND c.function='a'")" catcher
expect_eq "after nests under catcher (not under the abandoned c)" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='lj' AND c.function='after'")" catcher
expect_eq "the jumped-over calls end before after() starts" \
	"$(q "SELECT count(*) FROM span_view j, span_view x WHERE j.run_id='lj' AND x.run_id='lj' AND j.function IN ('a','b','c') AND x.function='after' AND x.parent_id=j.parent_id AND j.end_ns > x.start_ns")" 0
expect_closed lj
expect_intact
expect_no_links
exit 0
