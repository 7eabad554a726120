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

# expect_match NAME TEXT REGEX (extended)
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "'$(printf '%s' "$2" | head -c 300)' does not match /$3/"; fi
}

# q SQL: query the test DB, one value per line, columns separated by |
q() { sqlite3 -batch -noheader "$DB" "$1"; }

# calls FUNCTION [RUN]: how many spans of FUNCTION the latest (or named) run stored
calls() {
	local run=${2:-$(q "SELECT run_id FROM run_view ORDER BY start_ns DESC LIMIT 1")}
	q "SELECT count(*) FROM span_view WHERE run_id='$run' AND function='$1'"
}
