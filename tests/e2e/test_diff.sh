#!/usr/bin/env bash
# ferret diff on traced runs of known call counts: calls/run(10) against calls/run(30) in one
# file and across two files, the table, --tree, --json, --threshold; bad arguments.
. "$(dirname "$0")/lib.sh"

DB2="$TMP/other.db"
"$FERRET" trace --db "$DB" --run-id ten -- "$PROGS/calls" 10 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id thirty -- "$PROGS/calls" 30 >/dev/null 2>&1
"$FERRET" trace --db "$DB2" --run-id tree -- "$PROGS/analyze_tree" 2 >/dev/null 2>&1

json=$("$FERRET" diff "$DB" ten thirty --json)
expect_eq "diff: exit 0" "$?" 0
field() { # FUNCTION FIGURE KEY
	printf '%s' "$json" | python3 -c "import json,sys
d=json.load(sys.stdin)
r=[f for f in d['functions'] if f['function']=='$1']
print(r[0]['$2']['$3'] if r else 'missing')"
}
expect_eq "middle: calls 10 -> 30" "$(field middle calls a) $(field middle calls b)" "10 30"
expect_eq "middle: +20 calls, +200%" "$(field middle calls delta) $(field middle calls pct)" "20 200.0"
expect_eq "leaf: calls 20 -> 60" "$(field leaf calls a) $(field leaf calls b) $(field leaf calls delta)" "20 60 40"
expect_eq "fib: 465 calls either way" "$(field fib calls a) $(field fib calls b) $(field fib calls delta)" "465 465 0"
expect_eq "main: its total's change is b - a" \
	"$(field main total delta)" "$(( $(field main total b) - $(field main total a) ))"
expect_eq "the first row has the largest change of total" \
	"$(printf '%s' "$json" | python3 -c "import json,sys
d=json.load(sys.stdin)['functions']
print(max(abs(f['total']['delta']) for f in d) == abs(d[0]['total']['delta']))")" True

text=$("$FERRET" diff "$DB" ten thirty)
expect_match "text: both runs named" "$text" "A: run ten.*"$'\n'"B: run thirty"
expect_match "text: middle's calls change" "$text" "middle +calls +10 +30 +\+20 \(\+200\.0%\)"

# --threshold: fib's calls did not change and its total by little; middle's changed by 200%
thr=$("$FERRET" diff "$DB" ten thirty --json --threshold 1000000000 | python3 -c "import json,sys
d=json.load(sys.stdin); print(len(d['functions']), d['hidden'])")
expect_eq "--threshold 1e9: every function in both runs hidden" "$thr" "0 5"
thr=$("$FERRET" diff "$DB" ten thirty --json --threshold 150 | python3 -c "import json,sys
d=json.load(sys.stdin); print(sorted(f['function'] for f in d['functions']))")
expect_match "--threshold 150: middle and leaf kept" "$thr" "'leaf'.*'middle'"

tree=$("$FERRET" diff "$DB" ten thirty --tree --json | python3 -c "import json,sys
d=json.load(sys.stdin)['paths']
print(' '.join('%s:%d:%d' % (p['function'], p['level'], p['calls']['b']) for p in d if p['function'] != 'fib'))")
expect_eq "--tree: main > run > middle > leaf, calls of B" "$tree" "main:1:1 run:2:1 middle:3:30 leaf:4:60"

# two files: every function of one run is only in it
cross=$("$FERRET" diff "$DB:ten" "$DB2:tree" --json | python3 -c "import json,sys
d=json.load(sys.stdin)
print(d['a']['db'].endswith('test.db'), d['b']['run_id'],
      all(f['only_in'] in ('a', 'b') for f in d['functions'] if f['function'] != 'main'))")
expect_eq "A.db:RUN B.db:RUN: two files" "$cross" "True tree True"
expect_match "only in one run: marked" "$("$FERRET" diff "$DB:ten" "$DB2:tree" --limit 0)" "leaf \[only A\]"

"$FERRET" diff "$DB" ten >/dev/null 2>"$TMP/err"
expect_eq "one run: usage error" "$?" 2
expect_match "one run: says what it needs" "$(cat "$TMP/err")" "diff needs two runs"
"$FERRET" diff "$DB" ten nosuch >/dev/null 2>"$TMP/err"
expect_eq "unknown run: exit 1" "$?" 1
"$FERRET" diff "$DB" ten thirty --threshold x >/dev/null 2>&1
expect_eq "bad --threshold: usage error" "$?" 2
expect_match "ferret --help lists diff" "$("$FERRET" --help)" "diff +two runs compared"
