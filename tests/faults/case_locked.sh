#!/usr/bin/env bash
# Another process holds the db's write lock for 7 s from the start of a traced run (a sqlite3
# shell in BEGIN IMMEDIATE; half a second of ~600k calls a second): ferret says it waits, the
# ring buffer holds the events meanwhile, and once the lock is free every call is stored: no
# window lost, nothing counted as unstored, no event lost.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id first -f tiny -- "$FAULTS/storm" 1 10 1 >/dev/null 2>&1
expect_eq "a first run makes the db" "$?" 0

"$FERRET" trace --db "$DB" --run-id locked -f tiny -- "$FAULTS/storm" 1 500 1 >"$TMP/out" 2>"$TMP/log" &
tracer=$!
wait_file "$TMP/log"
{
	printf '.timeout 10000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$TMP/held"
	sleep 7
	printf 'COMMIT;\n'
} | sqlite3 -batch "$DB" >/dev/null 2>"$TMP/holder" &
holder=$!
wait_file "$TMP/held" 50
expect_eq "the other process holds the write lock" "$([ -e "$TMP/held" ] && echo yes)" yes
wait "$tracer"
rc=$?
wait "$holder"
made=$(awk '/^calls/ {print $3}' "$TMP/out")
stored=$(calls tiny locked)
lost=$(q "SELECT lost_events FROM run_view WHERE run_id='locked'")
echo "   (locked: ferret exit $rc, $made calls made, $stored stored, $lost events lost)"
expect_eq "ferret exits 0" "$rc" 0
expect_match "ferret says it waits for the lock" "$(cat "$TMP/log")" \
	"ferret: .*another process holds the write lock: waiting"
expect_eq "nothing counted as unstored" "$(q "SELECT unstored_spans FROM runs WHERE run_id='locked'")" 0
expect_eq "no events lost (the ring buffer held them)" "$lost" 0
expect_eq "every call stored" "$stored" "$made"
expect_closed locked

# The lock is taken mid-run and held for good; Ctrl-C stops tracing, and ferret waits for
# the lock to store the rest, saying that a second Ctrl-C gives up; the second one does,
# within seconds: the calls it could not store are counted, exit 1.
"$FERRET" trace --db "$DB" --run-id held -f tiny -- "$FAULTS/storm" 1 100000 1 >/dev/null 2>"$TMP/log2" &
tracer=$!
for _ in $(seq 100); do grep -q 'Ctrl-C to stop' "$TMP/log2" && break; sleep 0.1; done
{
	printf '.timeout 10000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$TMP/held2"
	while [ ! -e "$TMP/release" ]; do sleep 0.2; done
	printf 'COMMIT;\n'
} | sqlite3 -batch "$DB" >/dev/null 2>&1 &
holder=$!
wait_file "$TMP/held2" 50
for _ in $(seq 150); do grep -q 'a second Ctrl-C gives up' "$TMP/log2" && break; sleep 0.1; done
kill -INT "$tracer"
pkill -INT -f "^$FAULTS/storm 1 100000" # a terminal's Ctrl-C reaches the command too
sleep 1
expect_eq "after one Ctrl-C ferret still waits for the lock" "$(kill -0 "$tracer" 2>/dev/null && echo waits)" waits
kill -INT "$tracer"
for _ in $(seq 100); do kill -0 "$tracer" 2>/dev/null || break; sleep 0.1; done
expect_eq "a second Ctrl-C gives up within 10 s" "$(kill -0 "$tracer" 2>/dev/null && echo still waiting || echo gone)" gone
kill -KILL "$tracer" 2>/dev/null
wait "$tracer"
expect_eq "ferret exits 1 (calls not stored)" "$?" 1
expect_match "the summary counts what was not stored, and why" "$(cat "$TMP/log2")" \
	"run held: [0-9]+ spans .*, [0-9]+ of them not stored \(database is locked\)"
touch "$TMP/release"
wait "$holder"
expect_intact
expect_no_links
exit 0
