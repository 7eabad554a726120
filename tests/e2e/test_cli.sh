#!/usr/bin/env bash
# The command line: what each command accepts or refuses, with one line and exit 2 for a
# usage error.
. "$(dirname "$0")/lib.sh"

# usage_error NAME REGEX ARGS...: exit 2, one line on stderr matching REGEX, nothing traced
usage_error() {
	local name=$1 re=$2 out rc
	shift 2
	out=$("$FERRET" "$@" 2>&1 >/dev/null </dev/null); rc=$?
	expect_eq "$name: exit 2" "$rc" 2
	expect_eq "$name: one line" "$(printf '%s\n' "$out" | wc -l)" 1
	expect_match "$name: says why" "$out" "$re"
}

# --- a duration needs its unit (0 excepted): is 5 ns or s? ---
usage_error "trace --min-duration 5" "--min-duration needs a unit" trace --db "$DB" --min-duration 5 -- "$PROGS/calls"
usage_error "export --min-duration 1.5" "--min-duration needs a unit" export "$DB" --min-duration 1.5
expect_eq "trace --min-duration 5: no database made" "$([ -e "$DB" ] && echo yes || echo no)" no
"$FERRET" trace --db "$DB" --run-id zero --min-duration 0 -- "$PROGS/calls" 5 >/dev/null 2>&1
expect_eq "--min-duration 0 needs no unit" "$?" 0

# --- run takes trace's options before the program ---
out=$("$FERRET" run --help 2>&1); rc=$?
expect_eq "run --help: exit 0" "$rc" 0
expect_match "run --help: trace's options" "$out" "ferret run \[options\] PROGRAM"
"$FERRET" run --db "$TMP/run.db" --run-id opts "$PROGS/calls" 5 3 >/dev/null 2>&1
expect_eq "run --db F --run-id R PROGRAM ARGS: the program's exit code" "$?" 3
expect_eq "run --db F --run-id R PROGRAM ARGS: the run stored there" \
	"$(sqlite3 "$TMP/run.db" "SELECT run_id || ' ' || command FROM runs")" "opts $PROGS/calls 5 3"
"$FERRET" run --db "$TMP/run.db" --run-id dashes -- "$PROGS/calls" 5 >/dev/null 2>&1
expect_eq "run -- PROGRAM still works" "$?" 0
usage_error "run without a program" "run needs a program" run --db "$TMP/run.db"
usage_error "run with an unknown option" "unknown option '--bogus' \(see 'ferret run --help'\)" run --bogus "$PROGS/calls"

# --- free text reaches the terminal escaped: run ids and command lines hold any byte ---
evil_id=$'evil\e[2J\nid'
"$FERRET" trace --db "$TMP/evil.db" --run-id "$evil_id" -- "$PROGS/calls" 2 0 $'\e]0;title\a\xff' >/dev/null 2>&1
out=$("$FERRET" runs "$TMP/evil.db")
expect_eq "runs: no ESC, BEL or raw byte reaches the terminal" "$(printf '%s' "$out" | LC_ALL=C grep -ac $'[\e\a\xff]')" 0
expect_eq "runs: one line a run" "$(printf '%s\n' "$out" | wc -l)" 2
expect_match "runs: the run id escaped" "$out" 'evil\\x1b\[2J\\x0aid'
expect_match "runs: the command escaped" "$out" 'calls 2 0 \\x1b\]0;title\\x07\\xff'
out=$("$FERRET" analyze "$TMP/evil.db")
expect_eq "analyze: no ESC, BEL or raw byte in the header" "$(printf '%s' "$out" | LC_ALL=C grep -ac $'[\e\a\xff]')" 0
expect_match "analyze: the header names the run escaped" "$out" 'run evil\\x1b\[2J\\x0aid'
"$FERRET" runs "$TMP/evil.db" --json >"$TMP/evil.json"
expect_eq "runs --json: valid UTF-8 JSON, the command repaired" \
	"$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))[0]; print(r["run_id"] == sys.argv[2], r["command"].endswith("\ufffd"))' "$TMP/evil.json" "$evil_id")" "True True"
