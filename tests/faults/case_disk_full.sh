#!/usr/bin/env bash
# The db's filesystem fills up mid-run (a 3 MB tmpfs, 1.4 MB of it the empty schema: no window fits; 6 MB: the first fits,
# a later one does not; one thread making ~700k calls a second for 2 s): ferret says so once,
# keeps tracing (counting the calls it cannot store) and exits non-zero; the db is intact,
# the run's and its threads' span counts are the rows really stored, every call seen is
# stored or counted in runs.unstored_spans with the reason in the summary, and the
# command's exit code is stored.
. "$(dirname "$0")/lib.sh"

MNT="$TMP/small"
mkdir -p "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT

# disk_full SIZE: one run on a SIZE tmpfs, every check
disk_full() {
	local rc made stored unstored seen
	mount -t tmpfs -o size="$1" tmpfs "$MNT"
	DB="$MNT/full.db"
	timeout 60 "$FERRET" trace --db "$DB" --run-id full -f tiny -- "$FAULTS/storm" 1 2000 1 >"$TMP/out" 2>"$TMP/log"
	rc=$?
	made=$(awk '/^calls/ {print $3}' "$TMP/out")
	echo "   ($1 disk: ferret exit $rc, $made calls made; $(tail -n 3 "$TMP/log" | tr '\n' ' '))"
	expect_eq "$1: ferret exits non-zero when the disk is full" "$((rc != 0 && rc != 124))" 1
	expect_match "ferret says the disk is full" "$(cat "$TMP/log")" "ferret: .*(full|No space)"
	expect_intact
	stored=$(calls tiny full)
	expect_closed full
	unstored=$(q "SELECT unstored_spans FROM runs WHERE run_id='full'")
	seen=$(sed -n 's/.*run full: \([0-9]*\) spans.*/\1/p' "$TMP/log")
	expect_match "the summary says how many calls were seen" "$seen" '^[0-9]+$'
	expect_eq "tracing went on to the end: every call made was seen" "$seen" "$made"
	expect_eq "every call seen is stored or counted (stored $stored + unstored ${unstored:-?})" \
		"$(( ${stored:-0} + ${unstored:-0} ))" "$seen"
	expect_match "the summary says how many were not stored, and why" "$(cat "$TMP/log")" \
		"run full: [0-9]+ spans .*, ${unstored:-?} of them not stored \((database or )?disk (is )?full"
	expect_eq "ferret says once that it counts instead of storing" \
		"$(grep -c 'counted, not stored' "$TMP/log")" 1
	expect_eq "threads.spans is the rows stored" "$(q "SELECT sum(t.spans) FROM threads t JOIN runs r
		ON r.id = t.run WHERE r.run_id='full'")" "$stored"
	expect_eq "the threads' id ranges hold every stored span" "$(q "SELECT count(*) FROM spans s
		JOIN threads t ON t.id = s.thread WHERE s.span_id < t.first_span_id OR s.span_id > t.last_span_id")" 0
	expect_eq "the command's exit code is stored" "$(q "SELECT exit_code FROM runs WHERE run_id='full'")" 0
	"$FERRET" analyze "$DB" --json >"$TMP/a.json" 2>"$TMP/err"
	if [ -s "$TMP/a.json" ]; then
		expect_eq "analyze of the full db claims the spans stored" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["span_count"])' "$TMP/a.json" 2>&1)" "$stored"
	else
		expect_match "analyze of the full db, nothing stored: says so" "$(cat "$TMP/err")" "^ferret: .*no spans"
	fi
	if [ "${unstored:-0}" -gt 0 ] && [ "${stored:-0}" -gt 0 ]; then
		"$FERRET" export "$DB" --format folded -o "$TMP/x.folded" 2>"$TMP/xerr"
		expect_match "export says which calls it misses" "$(cat "$TMP/xerr")" \
			"ferret: warning: run full: $unstored calls were seen but not stored"
	fi
	umount "$MNT"
}

disk_full 3m
disk_full 6m
expect_no_links
exit 0
