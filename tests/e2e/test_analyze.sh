#!/usr/bin/env bash
# ferret analyze end to end, on traced runs: every figure of the table and the tree must
# agree with the spans stored in the DB (span_view), and bad input must fail cleanly.
. "$(dirname "$0")/lib.sh"

# jget JSON PYTHON-EXPRESSION: evaluates the expression on the parsed JSON (as d)
jget() { python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$2" <<<"$1"; }
# field TABLE-JSON FUNCTION KEY
field() { jget "$1" "next((f['$3'] for f in d['functions'] if f['function'] == '$2'), 'missing')"; }
# sql_self RUN FUNCTION: its durations minus those of its direct children
sql_self() {
	q "SELECT (SELECT sum(duration_ns) FROM span_view WHERE run_id='$1' AND function='$2') -
	   (SELECT coalesce(sum(c.duration_ns), 0) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
	    WHERE p.run_id='$1' AND p.function='$2')"
}
# sql_rank RUN FUNCTION P: the nearest-rank Pth percentile, ceil(P/100 * n)-th smallest
sql_rank() {
	local n
	n=$(calls "$2" "$1")
	q "SELECT duration_ns FROM span_view WHERE run_id='$1' AND function='$2'
	   ORDER BY duration_ns LIMIT 1 OFFSET $(((${3} * n + 99) / 100 - 1))"
}
# shape: a tree JSON's roots as name:calls[children sorted by name], every thread
SHAPE='
def shape(n):
    kids = sorted(shape(c) for c in n["children"])
    return "%s:%d" % (n["function"], n["calls"]) + ("[" + ",".join(kids) + "]" if kids else "")
print(" | ".join(",".join(shape(r) for r in t["children"]) for t in d["threads"]))'
shape() { python3 -c "import json, sys; d = json.loads(sys.stdin.read())$SHAPE" <<<"$1"; }
# merged tree nodes whose self is not total minus children's totals, and threads whose total is not their roots'
CONSISTENT='
bad = 0
def walk(n):
    global bad
    bad += n["self_ns"] != n["total_ns"] - sum(c["total_ns"] for c in n["children"])
    for c in n["children"]: walk(c)
for t in d["threads"]:
    bad += t["total_ns"] != sum(r["total_ns"] for r in t["children"])
    for r in t["children"]: walk(r)
print(bad)'

"$FERRET" trace --db "$DB" --run-id tree -- "$PROGS/analyze_tree" 4 >/dev/null 2>&1
expect_eq "analyze_tree traced" "$?" 0
table=$("$FERRET" analyze "$DB" --raw --run-id tree --json)
expect_eq "table JSON names the run" "$(jget "$table" "d['run_id']")" tree
expect_eq "table lists the 7 functions" "$(jget "$table" "len(d['functions'])")" 7

# --- compensated for probe cost (--compensate): the run was calibrated; never above as measured ---
comp=$("$FERRET" analyze "$DB" --run-id tree --compensate --json)
expect_eq "durations compensated with --compensate" "$(jget "$comp" "d['durations']")" compensated
expect_eq "durations as measured by default" "$(jget "$("$FERRET" analyze "$DB" --run-id tree --json)" "d['durations']")" measured
expect_eq "--raw: as measured" "$(jget "$table" "d['durations']")" measured
expect_eq "probe costs stored for the run" "$(q "SELECT count(*) FROM run_probe_costs c JOIN runs r ON r.id = c.run WHERE r.run_id = 'tree' AND c.call_ns > 0")" 4
above=$(python3 -c 'import json, sys
c, r = (json.loads(a) for a in sys.argv[1:3])
raw = {f["function"]: f for f in r["functions"]}
print(sum(1 for f in c["functions"] if f["total_ns"] > raw[f["function"]]["total_ns"] or f["self_ns"] < 0))' "$comp" "$table")
expect_eq "compensated totals within the measured ones, no negative self time" "$above" 0
# the cost comes off the on-CPU time; blocked and run-queue times stay as measured
sched=$(python3 -c 'import json, sys
c, r = (json.loads(a) for a in sys.argv[1:3])
raw = {f["function"]: f for f in r["functions"]}
known = [f for f in c["functions"] if f["cpu_ns"] is not None]
bad = [f["function"] for f in known if f["cpu_ns"] > raw[f["function"]]["cpu_ns"] or f["cpu_ns"] > f["total_ns"]
       or f["blocked_ns"] != raw[f["function"]]["blocked_ns"] or f["runq_ns"] != raw[f["function"]]["runq_ns"]]
print(len(known) > 0, bad)' "$comp" "$table")
expect_eq "compensated on-CPU within the measured one and the total, blocked and runq as measured" "$sched" "True []"
expect_match "text header says what was subtracted" "$("$FERRET" analyze "$DB" --run-id tree --compensate)" "durations compensated for probe cost \([0-9]+ ns per nop5 call, [0-9]+ ns per push call, [0-9]+ ns per emulated call, [0-9]+ ns per stepped call\), an estimate; without --compensate: as measured"

# --- exact figures, each against the DB ---
for f in main:1 work:3 step:9 at_leaf:10 recurse:6 worker_main:1 child_main:1; do
	expect_eq "calls of ${f%:*}" "$(field "$table" "${f%:*}" calls)" "${f#*:}"
done
for f in main work step at_leaf worker_main child_main; do
	expect_eq "total of $f is the sum of its spans" "$(field "$table" $f total_ns)" \
		"$(q "SELECT sum(duration_ns) FROM span_view WHERE run_id='tree' AND function='$f'")"
done
expect_eq "total of recurse counts its outermost call only" "$(field "$table" recurse total_ns)" \
	"$(q "SELECT sum(c.duration_ns) FROM span_view c LEFT JOIN span_view p ON p.span_id = c.parent_id
	      WHERE c.run_id='tree' AND c.function='recurse' AND (p.function IS NULL OR p.function != 'recurse')")"
for f in main work step at_leaf recurse worker_main child_main; do
	expect_eq "self of $f is its spans minus their children" "$(field "$table" $f self_ns)" "$(sql_self tree $f)"
done
expect_eq "self of a leaf is its total" "$(field "$table" at_leaf self_ns)" "$(field "$table" at_leaf total_ns)"
expect_eq "self times add up to the roots' time" \
	"$(jget "$table" "sum(f['self_ns'] for f in d['functions'])")" \
	"$(q "SELECT sum(duration_ns) FROM span_view WHERE run_id='tree' AND parent_id IS NULL")"
for f in step at_leaf recurse; do
	expect_eq "min/avg/max of $f" \
		"$(jget "$table" "next('%d %d %d' % (f['min_ns'], f['avg_ns'], f['max_ns']) for f in d['functions'] if f['function'] == '$f')")" \
		"$(q "SELECT printf('%d %d %d', min(duration_ns), (sum(duration_ns) + count(*) / 2) / count(*), max(duration_ns))
		      FROM span_view WHERE run_id='tree' AND function='$f'")"
	for p in 50 95 99; do
		expect_eq "p$p of $f (nearest rank)" "$(field "$table" $f p${p}_ns)" "$(sql_rank tree $f $p)"
	done
done
expect_eq "no errors in a clean run" "$(jget "$table" "sum(f['errors'] for f in d['functions'])")" 0
printf '%s' "$table" >"$TMP/exact.json"
approx=$("$FERRET" analyze "$DB" --raw --run-id tree --json --approx)
expect_eq "--approx percentiles within 1/64 of the exact ones" \
	"$(jget "$approx" "sum(abs(f[k] - e[k]) > e[k] / 64 for f in d['functions'] for e in json.load(open('$TMP/exact.json'))['functions'] if e['function'] == f['function'] for k in ('p50_ns', 'p95_ns', 'p99_ns'))")" 0

# --- filters ---
child=$(q "SELECT DISTINCT pid FROM span_view WHERE run_id='tree' AND function='child_main'")
worker=$(q "SELECT DISTINCT tid FROM span_view WHERE run_id='tree' AND function='worker_main'")
out=$("$FERRET" analyze "$DB" --raw --run-id tree --json --pid "$child")
expect_eq "--pid keeps the child's functions" "$(jget "$out" "','.join(sorted(f['function'] for f in d['functions']))")" \
	"at_leaf,child_main,step,work"
expect_eq "--pid: the child's steps" "$(field "$out" step calls)" 2
expect_eq "--thread: the worker's steps" "$("$FERRET" analyze "$DB" --raw --run-id tree --json --thread "$worker" | jget "$(cat)" "next(f['calls'] for f in d['functions'] if f['function'] == 'step')")" 3
out=$("$FERRET" analyze "$DB" --raw --run-id tree --json --function 'w*')
expect_eq "--function GLOB picks rows" "$(jget "$out" "','.join(sorted(f['function'] for f in d['functions']))")" "work,worker_main"
expect_eq "--sort calls --limit 2" \
	"$("$FERRET" analyze "$DB" --raw --run-id tree --json --sort calls --limit 2 | jget "$(cat)" "','.join(f['function'] for f in d['functions'])")" "at_leaf,step"

# --- the tree ---
tree=$("$FERRET" analyze "$DB" --raw --run-id tree --tree --json)
expect_eq "tree: one entry per thread (main, worker, child)" "$(jget "$tree" "len(d['threads'])")" 3
expect_eq "tree shape, merged by path" "$(shape "$tree")" \
	"main:1[recurse:1[recurse:1[recurse:1[recurse:1[recurse:1[recurse:1[at_leaf:1]]]]]],work:1[step:4[at_leaf:4]]] | worker_main:1[work:1[step:3[at_leaf:3]]] | child_main:1[work:1[step:2[at_leaf:2]]]"
expect_eq "tree: the child is another process" "$(jget "$tree" "len({t['pid'] for t in d['threads']})")" 2
expect_eq "tree: every self is total minus children, every thread its roots" \
	"$(python3 -c "import json, sys; d = json.loads(sys.stdin.read())$CONSISTENT" <<<"$tree")" 0
expect_eq "tree: root total is main's span" "$(jget "$tree" "d['threads'][0]['children'][0]['total_ns']")" \
	"$(q "SELECT duration_ns FROM span_view WHERE run_id='tree' AND function='main'")"
out=$("$FERRET" analyze "$DB" --raw --run-id tree --tree --json --function worker_main)
expect_eq "--tree --function focuses on matching subtrees" "$(shape "$out")" "worker_main:1[work:1[step:3[at_leaf:3]]]"
out=$("$FERRET" analyze "$DB" --raw --run-id tree --tree --calls --json --thread "$(q "SELECT tid FROM span_view WHERE run_id='tree' AND function='main'")")
expect_eq "--calls: every step on its own" "$(jget "$out" "len([c for w in d['threads'][0]['children'][0]['children'] if w['function'] == 'work' for c in w['children']])")" 4
expect_eq "--calls: in time order" "$(jget "$out" "(lambda s: int(s == sorted(s)))([c['start_ns'] for w in d['threads'][0]['children'][0]['children'] if w['function'] == 'work' for c in w['children']])")" 1
out=$(LC_ALL=C.UTF-8 "$FERRET" analyze "$DB" --raw --run-id tree --tree --function main --max-depth 2)
expect_match "text tree: box drawing on a UTF-8 locale" "$out" "└── main"
expect_match "text tree: merged count and share" "$out" "├── work +[0-9.]+ [µm]?s +×1 +[0-9.]+%"
expect_match "--max-depth says what it hid" "$out" "\(8 nodes hidden by --max-depth/--min-percent: "
out=$(LC_ALL=C "$FERRET" analyze "$DB" --raw --run-id tree --tree --thread "$worker")
expect_match "text tree: ASCII otherwise" "$out" '`-- worker_main'
expect_match "text tree: the thread's header" "$out" "pid [0-9]+ tid $worker analyze_tree"
out=$(NO_COLOR= "$FERRET" analyze "$DB" --run-id tree)
expect_match "table header: run, command, spans, threads, lost" "$out" "run tree . .*analyze_tree 4 . .* . 31 spans . 3 threads . 0 lost events"
expect_eq "piped output has no colour codes" "$(printf '%s' "$out" | grep -c $'\033')" 0

# --- recursion in the lead's calls program: fib(12) ---
"$FERRET" trace --db "$DB" --run-id calls -- "$PROGS/calls" 10 >/dev/null 2>&1
table=$("$FERRET" analyze "$DB" --raw --run-id calls --json)
expect_eq "fib: 465 calls" "$(field "$table" fib calls)" 465
expect_eq "fib: total is the outermost call" "$(field "$table" fib total_ns)" \
	"$(q "SELECT duration_ns FROM span_view WHERE run_id='calls' AND function='fib' AND depth = 1")"
expect_eq "fib: self of every activation adds up" "$(field "$table" fib self_ns)" "$(sql_self calls fib)"

# --- incomplete calls are counted apart from errors ---
"$FERRET" trace --db "$DB" --run-id jumps -- "$PROGS/jumps" >/dev/null 2>&1
table=$("$FERRET" analyze "$DB" --raw --run-id jumps --json)
expect_eq "incomplete counts the spans that are not ok" "$(jget "$table" "sum(f['incomplete'] for f in d['functions'])")" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='jumps' AND status != 'ok'")"
expect_eq "no error rule: no errors" "$(jget "$table" "sum(f['errors'] for f in d['functions'])")" 0
expect_match "incomplete column shows count and rate" "$("$FERRET" analyze "$DB" --raw --run-id jumps --function deep)" "deep .* 0  1 \(100\.0%\)"
expect_match "the Incomplete column is shown" "$("$FERRET" analyze "$DB" --raw --run-id jumps --function deep)" "Errors  Incomplete"

# --- bad input: one line, exit 1 (usage: 2) ---
bad() { # NAME EXPECTED-STATUS STDERR-REGEX ARGS...
	local name=$1 want=$2 re=$3 err status
	shift 3
	err=$("$FERRET" analyze "$@" 2>&1 >/dev/null)
	status=$?
	expect_eq "$name: exit $want" "$status" "$want"
	expect_eq "$name: one line" "$(printf '%s\n' "$err" | wc -l)" 1
	expect_match "$name: says why" "$err" "$re"
}
bad "unknown run id" 1 "no run 'nope' .*runs: .*tree" "$DB" --run-id nope
printf 'not a database at all\n' >"$TMP/foreign.db"
bad "foreign file" 1 "foreign.db" "$TMP/foreign.db"
bad "missing file" 1 "missing.db" "$TMP/missing.db"
sqlite3 "$DB" ".backup '$TMP/nospans.db'"
sqlite3 "$TMP/nospans.db" "DELETE FROM spans WHERE thread IN (SELECT t.id FROM threads t JOIN runs r ON r.id = t.run WHERE r.run_id = 'tree')"
bad "spans gone that the run recorded" 1 "nospans.db is damaged: thread [0-9]+ holds 0 of its [0-9]+ spans" "$TMP/nospans.db" --run-id tree
sqlite3 "$TMP/nospans.db" "UPDATE runs SET spans = 0 WHERE run_id = 'tree'; UPDATE threads SET spans = 0 WHERE run IN (SELECT id FROM runs WHERE run_id = 'tree')"
bad "empty run" 1 "run tree .*has no spans" "$TMP/nospans.db" --run-id tree
sqlite3 "$TMP/nospans.db" "DELETE FROM spans; DELETE FROM threads; DELETE FROM functions; DELETE FROM modules; DELETE FROM runs"
bad "DB without runs" 1 "holds no runs" "$TMP/nospans.db"
bad "unknown --sort column" 2 "unknown column 'speed'" "$DB" --sort speed
bad "--max-depth without --tree" 2 "apply to --tree" "$DB" --max-depth 3
bad "no matching function" 1 "matches 'nothing_\\*'" "$DB" --run-id tree --function 'nothing_*'
