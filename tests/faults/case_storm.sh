#!/usr/bin/env bash
# 16 threads calling a tiny function at full rate for 1 s: every call is accounted for.
# Each call is two events (entry, return); a lost event costs at most one call, so with L
# events lost: calls - L <= ok spans <= stored spans <= calls, and with none lost, stored = calls.
. "$(dirname "$0")/lib.sh"

start=$SECONDS
"$FERRET" trace --db "$DB" --run-id storm -f tiny -- "$FAULTS/storm" 16 1000 1 >"$TMP/out" 2>"$TMP/log"
expect_eq "ferret exits 0" "$?" 0
made=$(awk '/^calls/ {print $3}' "$TMP/out")
lost=$(q "SELECT lost_events FROM run_view WHERE run_id='storm'")
stored=$(calls tiny storm)
ok=$(q "SELECT count(*) FROM span_view WHERE run_id='storm' AND function='tiny' AND status='ok'")
echo "   (storm: $made calls, $stored stored, $ok ok, $lost events lost, $((SECONDS - start)) s)"
expect_match "the program made calls" "$made" '^[1-9][0-9]*$'
if [ "${lost:-x}" = 0 ]; then
	expect_eq "none lost: every call stored" "$stored" "$made"
	expect_eq "none lost: every call ok" "$ok" "$made"
else
	expect_eq "no more spans than calls" "$((stored <= made))" 1
	expect_eq "ok spans + lost events cover every call" "$((ok + lost >= made))" 1
	expect_match "the summary reports the loss" "$(cat "$TMP/log")" "lost $lost events"
fi
expect_eq "16 threads stored" "$(q "SELECT count(DISTINCT tid) FROM span_view WHERE run_id='storm'")" 16
expect_closed storm
expect_intact
expect_no_links
exit 0
