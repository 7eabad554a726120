#!/usr/bin/env bash
# The smallest ring buffer (--buffer-size 1) under 16 threads at full rate: events are lost,
# and the loss is accounted for: calls - lost <= ok spans <= stored <= calls. No span that
# straddles a loss is stored as ok: every outer() makes exactly 8 tiny() calls, so an ok
# outer has 8 ok tiny children, outer is always a root (depth 0) and tiny never deeper than 1
# (after a loss a thread starts a new stack: a tiny() entered then is a root, its parent unknown).
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id tiny --buffer-size 1 -f outer -f tiny -- "$FAULTS/storm" 16 1000 8 \
	>"$TMP/out" 2>"$TMP/log"
expect_eq "ferret exits 0" "$?" 0
read -r _ outer_made tiny_made <"$TMP/out"
lost=$(q "SELECT lost_events FROM run_view WHERE run_id='tiny'")
stored=$(q "SELECT count(*) FROM span_view WHERE run_id='tiny'")
ok=$(q "SELECT count(*) FROM span_view WHERE run_id='tiny' AND status='ok'")
made=$((outer_made + tiny_made))
echo "   (tiny ring buffer: $made calls, $stored stored, $ok ok, $lost events lost)"
expect_match "events were lost (the case needs it)" "$lost" '^[1-9][0-9]*$'
expect_match "the summary warns of the loss" "$(cat "$TMP/log")" "WARNING: lost $lost events"
expect_eq "no more spans than calls" "$((stored <= made))" 1
expect_eq "ok spans + lost events cover every call" "$((ok + lost >= made))" 1
expect_eq "outer is always a root" "$(q "SELECT count(*) FROM span_view WHERE run_id='tiny' AND function='outer' AND depth != 0")" 0
expect_eq "tiny is never deeper than 1" "$(q "SELECT count(*) FROM span_view WHERE run_id='tiny' AND function='tiny' AND depth > 1")" 0
expect_match "calls open across a loss are said to be lost" "$(cat "$TMP/log")" \
	"WARNING: $(q "SELECT count(*) FROM span_view WHERE run_id='tiny' AND status='lost'") calls were open when their thread lost events"
expect_eq "an ok outer has exactly 8 ok tiny children" \
	"$(q "WITH k AS (SELECT parent_id p, count(*) n FROM span_view WHERE run_id='tiny' AND function='tiny' AND status='ok' GROUP BY parent_id)
		SELECT count(*) FROM span_view o LEFT JOIN k ON k.p=o.span_id WHERE o.run_id='tiny' AND o.function='outer' AND o.status='ok' AND coalesce(k.n, 0) != 8")" 0
expect_eq "an ok tiny lies inside its ok parent" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='tiny' AND c.status='ok' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
expect_closed tiny
expect_intact
expect_no_links
exit 0
