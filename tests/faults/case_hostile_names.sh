#!/usr/bin/env bash
# Hostile names: threads named with ESC sequences, a newline, quotes, HTML and bytes that are
# not UTF-8, and a command line of the same. ferret runs and analyze print no raw ESC byte
# and keep one line per row; every export format is valid (JSON parses as strict UTF-8,
# folded keeps one "frames count" line per stack).
. "$(dirname "$0")/lib.sh"
export NO_COLOR=1

"$FERRET" trace --db "$DB" --run-id hostile -- "$FAULTS/hostile" $'\e[31mred\e[0m' '<img src=x onerror=alert(1)>' \
	$'a\nb"c\'d' $'\xff\xfe\xc3(' >"$TMP/log" 2>&1
expect_eq "ferret exits 0" "$?" 0
expect_eq "named_work: 4 ok" "$(status_counts hostile named_work)" "ok:4"
expect_eq "the thread names are stored" "$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='hostile' AND t.comm LIKE '%img src%'")" 1
expect_eq "a renamed thread keeps its row and its calls: 5 threads, named 4 ok" \
	"$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='hostile'") $(status_counts hostile named)" "5 ok:4"

# json_ok NAME FILE: FILE is one JSON document, strict UTF-8
json_ok() {
	local err
	err=$(python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$2" 2>&1 | tail -n 1)
	expect_eq "$1: valid JSON (UTF-8)" "$err" ""
}
# no_esc NAME FILE: FILE has no raw ESC byte
no_esc() { expect_eq "$1: no raw ESC byte" "$(tr -cd '\033' <"$2" | wc -c)" 0; }

"$FERRET" runs "$DB" >"$TMP/runs" 2>&1
expect_eq "runs exits 0" "$?" 0
no_esc "runs" "$TMP/runs"
expect_eq "runs: a header and one line for the run" "$(wc -l <"$TMP/runs")" 2

"$FERRET" analyze "$DB" >"$TMP/table" 2>&1
expect_eq "analyze exits 0" "$?" 0
no_esc "analyze" "$TMP/table"
"$FERRET" analyze "$DB" --tree >"$TMP/tree" 2>&1
expect_eq "analyze --tree exits 0" "$?" 0
no_esc "analyze --tree" "$TMP/tree"
"$FERRET" analyze "$DB" --calls >"$TMP/callsout" 2>&1
no_esc "analyze --calls" "$TMP/callsout"
"$FERRET" analyze "$DB" --json >"$TMP/a.json" 2>&1
json_ok "analyze --json" "$TMP/a.json"
expect_eq "analyze --json keeps the command: ESC escaped, bytes not UTF-8 as U+FFFD" \
	"$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["command"]; print(c.split(" ",1)[1] == "\x1b[31mred\x1b[0m <img src=x onerror=alert(1)> a\nb\"c'"'"'d \ufffd\ufffd\ufffd(")' "$TMP/a.json" 2>&1)" True
"$FERRET" analyze "$DB" --tree --json >"$TMP/t.json" 2>&1
json_ok "analyze --tree --json" "$TMP/t.json"

for fmt in speedscope chrome; do
	"$FERRET" export "$DB" --format $fmt -o "$TMP/x.$fmt" >/dev/null 2>&1
	expect_eq "export $fmt exits 0" "$?" 0
	json_ok "export $fmt" "$TMP/x.$fmt"
done
"$FERRET" export "$DB" --format otlp -o "$TMP/x.otlp" >/dev/null 2>&1
expect_eq "export otlp exits 0" "$?" 0
bad=0
while IFS= read -r line; do
	printf '%s' "$line" >"$TMP/line"
	python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$TMP/line" 2>/dev/null || bad=$((bad + 1))
done <"$TMP/x.otlp"
expect_eq "export otlp: every line is valid JSON (UTF-8)" "$bad" 0
"$FERRET" export "$DB" --format folded -o "$TMP/x.folded" >/dev/null 2>&1
expect_eq "export folded exits 0" "$?" 0
expect_eq "export folded: every line is 'frames count'" "$(grep -cEv '^[^ ].* [0-9]+$' "$TMP/x.folded")" 0
no_esc "export folded" "$TMP/x.folded"
exit 0
