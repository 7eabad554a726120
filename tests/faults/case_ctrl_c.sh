#!/usr/bin/env bash
# Ctrl-C on a launched command: SIGINT to the process group reaches ferret and the command,
# which dies of it (130); ferret passes that on, stores it, and closes the run with its spans.
. "$(dirname "$0")/lib.sh"

setsid "$FERRET" trace --db "$DB" --run-id ctrlc -f tick -- "$FAULTS/ticker" >"$TMP/ctrlc.log" 2>&1 &
fpid=$!
for _ in $(seq 200); do grep -qs "tracing" "$TMP/ctrlc.log" && break; sleep 0.05; done
sleep 1
kill -INT -- "-$fpid"; wait "$fpid"
expect_eq "Ctrl-C: ferret exits 130 (the command's status: killed by SIGINT)" "$?" 130
expect_eq "Ctrl-C: exit code stored" "$(q "SELECT exit_code FROM run_view WHERE run_id='ctrlc'")" 130
expect_closed ctrlc
expect_match "Ctrl-C: ticks stored" "$(calls tick ctrlc)" '^[1-9][0-9]{2,}$'
expect_eq "Ctrl-C: every tick ok" "$(q "SELECT count(*) FROM span_view WHERE run_id='ctrlc' AND status!='ok'")" 0

# ferret ends by the command's SIGINT (as strace does), so a script's loop stops at a Ctrl-C as
# it would untraced: bash goes on after a child that merely exited 130. (env: a background
# job starts with SIGINT ignored.)
setsid env --default-signal=INT bash -c 'for i in 1 2; do "$0" trace --db "$1" --run-id "loop$i" -f tick -- "$2"; echo "round $i: $?"; done' \
	"$FERRET" "$DB" "$FAULTS/ticker" >"$TMP/loop.log" 2>&1 &
lpid=$!
for _ in $(seq 200); do grep -qs "tracing" "$TMP/loop.log" && break; sleep 0.05; done
sleep 0.5
kill -INT -- "-$lpid"
for _ in $(seq 100); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.05; done
kill -KILL -- "-$lpid" 2>/dev/null # only if the loop went on
wait "$lpid"
expect_eq "Ctrl-C in a script's loop: the script ends by SIGINT" "$?" 130
expect_eq "Ctrl-C in a script's loop: no next round" "$(grep -c '^round' "$TMP/loop.log")" 0
expect_eq "Ctrl-C in a script's loop: the run is written" "$(q "SELECT exit_code FROM run_view WHERE run_id='loop1'")" 130
expect_no_links
expect_intact
exit 0
