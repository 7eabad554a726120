#!/usr/bin/env bash
# A stripped program whose functions are all static: found through .eh_frame as sub_ADDR
# and traced with exact counts, by the default selection, -f 'sub_*' and one exact name.
# The names come from the unstripped build's nm (tests/progs/stripped_static.c).
. "$(dirname "$0")/lib.sh"

BIN=$PROGS/stripped_static_s
# sub NAME: the sub_ADDR the stripped copy's function NAME is traced as
sub() { nm "$PROGS/stripped_static" | awk -v n="$1" '$3 == n { sub(/^0+/, "", $1); print "sub_" $1 }'; }
# ncalls TABLE-JSON FUNCTION: its calls in `ferret analyze --json`, or "missing"
ncalls() {
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(next((f["calls"] for f in d["functions"] if f["function"] == sys.argv[1]), "missing"))' "$2" <<<"$1"
}
# N = 10: i = 4 and 9 take sp_check's cold path, two complaints each
EXPECTED="main:1 sp_leaf:10 sp_add:5 sp_mul:5 sp_check:10 sp_complain:4"

check_counts() { # RUN LABEL
	local table pair name
	table=$("$FERRET" analyze "$DB" --run-id "$1" --json)
	for pair in $EXPECTED; do
		name=${pair%%:*}
		expect_eq "$2: $name ($(sub "$name")) called ${pair#*:} times" "$(ncalls "$table" "$(sub "$name")")" "${pair#*:}"
	done
	expect_eq "$2: only the program's six functions" \
		"$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)["functions"]))' <<<"$table")" 6
	expect_eq "$2: every call returned" \
		"$(q "SELECT count(*) FROM span_view WHERE run_id='$1' AND status != 'ok'")" 0
}

expect_eq "the unstripped build has a .cold fragment (the test means something)" \
	"$(nm "$PROGS/stripped_static" | grep -c ' sp_check\.cold$')" 1
expect_eq "the stripped copy has no symbols" "$(nm "$BIN" 2>&1 | grep -c 'no symbols')" 1

out=$("$FERRET" trace --db "$DB" --run-id all -- "$BIN" 10 2>&1 >/dev/null)
expect_eq "default selection: traced" "$?" 0
check_counts all "default selection"
expect_match "the start line counts six functions" "$out" "6 functions"

"$FERRET" trace --db "$DB" --run-id subs -f 'sub_*' -- "$BIN" 10 >/dev/null 2>&1
check_counts subs "-f 'sub_*'"

"$FERRET" trace --db "$DB" --run-id one -f "stripped_static_s:$(sub sp_leaf)" -- "$BIN" 10 >/dev/null 2>&1
expect_eq "-f MODULE:sub_ADDR: only sp_leaf" \
	"$(q "SELECT group_concat(DISTINCT function) || ':' || count(*) FROM span_view WHERE run_id='one'")" "$(sub sp_leaf):10"

err=$("$FERRET" trace --db "$DB" --run-id none -f sp_leaf -- "$BIN" 10 2>&1 >/dev/null)
expect_match "a name the stripped binary lost: the hint says what it has" "$err" "no function matches 'sp_leaf' .*the others are sub_ADDR"
