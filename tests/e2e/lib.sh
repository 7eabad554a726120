# Helpers for end-to-end tests: source it, then call pass/fail/expect_*.
# Each check prints exactly one "PASS: ..." or "FAIL: ..." line for tests/run.sh to count.
set -u
: "${FERRET:=$PWD/build/ferret}" "${PROGS:=$PWD/build/progs}"
TMP=$(mktemp -d /tmp/ferret-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DB="$TMP/test.db"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}

# shown TEXT: TEXT for a failure's line, its start and end if it is long
shown() {
	if [ "${#1}" -le 600 ]; then printf '%s' "$1"; else printf '%s ... %s' "${1:0:300}" "${1: -300}"; fi
}

# expect_match NAME TEXT REGEX (extended)
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "'$(shown "$2")' does not match /$3/"; fi
}

# pty CMD: runs CMD with sh (dash on Debian, whatever SHELL says) on a wide pseudo-terminal,
# its screen output on stdout; the status is CMD's (script -e: 128+N if a signal N ended it)
pty() { SHELL=/bin/sh script -qfec "stty cols 250 rows 60 2>/dev/null; $1" /dev/null; }

# q SQL: query the test DB, one value per line, columns separated by |
q() { sqlite3 -batch -noheader "$DB" "$1"; }

# calls FUNCTION [RUN]: how many spans of FUNCTION the latest (or named) run stored
calls() {
	local run=${2:-$(q "SELECT run_id FROM run_view ORDER BY start_ns DESC LIMIT 1")}
	q "SELECT count(*) FROM span_view WHERE run_id='$run' AND function='$1'"
}

# make_schema5 DB: turns a database this ferret wrote into one of schema 5, as a ferret before
# the live tables, explicit spans, arguments and on-CPU figures wrote it (the same steps as
# tests/unit/store_fixture.h's STORE_FIXTURE_MAKE_V5_SQL).
make_schema5() {
	sqlite3 "$1" "DROP TABLE open_calls; DROP TABLE stalls;
		DROP VIEW tag_view; DROP VIEW event_view; DROP TABLE span_events;
		ALTER TABLE functions DROP COLUMN kind;
		DROP VIEW arg_view; DROP TABLE arg_specs; DROP TABLE span_args;
		CREATE TABLE span_args(span_id INTEGER, position INTEGER, name TEXT, value);
		ALTER TABLE run_functions DROP COLUMN incomplete;
		ALTER TABLE run_functions DROP COLUMN sched_calls;
		ALTER TABLE run_functions DROP COLUMN nosched_calls;
		ALTER TABLE run_functions DROP COLUMN cpu_ns;
		ALTER TABLE run_functions DROP COLUMN blocked_ns;
		ALTER TABLE run_functions DROP COLUMN runq_ns;
		ALTER TABLE run_functions DROP COLUMN blocked_in;
		ALTER TABLE run_tree DROP COLUMN sched_calls;
		ALTER TABLE run_tree DROP COLUMN nosched_calls;
		ALTER TABLE run_tree DROP COLUMN cpu_ns;
		ALTER TABLE run_tree DROP COLUMN blocked_ns;
		ALTER TABLE run_tree DROP COLUMN runq_ns;
		ALTER TABLE run_tree DROP COLUMN blocked_in;
		DROP VIEW span_view; DROP TABLE syscalls; PRAGMA legacy_alter_table = ON;
		CREATE TABLE spans5(span_id INTEGER PRIMARY KEY, thread INTEGER, function INTEGER,
			parent_id INTEGER, start_ns INTEGER, duration_ns INTEGER, depth INTEGER, status INTEGER);
		INSERT INTO spans5 SELECT span_id, thread, function, parent_id, start_ns, duration_ns,
			depth, status FROM spans;
		DROP TABLE spans; ALTER TABLE spans5 RENAME TO spans;
		CREATE VIEW span_view AS SELECT s.span_id AS span_id FROM spans s;
		UPDATE meta SET value = '5' WHERE key = 'schema_version'"
}
