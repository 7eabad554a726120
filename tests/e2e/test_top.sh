#!/usr/bin/env bash
# ferret top on a live run, through a pseudo-terminal (script): the per-function figures, the
# open calls, --stall (top's and the tracer's, once each, with thread and chain), 'q' quits;
# the run's stalls table; top as the user a sudo'ed tracer gave the file to.
. "$(dirname "$0")/lib.sh"

# pty (lib.sh) gives a wide terminal: the header names the program by its path, which the frame
# cuts to fit.

# published_open RUN: how many open calls the run's tracer published (0 until it did)
published_open() {
	local n
	n=$(q "SELECT count(*) FROM open_calls o JOIN runs r ON r.id = o.run WHERE r.run_id = '$1'" 2>/dev/null)
	echo "${n:-0}"
}
# wait_open RUN: until the run's tracer published its open calls (at most 60 s: a busy machine)
wait_open() {
	for _ in $(seq 600); do [ -s "$DB" ] && [ "$(published_open "$1")" -gt 0 ] && return; sleep 0.1; done
}

# The program: main handles ~190 requests a second for 9 s; a second thread is stuck in
# slow_read for 6 s from the start.
"$FERRET" trace --db "$DB" --run-id live --stall 1s -- "$PROGS/live" 9 6 >/dev/null 2>"$TMP/trace.err" &
tracer=$!
wait_open live
sleep 1
screen=$(pty "$FERRET top '$DB' -n 3 --stall 1500ms" </dev/null)
expect_eq "top: exit 0 after -n 3" "$?" 0
expect_match "top: redraws from the top-left corner, lines cleared (no full clear)" "$screen" $'\033\\[H'
expect_eq "top: never clears the whole screen (no flicker)" "$(printf '%s' "$screen" | grep -c $'\033\\[2J')" 0
expect_match "top: the alternate screen" "$screen" $'\033\\[\\?1049h'
expect_match "top: the alternate screen left on exit" "$screen" $'\033\\[\\?1049l'
expect_match "top: names the live run" "$screen" "ferret top: run live"
expect_match "top: handle's calls per second" "$screen" "handle +[0-9]+\.[0-9] "
rate=$(printf '%s' "$screen" | grep -a -o "handle  *[0-9]*\.[0-9]" | tail -1 | awk '{print int($2)}')
if [ "${rate:-0}" -ge 40 ] && [ "${rate:-0}" -le 220 ]; then pass "top: handle at $rate calls/s (the program makes at most 200)"; else
	fail "top: handle's calls/s" "got '${rate:-none}'"; fi
expect_match "top: the stuck call is open, with its callers" "$screen" "slow_read +stuck_thread > stuck_handler"
expect_match "top: the stall, with thread and chain" "$screen" "stall: thread [0-9]+: slow_read open for [0-9.]+ s: stuck_thread > stuck_handler > slow_read"
expect_match "top: stalls printed again on exit" "$(printf '%s' "$screen" | tail -3)" "ferret: stall: thread [0-9]+: slow_read"
expect_eq "top: the stall is reported once" \
	"$(printf '%s' "$screen" | grep -a -o "ferret: stall: thread [0-9]*: slow_read" | wc -l)" 1

# 'q' quits at once
start=$(date +%s%N)
(sleep 1; printf q) | pty "$FERRET top '$DB'" >/dev/null
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "top: q quits (exit 0)" "$status" 0
if [ "$ms" -lt 4000 ]; then pass "top: q quits within a second ($ms ms)"; else fail "top: q quits" "$ms ms"; fi

wait "$tracer"
expect_eq "trace --stall: exit 0" "$?" 0
err=$(cat "$TMP/trace.err")
expect_match "trace --stall: one line as it happened, with thread and chain" "$err" \
	"ferret: stall: thread [0-9]+: slow_read open for 1\.[0-9]+ s: stuck_thread > stuck_handler > slow_read"
expect_eq "trace --stall: only the stuck thread (main's traced calls go on)" "$(grep -c 'ferret: stall:' "$TMP/trace.err")" 1
expect_match "trace --stall: the summary counts them" "$err" "1 call open longer than --stall 1\.000 s"
expect_eq "stalls table: the call, its thread's chain" \
	"$(q "SELECT f.name || '|' || s.chain FROM stalls s JOIN functions f ON f.id = s.function")" \
	"slow_read|stuck_thread > stuck_handler > slow_read"
expect_eq "stalls table: reported after the limit" \
	"$(q "SELECT reported_ns - start_ns >= 1000000000 AND reported_ns - start_ns < 2000000000 FROM stalls")" 1
expect_eq "open_calls: empty once the run ended" "$(q "SELECT count(*) FROM open_calls")" 0
ended=$(pty "$FERRET top '$DB' -n 1" </dev/null)
expect_match "top on an ended run: says so" "$ended" "\(ended\)"

# As the user a sudo'ed tracer gives the file to: top reads it live from another account.
dir=$(mktemp -d /tmp/ferret-top.XXXXXX)
chmod 755 "$dir"
SUDO_UID=65534 SUDO_GID=65534 "$FERRET" trace --db "$dir/n.db" --run-id other -- "$PROGS/live" 6 1 >/dev/null 2>&1 &
tracer=$!
DB="$dir/n.db" wait_open other
sleep 2
as_nobody=$(su -s /bin/sh nobody -c "$FERRET top '$dir/n.db' -n 1 2>&1" </dev/null)
expect_match "top as another user (the file's owner): the live run" "$as_nobody" "ferret top: run other"
expect_match "top as another user: its figures" "$as_nobody" "handle +[0-9]+\.[0-9]"
wait "$tracer"
rm -rf "$dir"

"$FERRET" top "$TMP/none.db" -n 1 >/dev/null 2>"$TMP/err"
expect_eq "top: a missing file is exit 1" "$?" 1
"$FERRET" top "$DB" --window 0 >/dev/null 2>&1
expect_eq "top: --window 0 is a usage error" "$?" 2
expect_match "ferret --help lists top" "$("$FERRET" --help)" "top +a live view"
