#!/usr/bin/env bash
# Debug files from debuginfod: Debian's debuginfod on loopback serves a folder holding
# dbg_demo's debug file; ferret traces a copy of dbg_demo (no debug file beside it) by
# the names it fetches, kept in DEBUGINFOD_CACHE_PATH. A server that does not answer
# costs one short timeout. Skipped only when the debuginfod program is missing.
. "$(dirname "$0")/lib.sh"
unset FERRET_DEBUG_DIRS DEBUGINFOD_TIMEOUT
if ! command -v debuginfod >/dev/null; then
	echo "SKIP: no debuginfod program (apt-get install debuginfod)"
	exit 0
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/srv" "$TMP/bin" "$TMP/cache"
cp "$PROGS/.debug/dbg_demo.debug" "$TMP/srv/"
cp "$PROGS/dbg_demo" "$TMP/bin/"
id=$(readelf -n "$PROGS/dbg_demo" | sed -n 's/.*Build ID: //p')
debuginfod -p "$port" -F -d "$TMP/index.sqlite" -t 0 -g 0 -c 1 "$TMP/srv" >"$TMP/debuginfod.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$TMP"' EXIT

# Until it has scanned the folder (a few seconds): the debug file is served.
for _ in $(seq 1 100); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/buildid/$id/debuginfo" && break
	sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$port/buildid/$id/debuginfo"
expect_eq "debuginfod serves the debug file" "$?" 0

export DEBUGINFOD_URLS="http://127.0.0.1:$port" DEBUGINFOD_CACHE_PATH="$TMP/cache"
out=$("$FERRET" trace -v --db "$DB" --run-id fetched -f 'hidden_*' -- "$TMP/bin/dbg_demo" 6 2>&1)
expect_eq "trace by names fetched from debuginfod exits 0" "$?" 0
expect_match "-v: asked debuginfod" "$out" "asking debuginfod \(http://127.0.0.1:$port\)"
expect_match "-v: names from the debug file in the cache" "$out" \
	"dbg_demo: [0-9]+ functions: [0-9]+ debug file $TMP/cache/$id/debuginfo"
expect_eq "hidden_middle called 6 times" "$(calls hidden_middle fetched)" 6
expect_eq "hidden_leaf called 12 times" "$(calls hidden_leaf fetched)" 12
expect_eq "the cached copy is the debug file" "$(cmp -s "$TMP/cache/$id/debuginfo" "$PROGS/.debug/dbg_demo.debug" && echo same)" same

# From the cache, with the server gone.
kill "$server"
wait "$server" 2>/dev/null
"$FERRET" trace --db "$DB" --run-id cached -f 'hidden_leaf' -- "$TMP/bin/dbg_demo" 2 >/dev/null 2>&1
expect_eq "the cached copy serves without the server" "$(calls hidden_leaf cached)" 4

# Nothing listens there: one warning, no names, soon.
rm -rf "$TMP/cache"/*
out=$(DEBUGINFOD_URLS="http://127.0.0.1:$port" "$FERRET" trace --db "$DB" -f 'hidden_*' -- "$TMP/bin/dbg_demo" 2>&1)
expect_match "a server that refuses: one warning" "$out" "warning: debuginfod \(http://127.0.0.1:$port\): .*not fetched from it again"
expect_match "... and no names" "$out" "no function matches 'hidden_\*'"
# A server that takes the connection and never answers: bounded by ferret's default
# timeout (5 s, no retry), and asked once for all modules.
hang_port=$TMP/hang.port
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(60)' "$hang_port" &
hang=$!
trap 'kill "$server" "$hang" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do [ -s "$hang_port" ] && break; sleep 0.1; done
rm -rf "$TMP/cache"/*
start=$SECONDS
out=$(DEBUGINFOD_URLS="http://127.0.0.1:$(cat "$hang_port")" "$FERRET" trace -v --db "$DB" -f '/usr/bin/bash:*' -f 'hidden_*' -- "$TMP/bin/dbg_demo" 2>&1)
elapsed=$((SECONDS - start))
if [ "$elapsed" -le 10 ]; then pass "a silent server costs ${elapsed} s (<= 10)"; else fail "a silent server costs ${elapsed} s (<= 10)"; fi
expect_match "a silent server: one warning" "$out" "warning: debuginfod \(http://127.0.0.1:[0-9]+\): .*not fetched from it again"
expect_eq "a silent server is asked once (bash, then dbg_demo)" "$(printf '%s\n' "$out" | grep -c 'asking debuginfod')" 1
kill "$hang" 2>/dev/null
