#!/usr/bin/env bash
# The db's filesystem fills up mid-run (a 2 MB tmpfs; one thread making ~80k calls a second
# for 2 s: the first commit fits, a later one does not): ferret says so and exits non-zero,
# the db is intact, the run's span count is the rows really stored, and the calls it saw
# and could not store are counted (stored + lost_events >= the calls the
# summary says it recorded; tracing may stop at the failure, so later calls go untraced).
. "$(dirname "$0")/lib.sh"

MNT="$TMP/small"
mkdir -p "$MNT"
mount -t tmpfs -o size=2m tmpfs "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
DB="$MNT/full.db"

timeout 60 "$FERRET" trace --db "$DB" --run-id full -f tiny -- "$FAULTS/storm" 1 2000 1 >"$TMP/out" 2>"$TMP/log"
rc=$?
made=$(awk '/^calls/ {print $3}' "$TMP/out")
echo "   (disk full: ferret exit $rc, $made calls made; $(tail -n 3 "$TMP/log" | tr '\n' ' '))"
expect_eq "ferret exits non-zero when the disk is full" "$((rc != 0 && rc != 124))" 1
expect_match "ferret says the disk is full" "$(cat "$TMP/log")" "ferret: .*(full|No space)"
expect_intact
stored=$(calls tiny full)
expect_closed full
lost=$(q "SELECT lost_events FROM run_view WHERE run_id='full'")
seen=$(sed -n 's/.*run full: \([0-9]*\) spans.*/\1/p' "$TMP/log")
expect_match "the summary says how many calls were seen" "$seen" '^[0-9]+$'
expect_eq "the calls not stored are counted (lost ${lost:-?} + stored $stored >= seen ${seen:-?})" \
	"$(( ${lost:-0} + ${stored:-0} >= ${seen:-1} ))" 1
"$FERRET" analyze "$DB" --json >"$TMP/a.json" 2>"$TMP/err"
if [ -s "$TMP/a.json" ]; then
	expect_eq "analyze of the full db claims the spans stored" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["span_count"])' "$TMP/a.json" 2>&1)" "$stored"
else
	expect_match "analyze of the full db, nothing stored: says so" "$(cat "$TMP/err")" "^ferret: .*no spans"
fi
expect_no_links
exit 0
