#!/usr/bin/env bash
# Tracing a stripped program by names only its separate debug file knows: the counts
# ferret analyze shows, the -v line on where names came from, and a debug file owned by
# another user refused (found outside the system's folders).
. "$(dirname "$0")/lib.sh"
unset DEBUGINFOD_URLS FERRET_DEBUG_DIRS

# analyze_calls RUN FUNCTION: the calls column of ferret analyze --json
analyze_calls() {
	"$FERRET" analyze "$DB" --run-id "$1" --json |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(next((f["calls"] for f in d["functions"] if f["function"] == sys.argv[1]), "none"))' "$2"
}

expect_eq "dbg_demo is stripped" "$(readelf -S "$PROGS/dbg_demo" | grep -c '\.symtab')" 0
out=$("$FERRET" trace -v --db "$DB" --run-id dbg -f 'hidden_*' -- "$PROGS/dbg_demo" 7 2>&1)
expect_eq "trace by debug-file names exits 0" "$?" 0
debug=$(realpath "$PROGS/.debug/dbg_demo.debug")
expect_match "-v says the names came from the debug file" "$out" \
	"dbg_demo: [0-9]+ functions: [0-9]+ debug file $debug"
expect_eq "analyze: hidden_middle called 7 times" "$(analyze_calls dbg hidden_middle)" 7
expect_eq "analyze: hidden_leaf called 14 times" "$(analyze_calls dbg hidden_leaf)" 14
expect_eq "hidden_leaf's parent is hidden_middle" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='dbg' AND c.function='hidden_leaf'")" hidden_middle

# No build-id: tied by the debuglink's CRC32.
"$FERRET" trace --db "$DB" --run-id nobid -f 'hidden_leaf' -- "$PROGS/dbg_nobid" 5 >/dev/null 2>&1
expect_eq "dbg_nobid (CRC32 only): hidden_leaf called 10 times" "$(calls hidden_leaf nobid)" 10

# A copy in a folder anyone may write to (/tmp), with its debug file owned by someone else.
mkdir -p "$TMP/bin/.debug"
cp "$PROGS/dbg_demo" "$TMP/bin/"
cp "$PROGS/.debug/dbg_demo.debug" "$TMP/bin/.debug/"
chown 65534 "$TMP/bin/.debug/dbg_demo.debug"
out=$("$FERRET" trace --db "$DB" --run-id other -f 'hidden_*' -- "$TMP/bin/dbg_demo" 3 2>&1)
expect_eq "another user's debug file: nothing to trace" "$?" 1
expect_match "another user's debug file is refused, said once" "$out" \
	"warning: $TMP/bin/dbg_demo: debug file $TMP/bin/.debug/dbg_demo.debug is owned by uid 65534, neither root nor the owner"
expect_eq "the refusal is one line" "$(printf '%s\n' "$out" | grep -c 'owned by uid 65534')" 1
# ... unless it is the binary's owner's.
chown 65534 "$TMP/bin/dbg_demo"
"$FERRET" trace --db "$DB" --run-id owner -f 'hidden_*' -- "$TMP/bin/dbg_demo" 3 >/dev/null 2>&1
expect_eq "the binary's owner's debug file is used" "$(calls hidden_leaf owner)" 6

# FERRET_DEBUG_DIRS: a private store by build-id.
id=$(readelf -n "$PROGS/dbg_demo" | sed -n 's/.*Build ID: //p')
rm -rf "$TMP/bin/.debug"
mkdir -p "$TMP/store/.build-id/${id:0:2}"
cp "$PROGS/.debug/dbg_demo.debug" "$TMP/store/.build-id/${id:0:2}/${id:2}.debug"
out=$(FERRET_DEBUG_DIRS="$TMP/store" "$FERRET" trace -v --db "$DB" --run-id store -f 'hidden_middle' -- "$TMP/bin/dbg_demo" 4 2>&1)
expect_match "FERRET_DEBUG_DIRS: found by build-id" "$out" "debug file $TMP/store/.build-id/${id:0:2}/${id:2}.debug"
expect_eq "FERRET_DEBUG_DIRS: hidden_middle called 4 times" "$(calls hidden_middle store)" 4
