#!/usr/bin/env bash
# ferret view end to end: real traced runs written as one HTML page each, then opened from
# disk in headless Chromium with the network off (tests/viewer/view.mjs): tree, calls,
# details, search, theme, language, library internals, min duration, flame chart and graph,
# table; a thread named '<img src=x onerror=alert(1)>' shows as text and runs nothing.
# --diff: the Diff view of two runs (tests/viewer/view_diff.mjs), its data against ferret diff.
# Screenshots go to $FERRET_BUILD/artifacts/.
. "$(dirname "$0")/lib.sh"
VIEWER="$PWD/tests/viewer"
ART="$PWD/${FERRET_BUILD:-build}/artifacts"
FAULTS="$(dirname "$FERRET")/faults"
mkdir -p "$ART"

viewer_ready=1
if ! bash scripts/setup-viewer.sh >"$TMP/setup.log" 2>&1; then
	viewer_ready=0
	fail "viewer tools installed (scripts/setup-viewer.sh)" "$(tail -n 1 "$TMP/setup.log")"
fi

# open_page LABEL FILE EXPECT_JSON
open_page() {
	[ "$viewer_ready" = 1 ] || return 0
	printf '%s' "$3" >"$TMP/$1.expect.json"
	node "$VIEWER/view.mjs" "$1" "$2" "$ART" "$TMP/$1.expect.json" 2>&1 | grep -E '^(PASS|FAIL|INFO): ' ||
		fail "$1 viewer check ran"
}

# page_json FILE EXPR: EXPR (Python, over the page's embedded data d) printed
page_json() {
	python3 -c 'import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r"<script type=\"application/json\" id=\"ferret-data\">(.*?)</script>", html, re.S).group(1))
print(eval(sys.argv[2]))' "$1" "$2"
}

# --- a run of the main executable and a library of its own ---
"$FERRET" trace --db "$DB" --run-id lib -f 'libferretdemo:*' -f '*' -- "$PROGS/elf_uselib" 7 >/dev/null 2>&1
spans=$(q "SELECT count(*) FROM span_view WHERE run_id='lib'")
"$FERRET" view "$DB" --run-id lib -o "$TMP/lib.html" 2>"$TMP/view.log"
expect_eq "view exits 0" "$?" 0
expect_match "view says what it wrote" "$(cat "$TMP/view.log")" "wrote the view of $spans spans of run lib to $TMP/lib.html"
expect_eq "the page loads nothing: no src= or href= attribute, no URL" \
	"$(grep -Eoc '(src|href)=|https?://' "$TMP/lib.html")" 0
open_page view-lib "$TMP/lib.html" "{\"search\": \"lib_\", \"library\": true, \"calls\": $spans}"

# --- the matches of a search are the tree nodes named so ---
"$FERRET" trace --db "$DB" --run-id calls -- "$PROGS/calls" 20 >/dev/null 2>&1
fib_nodes=$("$FERRET" analyze "$DB" --run-id calls --tree --json | python3 -c '
import json, sys
def walk(ns): return sum((n["function"] == "fib") + walk(n.get("children", [])) for n in ns)
print(sum(walk(t["roots"] if "roots" in t else t.get("children", [])) for t in json.load(sys.stdin)["threads"]))')
"$FERRET" view "$DB" --run-id calls -o "$TMP/" 2>/dev/null
expect_eq "a directory gets <run>.html" "$(ls "$TMP"/*.html | xargs -n1 basename | tr '\n' ' ')" "calls.html lib.html "
open_page view-calls "$TMP/calls.html" "{\"search\": \"fib\", \"matches\": $fib_nodes}"

# --- filters as in export ---
"$FERRET" view "$DB" --run-id calls --function fib -o - >"$TMP/fib.html" 2>/dev/null
expect_eq "--function keeps only its functions, every call of them" \
	"$(page_json "$TMP/fib.html" '[f[0] for f in d["funcs"]], d["summary"]["spans"]')" \
	"(['fib'], $(calls fib calls))"
"$FERRET" view "$DB" --run-id calls --function nothing_matches -o "$TMP/none.html" 2>"$TMP/none.log"
expect_eq "no matching span: exit 1, no file" "$? $([ -e "$TMP/none.html" ] && echo file)" "1 "
expect_match "no matching span: says why" "$(cat "$TMP/none.log")" "none of the .* spans of run 'calls' matches the filters"

# --- hostile names: markup in a thread name is text, runs nothing, loads nothing ---
"$FERRET" trace --db "$DB" --run-id hostile -- "$FAULTS/hostile" $'\e[31mred\e[0m' '<img src=x onerror=alert(1)>' \
	'</script><script>alert(2)</script>' $'\xff\xfe\xc3(' >/dev/null 2>&1
"$FERRET" view "$DB" --run-id hostile -o "$TMP/hostile.html" 2>/dev/null
expect_eq "no '</script>' of the data ends its element: 2 script elements closed" "$(grep -oic '</script>' "$TMP/hostile.html")" 2
expect_eq "invalid UTF-8 repaired (the page is valid UTF-8)" "$(iconv -f UTF-8 -t UTF-8 "$TMP/hostile.html" >/dev/null 2>&1; echo $?)" 0
expect_eq "the names are in the data as they are" \
	"$(page_json "$TMP/hostile.html" '[t["comm"] for t in d["threads"]].count("<img src=x one"), "</script><script>alert(2)</script>" in d["run"]["command"]')" \
	"(1, True)"
open_page view-hostile "$TMP/hostile.html" \
	'{"search": "named", "thread": "<img src=x one", "command": "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"}'

# --- what calls carried: arguments and return values, tags, on-CPU time, in the calls' details ---
"$FERRET" trace --db "$DB" --run-id carried -A 'add@arg1,arg2' -R 'add@retval' -- "$PROGS/args" >/dev/null 2>&1
"$FERRET" view "$DB" --run-id carried -o "$TMP/carried.html" 2>/dev/null
# calls: [node, start, duration, status, extras] per call; extras 0 or an object
extras='[c for t in d["threads"] for c in t["calls"][4::5] if c]'
expect_eq "view: add's arguments and return value" \
	"$(page_json "$TMP/carried.html" "sorted(' '.join(a['name'] + '=' + a['value'] for a in x['args']) + ' => ' + x['ret'] for x in $extras if 'args' in x)")" \
	"['arg1=-5 arg2=2 => -3', 'arg1=1099511627776 arg2=1 => 1099511627777']"
expect_eq "view: every call has its on-CPU figures, which add up to its duration" \
	"$(page_json "$TMP/carried.html" "all(c[4] and c[4]['cpu_ns'] + c[4]['blocked_ns'] + c[4]['runq_ns'] == c[2] for t in d['threads'] for c in zip(*[iter(t['calls'])] * 5))")" True
"$FERRET" trace --db "$DB" --run-id tagged -f process_user_data -f fetch_row -- "$PROGS/spans" >/dev/null 2>&1
"$FERRET" view "$DB" --run-id tagged -o "$TMP/tagged.html" 2>/dev/null
expect_eq "view: db_fetch's tags" \
	"$(page_json "$TMP/tagged.html" "sum(1 for x in $extras if {'key': 'table', 'value': 'users'} in x.get('tags', []))")" 8

# --- --diff: the Diff view of two runs, whose work moved from down() to up() ---
DB2="$TMP/other.db"
"$FERRET" trace --db "$DB" --run-id few -- "$PROGS/shift" 5 '<img src=x onerror=alert(1)>' >/dev/null 2>&1
"$FERRET" trace --db "$DB2" --run-id many -- "$PROGS/shift" 15 '</script><b>x' >/dev/null 2>&1
"$FERRET" view "$DB" --run-id few --diff "$DB2:many" -o "$TMP/diff.html" 2>/dev/null
expect_eq "view --diff OTHER.db:RUN: exit 0" "$?" 0
# the page's figures are ferret diff's
diff_json=$("$FERRET" diff "$DB:few" "$DB2:many" --json)
want=$(printf '%s' "$diff_json" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print([[f["function"], f["calls"]["a"], f["calls"]["b"], f["total"]["a"], f["total"]["b"], f["p95"]["a"], f["p95"]["b"]] for f in d["functions"]])')
expect_eq "the Diff view's functions are ferret diff's, in its order" \
	"$(page_json "$TMP/diff.html" '[[r[i] for i in (0, 2, 3, 4, 5, 10, 11)] for r in zip(*[iter(d["diff"]["functions"])] * 14)]')" "$want"
expect_eq "up: 5 calls in A, 15 in B" \
	"$(page_json "$TMP/diff.html" '[r[2:4] for r in zip(*[iter(d["diff"]["functions"])] * 14) if r[0] == "up"]')" "[(5, 15)]"
# paths: [node - parent, name, ...] in pre-order; each one "caller>callee"
expect_eq "the call paths: main > up > spin, main > down > spin" \
	"$(page_json "$TMP/diff.html" '(lambda ps, nm: sorted((nm[ps[i - p[0]][1]][0] if i - p[0] >= 0 else "") + ">" + nm[p[1]][0] for i, p in enumerate(ps)))(list(zip(*[iter(d["diff"]["paths"])] * 10)), d["diff"]["names"])')" \
	"['>main', 'down>spin', 'main>down', 'main>up', 'up>spin']"
open_diff() {
	[ "$viewer_ready" = 1 ] || return 0
	printf '%s' "$diff_json" | python3 -c 'import json, sys
r = [f for f in json.load(sys.stdin)["functions"] if f["function"] == "up"][0]
print(json.dumps({"row": "up", "calls": [r["calls"]["a"], r["calls"]["b"]], "total": [r["total"]["a"], r["total"]["b"]],
                  "slower": "up", "faster": "down", "root": "main", "command": "<img src=x onerror=alert(1)>",
                  "thread": "<img src=x one"}))' >"$TMP/diff.expect.json"
	node "$VIEWER/view_diff.mjs" view-diff "$TMP/diff.html" "$ART" "$TMP/diff.expect.json" 2>&1 |
		grep -E '^(PASS|FAIL|INFO): ' || fail "view-diff viewer check ran"
}
open_diff
"$FERRET" view "$DB" --run-id few --diff nosuch -o "$TMP/nodiff.html" 2>"$TMP/nodiff.log"
expect_eq "--diff of a missing run: exit 2, no file" "$? $([ -e "$TMP/nodiff.html" ] && echo file)" "2 "
expect_eq "--diff of a missing run: one line" "$(wc -l <"$TMP/nodiff.log")" 1
expect_match "--diff of a missing run: says which" "$(cat "$TMP/nodiff.log")" "no run 'nosuch' in"
"$FERRET" view "$DB" --run-id few --diff "$DB2:many" --function up -o "$TMP/nodiff.html" 2>"$TMP/nodiff.log"
expect_eq "--diff with a span filter: usage error" "$? $(wc -l <"$TMP/nodiff.log")" "2 1"
