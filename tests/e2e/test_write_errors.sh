#!/usr/bin/env bash
# Output that cannot be written: a closed pipe, a file size limit, a full device. The tracer
# is never killed by it (SIGPIPE, SIGXFSZ) and the run is ended; a listing says it failed.
. "$(dirname "$0")/lib.sh"

# --- stderr a closed pipe: the messages are lost, not the run ---
"$FERRET" trace --db "$DB" --run-id pipe -- "$PROGS/calls" 50 2>&1 | true
expect_eq "closed pipe: not killed by SIGPIPE, the command's exit code" "${PIPESTATUS[0]}" 0
expect_eq "closed pipe: every call stored" "$(calls leaf pipe),$(calls fib pipe)" "100,465"
expect_eq "closed pipe: the run is ended" "$(q "SELECT end_ns > start_ns FROM runs WHERE run_id='pipe'")" 1

# --- a file size limit reached mid-run: an error like a full disk, the run kept and ended ---
(ulimit -f 8192; "$FERRET" trace --db "$TMP/big.db" --run-id big -- "$PROGS/calls" 300000 >/dev/null 2>"$TMP/big.log")
rc=$?
expect_eq "file size limit: exit 1, not killed by SIGXFSZ" "$rc" 1
expect_match "file size limit: says so" "$(cat "$TMP/big.log")" "ferret: .*(I/O error|too large)"
expect_eq "file size limit: the run is kept and ended" \
	"$(sqlite3 "$TMP/big.db" "SELECT end_ns > start_ns FROM runs WHERE run_id='big'" 2>&1)" 1

# --- a listing to a full device fails, one line says why ---
for args in "" "--json"; do
	out=$("$FERRET" runs "$DB" $args 2>&1 >/dev/full); rc=$?
	expect_eq "runs${args:+ $args} > /dev/full: exit 1" "$rc" 1
	expect_match "runs${args:+ $args} > /dev/full: says why" "$out" "^ferret: cannot write the output: No space left on device$"
done
