#!/usr/bin/env bash
# ferret itself gets SIGINT, SIGTERM or SIGKILL while tracing. INT/TERM: the run is closed
# with the spans seen up to then, the db is intact, no probe is left. KILL: the db still
# opens and passes integrity_check, what was committed (at least once a second) is there,
# and no probe is left once ferret is dead (the kernel frees links with their fd).
. "$(dirname "$0")/lib.sh"

# start_ticker: a ticker process, untraced, in the background; sets tpid
start_ticker() {
	rm -f "$TMP/pid"
	"$FAULTS/ticker" "$TMP/pid" &
	tpid=$!
	wait_file "$TMP/pid"
}

# trace_pid RUN: ferret -p on the ticker in the background, once it is tracing; sets fpid
trace_pid() {
	"$FERRET" trace --db "$DB" --run-id "$1" -p "$tpid" -f tick >"$TMP/$1.log" 2>&1 &
	fpid=$!
	for _ in $(seq 200); do grep -qs "tracing" "$TMP/$1.log" && break; sleep 0.05; done
}

# SIGINT, attached by pid: ferret stops as on Ctrl-C, exit 0; the process runs on.
start_ticker
trace_pid int
sleep 1.5
kill -INT "$fpid"; wait "$fpid"
expect_eq "SIGINT: ferret exits 0" "$?" 0
expect_eq "SIGINT: the traced process runs on" "$(kill -0 "$tpid" 2>/dev/null && echo alive)" alive
expect_closed int
expect_match "SIGINT: ticks stored (about 1000 a second)" "$(calls tick int)" '^[1-9][0-9]{2,}$'
expect_eq "SIGINT: every tick ok" "$(q "SELECT count(*) FROM span_view WHERE run_id='int' AND status!='ok'")" 0
expect_match "SIGINT: summary printed" "$(cat "$TMP/int.log")" "run int: [0-9]+ spans"
expect_no_links

# SIGKILL, attached by pid: no summary, but the db is whole and the probes are gone.
trace_pid killed
sleep 1.5
kill -KILL "$fpid"; wait "$fpid" 2>/dev/null
expect_eq "SIGKILL: ferret died of it" "$?" 137
expect_intact
expect_no_links
expect_match "SIGKILL: ticks committed before the kill are there" "$(calls tick killed)" '^[1-9][0-9]{2,}$'
"$FERRET" runs "$DB" >"$TMP/runs" 2>&1
expect_eq "SIGKILL: ferret runs still reads the db" "$?" 0
expect_match "SIGKILL: the killed run is listed" "$(cat "$TMP/runs")" "killed"
"$FERRET" analyze "$DB" --run-id killed >/dev/null 2>&1
expect_eq "SIGKILL: ferret analyze reads the killed run" "$?" 0
kill -KILL "$tpid"; wait "$tpid" 2>/dev/null

# SIGTERM, launched command: forwarded to it, so it ends by SIGTERM (143) and ferret says so.
"$FERRET" trace --db "$DB" --run-id term -f tick -- "$FAULTS/ticker" >"$TMP/term.log" 2>&1 &
fpid=$!
for _ in $(seq 200); do grep -qs "tracing" "$TMP/term.log" && break; sleep 0.05; done
sleep 1
kill -TERM "$fpid"; wait "$fpid"
expect_eq "SIGTERM: ferret exits 143 (the command's status: killed by SIGTERM)" "$?" 143
expect_eq "SIGTERM: exit code stored" "$(q "SELECT exit_code FROM run_view WHERE run_id='term'")" 143
expect_closed term
expect_match "SIGTERM: ticks stored" "$(calls tick term)" '^[1-9][0-9]{2,}$'
expect_eq "SIGTERM: the command is gone" "$(pgrep -f "^$FAULTS/ticker\$" | wc -l)" 0
expect_intact
expect_no_links
exit 0
