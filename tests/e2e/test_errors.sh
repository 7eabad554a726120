#!/usr/bin/env bash
# Bad input: a clear one-line error, a non-zero exit, nothing half-written, no probes left behind.
. "$(dirname "$0")/lib.sh"

# err_case NAME EXPECTED_REGEX -- ferret args...
err_case() {
	local name=$1 re=$2; shift 3
	local out rc
	out=$("$FERRET" "$@" 2>&1 </dev/null); rc=$?
	if [ "$rc" -eq 0 ]; then fail "$name" "exit 0"; return; fi
	if [ "$(printf '%s\n' "$out" | grep -c .)" -ne 1 ]; then fail "$name" "not one line: $out"; return; fi
	expect_match "$name" "$out" "$re"
}

# Links on this build's programs only: another tracer on the machine is not this test's.
build_links() { bpftool link list 2>/dev/null | grep -c "multi  path $(dirname "$FERRET")/"; }
probes_before=$(build_links)
err_case "no such pid" "no process with pid 4000000" -- trace --db "$DB" -p 4000000
# -p with a thread's id (it has a /proc entry too): the process's pid is named.
"$PROGS/threads" 2000000000 &
tpid=$!
for _ in $(seq 100); do [ "$(ls /proc/$tpid/task | wc -l)" -ge 3 ] && break; sleep 0.02; done
tid=$(ls /proc/$tpid/task | grep -vx "$tpid" | head -1)
err_case "-p with a thread's id" "^ferret: $tid is a thread of process $tpid: give -p $tpid\$" -- trace --db "$DB" -p "$tid"
"$FERRET" trace --db "$DB" -p "$tid" >/dev/null 2>&1
expect_eq "-p with a thread's id: exit 1" "$?" 1
kill "$tpid"; wait "$tpid" 2>/dev/null
err_case "nothing to trace" "nothing to trace" -- trace --db "$DB"
printf '#!/bin/sh\necho hi\n' >"$TMP/script.sh"; chmod +x "$TMP/script.sh"
err_case "not an ELF (an executable script)" "not an ELF" -- trace --db "$DB" -- "$TMP/script.sh"
err_case "not an ELF (-f with a text file as module)" "not an ELF" -- trace --db "$DB" --all -f /etc/passwd:x
err_case "missing program" "No such file" -- trace --db "$DB" -- /nonexistent/prog
err_case "pattern matching nothing names close ones" "no function matches 'midle'.*middle" -- trace --db "$DB" -f midle -- "$PROGS/calls"
err_case "unknown module" "no module 'libnothere'" -- trace --db "$DB" -f 'libnothere:x' -- "$PROGS/calls"
err_case "unwritable db path" "ferret: .*(No such file|denied|unable|cannot)" -- trace --db /nonexistent/dir/x.db -- "$PROGS/calls"
expect_eq "no db file left after failures" "$(ls "$TMP" | grep -c '\.db')" 0
printf 'hello, not a database\n' >"$TMP/foreign.db"
err_case "foreign db file" "not a ferret database" -- trace --db "$TMP/foreign.db" -- "$PROGS/calls"
expect_eq "foreign file untouched" "$(cat "$TMP/foreign.db")" "hello, not a database"
sqlite3 "$TMP/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
err_case "sqlite db of another program" "not a ferret database" -- trace --db "$TMP/other.db" -- "$PROGS/calls"
err_case "bad -d" "-d needs a number" -- trace -d abc -- "$PROGS/calls"
err_case "--all without a binary" "--all needs" -- trace --all
err_case "unknown option" "unknown option '--bogus'" -- trace --bogus -- "$PROGS/calls"
err_case "option without its value" "-p needs a value" -- trace -p
err_case "unknown command" "unknown command" -- frobnicate

# A run that names an existing run id is refused before anything is attached.
"$FERRET" trace --db "$DB" --run-id dup -- "$PROGS/calls" 1 >/dev/null 2>&1
err_case "duplicate run id" "already exists" -- trace --db "$DB" --run-id dup -- "$PROGS/calls" 1
expect_eq "duplicate run id leaves one run" "$(q "SELECT count(*) FROM runs WHERE run_id='dup'")" 1

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$FERRET" trace -- /bin/true 2>&1); rc=$?
	expect_match "not root: says how to run it" "$rc $out" "^[1-9].*sudo ferret"
fi
probes_after=$(build_links)
expect_eq "no probes left behind" "$probes_after" "$probes_before"
