#!/usr/bin/env bash
# ferret export end to end: real traced runs exported in every format, then checked by the
# real consumers: Speedscope's JSON schema (ajv), the Speedscope app in headless Chromium
# (for the speedscope and chrome formats), the official OTLP protobuf classes, and exact
# sums against the database. Screenshots go to $FERRET_BUILD/artifacts/.
. "$(dirname "$0")/lib.sh"
VIEWER="$PWD/tests/viewer"
ART="$PWD/${FERRET_BUILD:-build}/artifacts"
OUT="$TMP/out"
mkdir -p "$ART" "$OUT"

viewer_ready=1
if ! bash scripts/setup-viewer.sh >"$TMP/setup.log" 2>&1; then
	viewer_ready=0
	fail "viewer tools installed (scripts/setup-viewer.sh)" "$(tail -n 1 "$TMP/setup.log")"
fi

# view LABEL FILE RUN IMPORTER: opens FILE in Speedscope, expecting one profile per thread of
# RUN and each thread's time span (first start to last end) as its total duration.
view() {
	local label=$1 file=$2 run=$3 importer=$4
	[ "$viewer_ready" = 1 ] || return 0
	q "SELECT json_object('importer', '$importer', 'threads', json_group_array(json(t)))
	   FROM (SELECT json_object('tid', tid, 'total_ns', max(end_ns) - min(start_ns)) t
	         FROM span_view WHERE run_id='$run' GROUP BY tid)" >"$TMP/$label.expect.json"
	node "$VIEWER/viewer.mjs" open "$label" "$file" "$TMP/$label.expect.json" "$ART" 2>&1 |
		grep -E '^(PASS|FAIL): ' || fail "$label viewer check ran"
}

validate() {
	[ "$viewer_ready" = 1 ] || return 0
	node "$VIEWER/viewer.mjs" validate "$1" "$2" 2>&1 | grep -E '^(PASS|FAIL): ' ||
		fail "$1 schema check ran"
}

# --- a run with three threads; tracing stops while main is still in linger() ---
# --no-sched: the viewer checks count one Speedscope profile per thread (test_sched.sh checks the
# on-CPU profiles a run with those figures adds).
"$FERRET" trace --db "$DB" --run-id demo -d 1 --no-sched -- "$PROGS/export_demo" 2500 >/dev/null 2>&1
expect_eq "export_demo traced: compute 8 times" "$(calls compute demo)" 8
expect_eq "export_demo: main and linger incomplete" \
	"$(q "SELECT group_concat(function) FROM (SELECT function FROM span_view WHERE run_id='demo' AND status='incomplete' ORDER BY function)")" \
	"linger,main"
spans=$(q "SELECT count(*) FROM span_view WHERE run_id='demo'")

for fmt in speedscope chrome folded otlp; do
	"$FERRET" export "$DB" --run-id demo --format "$fmt" -o "$OUT/" 2>"$TMP/export.log"
	expect_eq "export --format $fmt exits 0" "$?" 0
done
expect_eq "a directory gets <run>.<format suffix> files" \
	"$(cd "$OUT" && ls | sort | tr '\n' ' ')" "demo.folded demo.json demo.otlp.json demo.speedscope.json "
expect_match "export says what it wrote" "$(cat "$TMP/export.log")" "wrote $spans spans of run demo \(otlp\) to $OUT/demo.otlp.json"

# --- speedscope: the schema, then the app ---
validate speedscope-demo "$OUT/demo.speedscope.json"
view speedscope-demo "$OUT/demo.speedscope.json" demo "speedscope json file"

# --- chrome: Speedscope reads this format too ---
view chrome-demo "$OUT/demo.json" demo "Trace Event Format"
expect_eq "chrome: one X event per complete call, a B/E pair per incomplete one" \
	"$(grep -c '"ph":"X"' "$OUT/demo.json") $(grep -c '"ph":"B"' "$OUT/demo.json") $(grep -c '"ph":"E"' "$OUT/demo.json")" \
	"$((spans - 2)) 2 2"
expect_match "chrome: ts and dur in microseconds with exactly 3 decimals" \
	"$(grep -o '"\(ts\|dur\)":[^,]*' "$OUT/demo.json" | grep -vc '":-\?[0-9]\+\.[0-9]\{3\}$')" '^0$'

# --- folded: self times add up to the traced time, exactly ---
expect_eq "folded: the values sum to the roots' total duration" \
	"$(awk '{ s += $NF } END { print s }' "$OUT/demo.folded")" \
	"$(q "SELECT sum(duration_ns) FROM span_view WHERE run_id='demo' AND parent_id IS NULL")"
expect_eq "folded: every line is 'comm;frame;... VALUE'" "$(grep -cvE '^[^; ]+(;[^;]+)* [0-9]+$' "$OUT/demo.folded")" 0
expect_match "folded: the known call path is there" "$(cat "$OUT/demo.folded")" \
	'^export_demo;main;setup;parse_config [0-9]+$'
expect_eq "folded: stdout gives the same bytes" \
	"$("$FERRET" export "$DB" --run-id demo --format folded | md5sum)" "$(md5sum <"$OUT/demo.folded")"

# --- otlp: the official protobuf classes accept every line ---
/usr/bin/python3 "$VIEWER/check_otlp.py" otlp-demo "$OUT/demo.otlp.json" "$spans" 2>&1 |
	grep -E '^(PASS|FAIL): ' || fail "otlp check ran"
expect_eq "otlp: one trace per root call" \
	"$(grep -o '"traceId":"[0-9a-f]*"' "$OUT/demo.otlp.json" | sort -u | wc -l)" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='demo' AND parent_id IS NULL")"
start_real=$(q "SELECT r.start_real_ns + s.start_ns - r.start_ns FROM runs r JOIN span_view s ON s.run_id=r.run_id WHERE r.run_id='demo' AND s.function='main'")
expect_match "otlp: wall-clock start from the run's anchor" "$(cat "$OUT/demo.otlp.json")" \
	"\"name\":\"main\",\"kind\":1,\"startTimeUnixNano\":\"$start_real\""

# --- filters ---
worker_tid=$(q "SELECT min(tid) FROM span_view WHERE run_id='demo' AND function='worker'")
"$FERRET" export "$DB" --run-id demo --thread "$worker_tid" -o "$OUT/worker.speedscope.json" 2>/dev/null
expect_eq "--thread: one profile" "$(grep -c '"type":"evented"' "$OUT/worker.speedscope.json")" 1
validate speedscope-thread "$OUT/worker.speedscope.json"
expect_eq "--function: only compute, its calls summed" \
	"$("$FERRET" export "$DB" --run-id demo --function 'comp*' --format folded)" \
	"export_demo;compute $(q "SELECT sum(duration_ns) FROM span_view WHERE run_id='demo' AND function='compute'")"
"$FERRET" export "$DB" --run-id demo --function 'leaf' --format speedscope -o "$OUT/leaf.speedscope.json" 2>/dev/null
validate speedscope-function-filter "$OUT/leaf.speedscope.json"
expect_eq "--min-duration 20us keeps the long calls" \
	"$("$FERRET" export "$DB" --run-id demo --min-duration 20us --format chrome | grep -c '"ph":"[XB]"')" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='demo' AND duration_ns >= 20000")"
expect_eq "--pid: the run's process has every span" \
	"$("$FERRET" export "$DB" --run-id demo --pid "$(q "SELECT pid FROM run_view WHERE run_id='demo'")" --format otlp | grep -o '"spanId"' | wc -l)" "$spans"

# --- calls that never return (longjmp, exit inside a call) ---
"$FERRET" trace --db "$DB" --run-id jumps --no-sched -- "$PROGS/jumps" >/dev/null 2>&1
"$FERRET" export "$DB" --run-id jumps -o "$OUT/" 2>/dev/null
"$FERRET" export "$DB" --run-id jumps --format chrome -o "$OUT/" 2>/dev/null
validate speedscope-jumps "$OUT/jumps.speedscope.json"
view speedscope-jumps "$OUT/jumps.speedscope.json" jumps "speedscope json file"
view chrome-jumps "$OUT/jumps.json" jumps "Trace Event Format"

# --- bad input: one clear line, non-zero exit, nothing half-written ---
out=$("$FERRET" export "$DB" --format svg 2>&1)
expect_eq "unknown format: exit 2" "$?" 2
expect_eq "unknown format lists the formats" "$out" \
	"ferret: unknown format 'svg' (formats: speedscope, chrome, folded, otlp)"
out=$("$FERRET" export "$DB" --run-id nope -o "$OUT/nope.json" 2>&1)
expect_eq "unknown run: exit 1" "$?" 1
expect_match "unknown run names the runs" "$out" "no run 'nope' .*demo"
expect_eq "unknown run: no file" "$([ -e "$OUT/nope.json" ] && echo yes || echo no)" no
out=$("$FERRET" export "$TMP/none.db" 2>&1)
expect_eq "missing database: exit 1" "$?" 1
out=$("$FERRET" export "$DB" --run-id demo -o /proc/ferret-export.json 2>&1)
expect_eq "unwritable path: exit 1" "$?" 1
expect_eq "unwritable path: one line" "$(printf '%s\n' "$out" | wc -l)" 1
echo old >"$OUT/keep.json"
"$FERRET" export "$DB" --run-id demo --function 'no_such_*' -o "$OUT/keep.json" 2>/dev/null
expect_eq "an export that fails leaves the existing file alone" "$?/$(cat "$OUT/keep.json")" "1/old"
"$FERRET" export "$DB" --run-id demo -o /dev/full 2>/dev/null
expect_eq "a full device: exit 1" "$?" 1
mkdir -p "$TMP/small"
if mount -t tmpfs -o size=12k tmpfs "$TMP/small" 2>/dev/null; then
	"$FERRET" export "$DB" --run-id demo --format otlp -o "$TMP/small/t.otlp.json" 2>"$TMP/full.log"
	expect_eq "disk full mid-export: exit 1" "$?" 1
	expect_eq "disk full mid-export: no truncated file, no temporary" "$(ls -A "$TMP/small" | wc -l)" 0
	expect_match "disk full mid-export: says why" "$(cat "$TMP/full.log")" "No space left on device"
	umount "$TMP/small"
else
	pass "disk full mid-export (skipped: cannot mount a tmpfs here)"
fi
expect_eq "no temporary files left in the output directory" "$(ls -A "$OUT" | grep -c '^\.')" 0

# As root, -o never writes through a symlink (to a file or a device) or over another user's file.
printf 'precious\n' > "$TMP/victim"
ln -sf "$TMP/victim" "$TMP/link.json"
out=$("$FERRET" export "$DB" --run-id demo -o "$TMP/link.json" 2>&1); rc=$?
expect_eq "export -o a symlink: exit 1" "$rc" 1
expect_match "export -o a symlink: says why" "$out" "link.json is a symbolic link: not written as root"
expect_eq "export -o a symlink: its target untouched, the link kept" "$(cat "$TMP/victim"),$(test -L "$TMP/link.json" && echo link)" "precious,link"
printf 'theirs\n' > "$TMP/theirs.json"
chown nobody "$TMP/theirs.json"
out=$("$FERRET" view "$DB" --run-id demo -o "$TMP/theirs.json" 2>&1); rc=$?
expect_eq "view -o another user's file: exit 1" "$rc" 1
expect_match "view -o another user's file: says why" "$out" "theirs.json belongs to uid [0-9]+, not to root or the sudo user"
expect_eq "view -o another user's file: untouched" "$(cat "$TMP/theirs.json")" theirs
