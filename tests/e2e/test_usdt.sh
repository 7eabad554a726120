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

# Untraced runs of the same program: nothing of ferret.h fires (semaphores), output unchanged.
expect_eq "untraced output" "$("$PROGS/spans")" 939
