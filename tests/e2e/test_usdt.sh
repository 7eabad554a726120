#!/usr/bin/env bash
# Explicit spans (ferret.h) and USDT probes end to end, on tests/progs/spans.c (its comment
# gives the counts): spans nest with traced calls in one tree, tags and status land on the
# innermost open span, mismatched ends warn, -u events and --usdt-span pairs are stored.
. "$(dirname "$0")/lib.sh"

out=$("$FERRET" trace --db "$DB" --run-id spans -f handle_request -f process_user_data -f fetch_row \
	-u 'demo:cache_*' --usdt-span 'demo:request_start,demo:request_done' -- "$PROGS/spans" 2>&1)
expect_eq "spans traced" "$?" 0
expect_match "an END with nothing open is warned about" "$out" "WARNING: 1 FERRET_END with no explicit span open"
expect_match "a span left open at thread exit is warned about" "$out" "WARNING: 1 explicit span ended without FERRET_END"

count() { q "SELECT count(*) FROM span_view WHERE run_id='spans' AND $1"; }
expect_eq "db_fetch: one explicit span per request" "$(count "function='db_fetch' AND status='ok'")" 8
expect_eq "batch: one span" "$(count "function='batch' AND status='ok'")" 1
expect_eq "left_open: incomplete" "$(count "function='left_open' AND status='incomplete'")" 1
expect_eq "FERRET_NAME renamed every render scope" "$(count "function LIKE 'render%'")|$(count "function='render'")" "8|0"
expect_eq "render:3 is the name of request 3's scope" "$(count "function='render:3'")" 1
expect_eq "explicit functions are of kind explicit" \
	"$(q "SELECT count(DISTINCT f.name) FROM functions f JOIN runs r ON r.id = f.run WHERE r.run_id='spans' AND f.kind='explicit'")" 12
expect_eq "the --usdt-span pair is of kind usdt" \
	"$(q "SELECT f.name||':'||f.kind FROM functions f JOIN runs r ON r.id = f.run WHERE r.run_id='spans' AND f.kind='usdt'")" \
	"demo:request_start:usdt"

# Nesting: a span opened in a traced function is its child; a function called in the span is the span's.
parent_of() {
	q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
	   WHERE c.run_id='spans' AND c.function='$1'"
}
expect_eq "db_fetch is a child of process_user_data" "$(parent_of db_fetch)" process_user_data
expect_eq "fetch_row is a child of db_fetch" "$(parent_of fetch_row)" db_fetch
expect_eq "render scopes are children of process_user_data" "$(parent_of render:1)" process_user_data
expect_eq "process_user_data is a child of the request span" "$(parent_of process_user_data)" demo:request_start
expect_eq "the request span is a child of handle_request" "$(parent_of demo:request_start)" handle_request
expect_eq "main's requests are inside batch" "$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
	WHERE c.run_id='spans' AND c.function='handle_request' AND p.function='batch'")" 5
expect_eq "worker's requests are roots of their thread" "$(count "function='handle_request' AND parent_id IS NULL")" 3

# Tags: on the innermost open span, of both kinds; status as the tag 'status'.
tags() {
	q "SELECT g.key||'='||g.value FROM tag_view g JOIN span_view s ON s.span_id = g.span_id
	   WHERE g.run_id='spans' AND s.function='$1' ORDER BY g.key, g.value" | sort | uniq -c | awk '{print $2"x"$1}' | paste -sd' '
}
expect_eq "db_fetch's tags" "$(tags db_fetch)" \
	"shard_id=0x2 shard_id=1x2 shard_id=2x2 shard_id=3x1 shard_id=4x1 status=warningx1 table=usersx8"
expect_eq "an integer tag is stored as an integer" \
	"$(q "SELECT DISTINCT typeof(value) FROM tag_view WHERE run_id='spans' AND key='shard_id'")" integer
expect_eq "a tag set while the request span is innermost goes on it" "$(tags demo:request_start)" "kind=webx8"
expect_eq "status warning on request 3's span" "$(q "SELECT count(*) FROM tag_view g JOIN span_view s ON s.span_id = g.span_id
	JOIN span_view p ON p.span_id = s.parent_id JOIN span_view c ON c.parent_id = s.span_id
	WHERE g.run_id='spans' AND g.key='status' AND g.value='warning' AND c.function='fetch_row'")" 1

# -u: instant events with their arguments, inside the span open then (handle_request's call).
expect_eq "cache_hit fired 8 times" "$(q "SELECT count(*) FROM event_view WHERE run_id='spans' AND probe='demo:cache_hit'")" 8
expect_eq "cache_hit's arguments" "$(q "SELECT args FROM event_view WHERE run_id='spans' AND probe='demo:cache_hit' ORDER BY ts_ns" | paste -sd' ')" \
	"[0,0] [1,10] [2,20] [3,30] [4,40] [100,1000] [101,1010] [102,1020]"
expect_eq "cache_hit fires inside the request span" "$(q "SELECT DISTINCT s.function FROM event_view e JOIN span_view s ON s.span_id = e.span_id WHERE e.run_id='spans'")" demo:request_start

# analyze and the exports show explicit spans and their tags.
table=$("$FERRET" analyze "$DB" --run-id spans --json)
expect_eq "analyze's table counts db_fetch" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(f["calls"] for f in d["functions"] if f["function"]=="db_fetch"))' <<<"$table")" 8
calls_out=$("$FERRET" analyze "$DB" --run-id spans --calls)
expect_eq "--calls shows db_fetch's tags" "$(grep -c 'db_fetch .*\[table=users shard_id=[0-4]' <<<"$calls_out")" 8
expect_eq "--calls shows request 3's status" "$(grep -c 'db_fetch .*\[table=users shard_id=3 status=warning\]' <<<"$calls_out")" 1
"$FERRET" export "$DB" --run-id spans --format chrome -o "$TMP/c.json" 2>/dev/null
expect_eq "chrome: db_fetch's args carry its tags" "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(sum(1 for e in d["traceEvents"] if e.get("name")=="db_fetch" and e.get("args",{}).get("table")=="users" and isinstance(e["args"].get("shard_id"), int)))' "$TMP/c.json")" 8
"$FERRET" export "$DB" --run-id spans --format otlp -o "$TMP/o.json" 2>/dev/null
expect_eq "otlp: db_fetch's attributes carry its tags" "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
spans=[s for r in d["resourceSpans"] for ss in r["scopeSpans"] for s in ss["spans"] if s["name"]=="db_fetch"]
print(sum(1 for s in spans if {"key":"table","value":{"stringValue":"users"}} in s["attributes"]))' "$TMP/o.json")" 8
"$FERRET" export "$DB" --run-id spans --format speedscope -o "$TMP/s.json" 2>/dev/null
expect_eq "speedscope: explicit spans are frames" "$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); n=set(f["name"] for f in d["shared"]["frames"]); print(int({"batch","db_fetch","render:3","left_open"} <= n))' "$TMP/s.json")" 1

# Only handle_request traced: its call is innermost when it tags, and db_fetch's parent.
"$FERRET" trace --db "$DB" --run-id plain -f handle_request -- "$PROGS/spans" >/dev/null 2>&1
expect_eq "plain traced" "$?" 0
expect_eq "a tag set in a traced function goes on its call" "$(q "SELECT g.value||'x'||count(*) FROM tag_view g
	JOIN span_view s ON s.span_id = g.span_id WHERE g.run_id='plain' AND s.function='handle_request' AND g.key='kind'")" webx8
expect_eq "db_fetch is a child of handle_request" "$(q "SELECT DISTINCT p.function FROM span_view c
	JOIN span_view p ON p.span_id = c.parent_id WHERE c.run_id='plain' AND c.function='db_fetch'")" handle_request

# C++ (-O2): FERRET_SCOPE's guard closes the span on a return and when an exception unwinds
# through it; literals the program never reads itself are still read (ferret.h touches them).
"$FERRET" trace --db "$DB" --run-id cxx -f main -- "$PROGS/spans_cxx" >/dev/null 2>&1
expect_eq "spans_cxx traced" "$?" 0
expect_eq "C++: three step scopes, all closed, children of main" "$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id = c.parent_id
	WHERE c.run_id='cxx' AND c.function='step' AND c.status='ok' AND p.function='main'")" 3
expect_eq "C++: their tags" "$(q "SELECT group_concat(key||'='||value, ' ') FROM (SELECT key, value FROM tag_view WHERE run_id='cxx' ORDER BY span_id, key)")" \
	"i=0 lang=c++ i=1 lang=c++ i=2 lang=c++"

# A real Debian library's USDT probes (MODULE:PROVIDER:NAME): libstdc++'s throw fires inside the
# step scope that work(2) throws from, its catch in main, after the unwinding closed that scope.
"$FERRET" trace --db "$DB" --run-id cxxthrow -f main -u 'libstdc++:libstdcxx:*' -- "$PROGS/spans_cxx" >/dev/null 2>&1
expect_eq "libstdc++: throw in step, catch in main" "$(q "SELECT group_concat(e.probe||'@'||s.function, ' ') FROM
	(SELECT * FROM event_view WHERE run_id='cxxthrow' ORDER BY ts_ns) e JOIN span_view s ON s.span_id = e.span_id")" \
	"libstdcxx:throw@step libstdcxx:catch@main"

# Errors and refusals: a probe that is not there, stack mode.
out=$("$FERRET" trace --db "$DB" -u 'demo:no_such_probe' -- "$PROGS/spans" 2>&1)
expect_eq "an unknown probe is an error" "$?|$(grep -c "no USDT probe matches 'demo:no_such_probe'" <<<"$out")" "1|1"
out=$("$FERRET" trace --db "$DB" --usdt-span 'demo:request_start' -- "$PROGS/spans" 2>&1)
expect_eq "--usdt-span needs two probes" "$?|$(grep -c "START,END" <<<"$out")" "1|1"
out=$("$FERRET" trace --db "$DB" --aggregate -u 'demo:*' -- "$PROGS/spans" 2>&1)
expect_eq "-u is refused in stack mode" "$?|$(grep -c "do not go with --min-duration" <<<"$out")" "2|1"
out=$("$FERRET" trace --db "$DB" --run-id agg --aggregate -f fetch_row -- "$PROGS/spans" 2>&1)
expect_eq "stack mode says it leaves explicit spans out" "$?|$(grep -c "explicit spans (ferret.h): --min-duration, --aggregate and --max-rate do not record them" <<<"$out")" "0|1"

# ferret list --usdt: the program's probes, each once with its sites.
out=$("$FERRET" list --usdt "$PROGS/spans" 2>/dev/null)
expect_eq "list --usdt: every probe of spans" "$(awk '{print $2}' <<<"$out" | sort | paste -sd' ')" \
	"demo:cache_hit demo:request_done demo:request_start ferret:begin ferret:end ferret:name ferret:status ferret:tag ferret:tag_int"
expect_match "list --usdt: sites and semaphore" "$(grep 'ferret:tag ' <<<"$out")" "2 sites, semaphore"
expect_eq "list --usdt with a pattern" "$("$FERRET" list --usdt "$PROGS/spans" 'demo:request_*' 2>/dev/null | wc -l)" 2

# A file of schema 5 (before explicit spans and the rest): read as it is, upgraded when a run is added.
cp "$DB" "$TMP/v5.db"
make_schema5 "$TMP/v5.db"
expect_eq "schema 5 file made" "$(sqlite3 "$TMP/v5.db" "SELECT value FROM meta WHERE key='schema_version'")" 5
"$FERRET" analyze "$TMP/v5.db" --run-id plain >/dev/null 2>&1
expect_eq "a schema 5 file is read" "$?" 0
expect_eq "reading leaves it at schema 5" "$(sqlite3 "$TMP/v5.db" "SELECT value FROM meta WHERE key='schema_version'")" 5
"$FERRET" trace --db "$TMP/v5.db" --run-id upgraded -f fetch_row -- "$PROGS/spans" >/dev/null 2>&1
expect_eq "a run added to a schema 5 file" "$?" 0
expect_eq "the file is schema 9 now" "$(sqlite3 "$TMP/v5.db" "SELECT value FROM meta WHERE key='schema_version'")" 9
expect_eq "its new run has explicit spans and tags" "$(sqlite3 "$TMP/v5.db" "SELECT count(*) FROM span_view WHERE run_id='upgraded' AND function='db_fetch'")|$(sqlite3 "$TMP/v5.db" "SELECT count(*) FROM tag_view WHERE run_id='upgraded' AND key='table'")" "8|8"
expect_eq "its old runs are still there" "$(sqlite3 "$TMP/v5.db" "SELECT count(*) FROM span_view WHERE run_id='plain' AND function='db_fetch'")" 8

# A real Debian binary with USDT notes: python3.11's gc__start fires once per collection
# (arg 0: the generation); 7 more gc.collect() calls give exactly 7 more generation-2 firings.
PY=/usr/bin/python3.11
if [ -x "$PY" ]; then
	py_gc() {
		"$FERRET" trace --db "$DB" --run-id "py$1" -f PyDict_New -u 'python:gc__start' -- "$PY" -c "import gc
gc.disable()
for i in range($1): gc.collect()" >/dev/null 2>&1
		q "SELECT count(*) FROM event_view WHERE run_id='py$1' AND args='[2]'"
	}
	base=$(py_gc 0)
	expect_eq "python3.11: 7 gc.collect() calls fire gc__start 7 more times" "$(($(py_gc 7) - base))" 7
	out=$("$FERRET" trace --db "$DB" --run-id pyspan -f PyDict_New --usdt-span 'python:gc__start,python:gc__done' -- \
		"$PY" -c "import gc
gc.disable()
for i in range(7): gc.collect()" 2>&1)
	expect_eq "python3.11: gc spans, all closed" "$(q "SELECT count(*) FROM span_view WHERE run_id='pyspan' AND function='python:gc__start' AND status='ok'")" \
		"$(q "SELECT count(*) FROM span_view WHERE run_id='pyspan' AND function='python:gc__start'")"
	expect_eq "python3.11: as many gc spans as gc__start firings" "$(q "SELECT count(*) FROM span_view WHERE run_id='pyspan' AND function='python:gc__start'")" \
		"$(q "SELECT count(*) FROM event_view WHERE run_id='py7'")"
else
	pass "python3.11 not installed: its USDT probes not tried"
fi

# Untraced runs of the same program: nothing of ferret.h fires (semaphores), output unchanged.
expect_eq "untraced output" "$("$PROGS/spans")" 939
