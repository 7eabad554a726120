#!/usr/bin/env bash
# A damaged database: 64 bytes overwritten in the middle of a 200k-span file (a page's cell
# count, or its cell pointers), and a file cut in half. analyze reading the spans and export must
# fail (non-zero, with the reason) rather than show fewer spans than the run recorded; when they
# print figures, those add up to the count they claim. analyze from the figures stored at the
# run's end (no span read) shows those, the same as before the damage.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id big -- "$PROGS/calls" 66500 >/dev/null 2>&1
expect_eq "ferret exits 0" "$?" 0
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
recorded=$(q "SELECT spans FROM run_view WHERE run_id='big'")
expect_eq "200k spans recorded" "$recorded" 199967
cp "$DB" "$TMP/good.db"

good_json=$("$FERRET" analyze "$DB" --json)

# damaged NAME: analyze --json (from the spans, and from the figures stored when the run ended)
# and export of the damaged $DB
damaged() {
	local rc json sum claimed
	json=$(FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$DB" --json 2>"$TMP/err"); rc=$?
	if [ "$rc" -ne 0 ]; then pass "$1: analyze exits non-zero"; else fail "$1: analyze exits non-zero" "exit 0"; fi
	expect_match "$1: analyze says why" "$(head -n 1 "$TMP/err")" "^ferret: .*(malformed|corrupt|damaged|truncated|not a ferret database)"
	# The stored figures were computed from the whole run before the damage: they are its
	# figures, or the file fails to open.
	json=$("$FERRET" analyze "$DB" --json 2>/dev/null); rc=$?
	if [ "$rc" -ne 0 ] || [ "$json" = "$good_json" ]; then pass "$1: stored figures: the run's, or an error"
	else fail "$1: stored figures: the run's, or an error" "exit 0, other figures"; fi
	json=$(FERRET_ANALYZE_SPANS=1 "$FERRET" analyze "$DB" --json 2>/dev/null)
	if [ -n "$json" ]; then
		claimed=$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["span_count"])' 2>&1)
		sum=$(printf '%s' "$json" | python3 -c 'import json,sys; print(sum(f["calls"] for f in json.load(sys.stdin)["functions"]))' 2>&1)
		expect_eq "$1: analyze's figures add up to the span count it claims" "$sum" "$claimed"
	fi
	for fmt in speedscope chrome folded otlp; do
		"$FERRET" export "$DB" --format "$fmt" -o "$TMP/out.$fmt" >"$TMP/err" 2>&1; rc=$?
		if [ "$rc" -ne 0 ]; then pass "$1: export $fmt exits non-zero"
		else fail "$1: export $fmt exits non-zero" "exit 0: $(tr '\n' ' ' <"$TMP/err")"; fi
	done
}

size=$(stat -c %s "$DB")
# A leaf page of the spans table in the middle of the file (pages are 64 KiB).
page=$(q "SELECT pageno FROM dbstat WHERE name='spans' AND pagetype='leaf' ORDER BY pageno
	LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name='spans' AND pagetype='leaf')")
at=$(((page - 1) * 65536))

# Its first 64 bytes rewritten with the cell count (header bytes 3-4) set to 1: SQLite then
# reads one row of that page and no error.
python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); head = bytearray(f.read(64)); head[3:5] = (1).to_bytes(2, "big")
    f.seek(int(sys.argv[2])); f.write(head)' "$DB" "$at"
damaged "page $page's cell count overwritten"
expect_eq "page $page: integrity_check sees the damage" "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1 | head -n 1 | grep -c '^ok$')" 0

# 64 bytes of 0xff over its cell pointers (which rows it holds, from byte 8).
cp "$TMP/good.db" "$DB"
printf '\377%.0s' $(seq 64) | dd of="$DB" bs=1 seek=$((at + 8)) conv=notrunc status=none
damaged "page $page's cell pointers overwritten"
expect_eq "page $page: integrity_check sees the damage" "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1 | head -n 1 | grep -c '^ok$')" 0

cp "$TMP/good.db" "$DB"
truncate -s $((size / 2)) "$DB"
damaged "cut in half"
exit 0
