#!/usr/bin/env bash
# The target is SIGKILLed mid-call: its open calls are stored incomplete, the calls that
# returned are ok, and ferret exits 137 (128 + 9) as it passes the target's status on.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id killed -- "$FAULTS/hang" "$TMP/pid" >"$TMP/log" 2>&1 &
fpid=$!
if wait_file "$TMP/pid"; then kill -KILL "$(cat "$TMP/pid")"; fi
wait "$fpid"
expect_eq "ferret exits 137 for a SIGKILLed target" "$?" 137
expect_eq "exit code stored as 137" "$(q "SELECT exit_code FROM run_view WHERE run_id='killed'")" 137
expect_eq "warmup: 5 ok" "$(status_counts killed warmup)" "ok:5"
for f in main outer inner; do
	expect_eq "$f: 1 incomplete" "$(status_counts killed $f)" "incomplete:1"
done
expect_eq "inner nests under outer" \
	"$(q "SELECT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='killed' AND c.function='inner'")" outer
expect_eq "incomplete spans end at or after their start" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='killed' AND (end_ns IS NULL OR end_ns < start_ns)")" 0
expect_closed killed
expect_intact
expect_no_links
exit 0
