#!/usr/bin/env bash
# -A, -R, --error: each call's arguments, return value and status, with exact values
# (tests/progs/args.c), in arg_view, span_view, analyze --calls and its JSON; bad specs.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" -A 'greet@arg1/s,arg2,arg3/x' -R 'greet@retval/i32' \
	-A 'add@arg1,arg2' -R 'add@retval' -f open_config -f lookup -f ticks \
	--error 'open_config:ret<0' --error 'lookup:ret==0' -- "$PROGS/args" 2>"$TMP/err"
expect_eq "trace exits 0" "$?" 0
expect_match "summary counts the errors" "$(cat "$TMP/err")" "3 calls returned an error"
# v FUNCTION N POSITION: a value of the Nth call (from 0) of the latest run
v() { q "SELECT quote(value) FROM arg_view WHERE span_id = (SELECT span_id FROM span_view WHERE function = '$1' AND run_id = (SELECT run_id FROM run_view ORDER BY start_ns DESC LIMIT 1) ORDER BY start_ns LIMIT 1 OFFSET $2) AND position = $3"; }
expect_eq "a string" "$(v greet 0 1)" "'ana'"
expect_eq "an integer" "$(v greet 0 2)" "42"
expect_eq "a hex flag, stored as an integer" "$(v greet 0 3)" "3"
expect_eq "an empty string" "$(v greet 1 1)" "''"
expect_eq "a negative number" "$(v greet 1 2)" "-7"
expect_eq "the return value as i32" "$(v greet 1 0)" "-7"
expect_eq "a long string, cut to --string-size (64)" "$(v greet 2 1)" "'$(printf 'x%.0s' $(seq 64))'"
expect_eq "a string that is not UTF-8: its bytes as a blob" "$(v greet 3 1)" "X'61FF62'"
expect_eq "a NULL char *: 0" "$(v greet 4 1)" "0"
expect_eq "unmapped memory: unreadable (NULL)" "$(v greet 5 1)" "NULL"
expect_eq "the target ran on after it" "$(calls greet)" 6
expect_eq "add: negative arguments" "$(v add 0 1)|$(v add 0 2)|$(v add 0 0)" "-5|2|-3"
expect_eq "add: 64-bit values" "$(v add 1 1)|$(v add 1 0)" "1099511627776|1099511627777"
expect_eq "arg_view names and types" "$(q "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT DISTINCT position, name, type FROM arg_view WHERE function = 'greet' ORDER BY position)")" "retval:i32 arg1:s arg2:d arg3:x"
expect_eq "--error ret<0: statuses" "$(q "SELECT group_concat(status, ' ') FROM (SELECT status FROM span_view WHERE function = 'open_config' ORDER BY start_ns)")" "ok error error"
expect_eq "--error: the errno of a -errno return" "$(q "SELECT value FROM arg_view WHERE function = 'open_config' AND name = 'errno'")" "13"
expect_eq "--error ret==0 on a pointer" "$(q "SELECT group_concat(status, ' ') FROM (SELECT status FROM span_view WHERE function = 'lookup' ORDER BY start_ns)")" "ok error"
expect_eq "--error: error calls keep their on-CPU figures (an exact end)" \
	"$(q "SELECT count(cpu_ns) > 0 FROM span_view WHERE status = 'error' AND run_id = (SELECT run_id FROM run_view ORDER BY start_ns DESC LIMIT 1)")" 1
expect_eq "a function without a spec stores no values" "$(q "SELECT count(*) FROM arg_view WHERE function = 'ticks'")" 0
expect_eq "a function without a spec: its calls" "$(calls ticks)" 3

out=$("$FERRET" analyze --db "$DB" --calls -f greet 2>&1)
expect_match "--calls shows arguments and return value" "$out" 'greet .* arg1="ana"  arg2=42  arg3=0x3  => 42'
expect_match "--calls escapes bytes that are not UTF-8" "$out" 'arg1="a\\xffb"'
expect_match "--calls: a NULL char *" "$out" 'arg1=NULL  arg2=3'
expect_match "--calls: unreadable" "$out" 'arg1=\(unreadable\)  arg2=4'
out=$("$FERRET" analyze --db "$DB" --calls -f open_config 2>&1)
expect_match "--calls shows the status and errno" "$out" 'error  => -13 \(errno 13\)'
json=$("$FERRET" analyze --db "$DB" --calls -f greet --json)
expect_match "--calls --json carries args and retval" "$json" '"args": \[\{"position": 1, "name": "arg1", "type": "s", "value": "ana"\}'
expect_match "--calls --json: retval" "$json" '"retval": 42'

# --string-size
"$FERRET" trace --db "$DB" --string-size 5 -A 'greet@arg1/s' -- "$PROGS/args" 2>/dev/null
expect_eq "--string-size 5" "$(v greet 2 1)" "'xxxxx'"

# Bad input: one line, exit 2, nothing attached.
bad() {
	local name=$1 re=$2; shift 2
	local out rc
	out=$("$FERRET" trace --db "$TMP/bad.db" "$@" -- "$PROGS/args" 2>&1); rc=$?
	expect_eq "$name: exit 2" "$rc" 2
	expect_eq "$name: one line" "$(printf '%s\n' "$out" | grep -c .)" 1
	expect_match "$name" "$out" "$re"
}
bad "unknown format" "^ferret: -A: unknown format '/q'" -A 'greet@arg1/q'
bad "argument past the registers" "arg7.*first 6 integer arguments" -A 'greet@arg7'
bad "-R without retval" "-R takes 'retval'" -R 'greet@arg1'
bad "floating point" "floating-point" -A 'greet@fparg1'
bad "--error on nothing traced" "^ferret: --error 'nothere:ret<0'.*no traced function" -f greet --error 'nothere:ret<0'
bad "--error without an operator" "expected an operator" --error 'greet:ret'
bad "string size too large" "string-size" --string-size 1000 -A 'greet@arg1/s'
bad "with stack mode" "do not go with --min-duration" --min-duration 1ms -A 'greet@arg1'
expect_eq "nothing written for bad input" "$(ls "$TMP" | grep -c bad.db)" 0

# analyze's table: Errors are calls of status error, with their rate; no Incomplete column
# when every call returned.
"$FERRET" trace --db "$DB" --run-id errs -f open_config -f lookup --error 'open_config:ret<0' \
	--error 'lookup:ret==0' -- "$PROGS/args" 2>/dev/null
out=$("$FERRET" analyze --db "$DB" --run-id errs --raw)
expect_match "Errors: count and rate" "$out" 'open_config .* 2 \(66\.7%\)( |$)'
expect_match "Errors: one of two" "$out" 'lookup .* 1 \(50\.0%\)( |$)'
expect_eq "no Incomplete column without incomplete calls" "$(printf '%s\n' "$out" | grep -c Incomplete)" 0
json=$("$FERRET" analyze --db "$DB" --run-id errs --json)
expect_match "--json: errors and incomplete" "$json" '"function": "open_config".*"errors": 2, "incomplete": 0'

# -a: names and types from DWARF.
"$FERRET" trace --db "$DB" --run-id typed -a -f greet -f add -f lookup -f open_config -- "$PROGS/args" 2>/dev/null
vt() { q "SELECT quote(value) FROM arg_view WHERE run_id = 'typed' AND span_id = (SELECT span_id FROM span_view WHERE function = '$1' AND run_id = 'typed' ORDER BY start_ns LIMIT 1 OFFSET $2) AND position = $3"; }
expect_eq "-a: DWARF's names and types" "$(q "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT DISTINCT position, name, type FROM arg_view WHERE run_id = 'typed' AND function = 'greet' ORDER BY position)")" "retval:i32 name:s n:d flags:x32"
expect_eq "-a: char * as a string" "$(vt greet 0 1)" "'ana'"
expect_eq "-a: long" "$(vt greet 1 2)" "-7"
expect_eq "-a: int return sign-extended" "$(vt greet 1 0)" "-7"
expect_eq "-a: a pointer return as an address" "$(q "SELECT typeof(value) FROM arg_view WHERE run_id = 'typed' AND function = 'lookup' AND position = 0 LIMIT 1")" "integer"
expect_eq "-a: no error without a rule" "$(q "SELECT count(*) FROM span_view WHERE run_id = 'typed' AND status = 'error'")" 0
out=$("$FERRET" analyze --db "$DB" --run-id typed --calls -f greet 2>&1)
expect_match "-a: --calls shows DWARF's names" "$out" 'name="ana"  n=42  flags=0x3  => 42'

# --errors auto: NULL from a pointer, -4095..-1 from a signed int (DWARF's return types).
"$FERRET" trace --db "$DB" --run-id auto --errors auto -f open_config -f lookup -- "$PROGS/args" 2>/dev/null
expect_eq "--errors auto: -1 and -13 from an int" "$(q "SELECT group_concat(status, ' ') FROM (SELECT status FROM span_view WHERE run_id = 'auto' AND function = 'open_config' ORDER BY start_ns)")" "ok error error"
expect_eq "--errors auto: NULL from a pointer" "$(q "SELECT group_concat(status, ' ') FROM (SELECT status FROM span_view WHERE run_id = 'auto' AND function = 'lookup' ORDER BY start_ns)")" "ok error"

# Without debug information: -a says so and captures nothing; -A specs work the same.
out=$("$FERRET" trace --db "$DB" --run-id nodebug -a -A 'greet@arg1/s,arg2' -f add -- "$PROGS/args_nodebug" 2>&1)
expect_match "-a without DWARF: a warning" "$out" "-a: no traced function has DWARF debug information"
expect_eq "without DWARF: -A's string" "$(q "SELECT value FROM arg_view WHERE run_id = 'nodebug' AND function = 'greet' AND position = 1 LIMIT 1")" "ana"
expect_eq "without DWARF: -a adds nothing" "$(q "SELECT count(*) FROM arg_view WHERE run_id = 'nodebug' AND function = 'add'")" 0
bad "--errors with another word" "--errors takes 'auto'" --errors all

# --name: each call named from its values; {ret} filled in at the return.
"$FERRET" trace --db "$DB" --run-id named -A 'greet@arg1/s' --name 'greet=hello {arg1} n={arg2} -> {ret}' \
	--name 'add=add:{arg1}' -f add -f ticks -- "$PROGS/args" 2>/dev/null
expect_eq "--name: names in span_view" "$(q "SELECT group_concat(name, '|') FROM (SELECT name FROM span_view WHERE run_id = 'named' AND function IN ('greet', 'add') ORDER BY start_ns)")" \
	"hello ana n=42 -> 42|hello  n=-7 -> -7|hello $(printf 'x%.0s' $(seq 64)) n=1 -> 1|hello a�b n=2 -> 2|hello 0 n=3 -> 3|hello ? n=4 -> 4|add:-5|add:1099511627776"
expect_eq "--name: the function stays the function" "$(q "SELECT count(*) FROM span_view WHERE run_id = 'named' AND function = 'greet'")" 6
expect_eq "--name: others have none" "$(q "SELECT count(*) FROM span_view WHERE run_id = 'named' AND function = 'ticks' AND name IS NULL")" 3
expect_match "--name: --calls shows the name" "$("$FERRET" analyze --db "$DB" --run-id named --calls -f add)" '\[add:-5\]'
"$FERRET" trace --db "$DB" --run-id named2 -a --name 'greet={name}#{n}' -f greet -- "$PROGS/args" 2>/dev/null
expect_eq "--name with DWARF's names" "$(q "SELECT name FROM span_view WHERE run_id = 'named2' ORDER BY start_ns LIMIT 1")" "ana#42"
bad "--name naming nothing" "^ferret: --name 'nothere=x': no traced function matches" -f greet --name 'nothere=x'
bad "--name with an unknown placeholder" "'\{user\}' is not arg1..arg6" -f greet --name 'greet=x {user}'
bad "--name without =" "expected PATTERN=TEMPLATE" -f greet --name 'greet'

# export: Chrome's args and OTLP's attributes carry the values and the status.
first_run=$(q "SELECT run_id FROM run_view ORDER BY start_ns LIMIT 1")
"$FERRET" export --db "$DB" --run-id "$first_run" --format chrome -o "$TMP/t.json" 2>/dev/null
expect_eq "chrome: args of a call" "$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1])); ev = d['traceEvents'] if isinstance(d, dict) else d
e = [e for e in ev if e.get('name') == 'greet' and e.get('ph') in ('X', 'B')][0]['args']
print(e['status'], e['arg1'], e['arg2'], e['arg3'], e['retval'])" "$TMP/t.json")" "ok ana 42 3 42"
"$FERRET" export --db "$DB" --run-id "$first_run" --format otlp -o "$TMP/t.otlp" 2>/dev/null
expect_eq "otlp: attributes and status ERROR with the errno" "$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
sp = [s for r in d['resourceSpans'] for ss in r['scopeSpans'] for s in ss['spans'] if s['name'] == 'open_config']
a = {x['key']: list(x['value'].values())[0] for x in sp[2]['attributes']}
print(a['code.function.return_value'], a['ferret.errno'], sp[2]['status']['code'], sp[2]['status']['message'])" "$TMP/t.otlp")" \
	"-13 13 2 error: its return value matched an --error rule (errno 13)"

# analyze --calls --status / --where: only the matching calls.
out=$("$FERRET" analyze --db "$DB" --run-id errs --calls --status error)
expect_eq "--status error: the error calls" "$(printf '%s\n' "$out" | grep -c ' error ')" 3
out=$("$FERRET" analyze --db "$DB" --run-id typed --calls --where 'n==42')
expect_eq "--where n==42: one call" "$(printf '%s\n' "$out" | grep -c 'greet ')" 1
out=$("$FERRET" analyze --db "$DB" --run-id typed --calls --where 'arg2<0')
expect_match "--where arg2<0: by position" "$out" 'n=-7'
expect_eq "--where arg2<0: only it" "$(printf '%s\n' "$out" | grep -c 'greet ')" 1
out=$("$FERRET" analyze --db "$DB" --run-id typed --calls --where 'name=="ana"')
expect_eq "--where on a string" "$(printf '%s\n' "$out" | grep -c 'name="ana"')" 1
"$FERRET" analyze --db "$DB" --calls --where 'n<"x"' >/dev/null 2>&1
expect_eq "--where: a string with < is refused" "$?" 2
"$FERRET" analyze --db "$DB" --calls --status nope >/dev/null 2>&1
expect_eq "--status: an unknown status is refused" "$?" 2

# --status / --where on the table and the merged tree: only the calls that pass (a --where
# on an argument: the functions that have it).
rows() { python3 -c "
import json, sys
j = json.load(sys.stdin)
print(' '.join('%s:%d:%d' % (f['function'], f['calls'], f['errors']) for f in sorted(j['functions'], key=lambda f: f['function'])), j.get('status', '-'), j.get('where', '-'))"; }
expect_eq "table --status error" "$("$FERRET" analyze --db "$DB" --run-id errs --status error --json | rows)" "lookup:1:1 open_config:2:2 error -"
expect_eq "table --status ok" "$("$FERRET" analyze --db "$DB" --run-id errs --status ok --json | rows)" "lookup:1:0 open_config:1:0 ok -"
expect_eq "table --where arg1==1: open_config(1) and lookup(1)" "$("$FERRET" analyze --db "$DB" --run-id typed --where 'arg1==1' --json | rows)" "lookup:1:0 open_config:1:0 - arg1==1"
expect_eq "table --where ret<0" "$("$FERRET" analyze --db "$DB" --run-id typed --where 'ret<0' --json | rows)" "add:1:0 greet:1:0 open_config:2:0 - ret<0"
expect_eq "table --where n==42 -f greet" "$("$FERRET" analyze --db "$DB" --run-id typed --where 'n==42' -f greet --json | rows)" "greet:1:0 - n==42"
expect_eq "table --where on a string" "$("$FERRET" analyze --db "$DB" --run-id typed --where 'name=="ana"' --json | rows)" "greet:1:0 - name==\"ana\""
out=$("$FERRET" analyze --db "$DB" --run-id errs --status error)
expect_match "table --status error: says so" "$out" "only the calls of --status error"
expect_match "table --status error: open_config's two" "$out" "open_config +args +2 .*2 \(100\.0%\)"
expect_eq "--tree --status error: the paths to the errors" "$("$FERRET" analyze --db "$DB" --run-id errs --tree --status error --json | python3 -c "
import json, sys
j = json.load(sys.stdin)
print(j['status'], ' '.join('%s:%d:%d' % (c['function'], c['calls'], c['errors']) for t in j['threads'] for c in t['children']))")" "error open_config:2:2 lookup:1:1"
out=$("$FERRET" analyze --db "$DB" --run-id errs --status lost 2>&1)
expect_eq "--status with no such call: exit 1" "$?" 1
expect_eq "--status with no such call: one line" "$out" "ferret: no call of run errs matches --status lost"
out=$("$FERRET" analyze --db "$DB" --status nope 2>&1)
expect_eq "table --status nope: exit 2" "$?" 2
expect_eq "table --status nope: one line" "$(printf '%s\n' "$out" | grep -c .)" 1
"$FERRET" analyze --db "$DB" --tree --where 'arg1=' >/dev/null 2>&1
expect_eq "--tree --where without a value is refused" "$?" 2
"$FERRET" analyze --db "$DB" --by name --status error >/dev/null 2>&1
expect_eq "--by name --status is refused" "$?" 2

# analyze --by name: calls grouped by their --name.
"$FERRET" trace --db "$DB" --run-id grouped -A 'ticks@arg1' --name 'ticks=tick {arg1}' --name 'open_config=config' \
	-f open_config --error 'open_config:ret<0' -- "$PROGS/args" 4 2>/dev/null
json=$("$FERRET" analyze --db "$DB" --run-id grouped --by name --json)
expect_eq "--by name: every name once, with its calls and errors" "$(python3 -c "
import json, sys
d = json.loads(sys.argv[1])
print(' '.join('%s:%d:%d' % (n['name'], n['calls'], n['errors']) for n in sorted(d['names'], key=lambda n: n['name'])))" "$json")" \
	"config:3:2 tick 0:1:0 tick 1:1:0 tick 2:1:0 tick 3:1:0"
expect_match "--by name: text" "$("$FERRET" analyze --db "$DB" --run-id grouped --by name)" 'config +3 '
"$FERRET" analyze --db "$DB" --by name --tree >/dev/null 2>&1
expect_eq "--by name with --tree is refused" "$?" 2

# Debian's sqlite3 (no debug information needed): each SQL text sqlite3_prepare_v2 compiles.
if [ -x /usr/bin/sqlite3 ]; then
	"$FERRET" trace --db "$DB" --run-id sqlite -A 'libsqlite3:sqlite3_prepare_v2@arg2/s' \
		-R 'libsqlite3:sqlite3_prepare_v2@retval/i32' --error 'libsqlite3:sqlite3_prepare_v2:ret!=0' \
		-- /usr/bin/sqlite3 :memory: "create table t(x); select count(*) from t; select * from nope;" >/dev/null 2>&1
	expect_eq "sqlite3: the SQL texts" "$(q "SELECT group_concat(value, '|') FROM (SELECT value FROM arg_view WHERE run_id = 'sqlite' AND position = 2 AND value GLOB 'select *' ORDER BY span_id)")" \
		"select count(*) from t; select * from nope;|select * from nope;"
	expect_eq "sqlite3: the failed prepare (SQLITE_ERROR) is the one error" "$(q "SELECT group_concat(a.value, '|') FROM span_view s JOIN arg_view a ON a.span_id = s.span_id AND a.position = 2 WHERE s.run_id = 'sqlite' AND s.status = 'error'")" \
		"select * from nope;"
else
	pass "sqlite3: not installed (skipped)"
fi
