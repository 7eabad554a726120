#!/usr/bin/env bash
# -a's types beyond DWARF's formats: enums by their enumerators' names and flags in hex
# (tests/progs/enums.c, with DWARF), and libc functions without DWARF typed from ferret's
# built-in table (tests/progs/libc_calls.c on a copy of libc.so.6 whose build-id no debug
# file has, so that libc6-dbg's DWARF, when installed, is not found).
. "$(dirname "$0")/lib.sh"
unset DEBUGINFOD_URLS FERRET_DEBUG_DIRS

# calls_of RUN FUNCTION: analyze --calls' lines of FUNCTION, from the name on: its times and
# notes cut, "error" kept
calls_of() {
	"$FERRET" analyze --db "$DB" --run-id "$1" --calls -f "$2" 2>/dev/null | grep -E "(── |^)$2 " |
		perl -pe 's/^.*?── //; s/^(\S+) .*?  (error  )?(?=[A-Za-z_0-9]+=|=> )/$1  $2/'
}

# --- enums and flags from DWARF ---
"$FERRET" trace --db "$DB" --run-id enums -a -f paint -f next_color -- "$PROGS/enums" 2>/dev/null
expect_eq "enums: trace exits 0" "$?" 0
expect_eq "enums: arg_specs' types, enumerators in the enum's" \
	"$(q "SELECT group_concat(name || ':' || type, ' | ') FROM (SELECT DISTINCT position, name, type FROM arg_view WHERE run_id = 'enums' AND function = 'paint' ORDER BY position)")" \
	"retval:i32 | c:u32 enum color {RED=0,GREEN=1,BLUE=7} | perms:u32 enum perm {PERM_NONE=0,PERM_READ=1,PERM_WRITE=2,PERM_EXEC=4} | flags:x32 | mode:x32 | count:u32"
expect_eq "enums: values stay integers in span_args" \
	"$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM arg_view WHERE run_id = 'enums' AND function = 'paint' AND position IN (1, 2) ORDER BY span_id, position)")" \
	"1 3 5 9 7 0"
expect_eq "enums: SQL compares them as integers" \
	"$(q "SELECT count(*) FROM arg_view WHERE run_id = 'enums' AND function = 'paint' AND name = 'c' AND value > 1")" 2
expect_eq "enums: --calls shows enumerators, flags OR'ed, hex flags and modes" "$(calls_of enums paint)" \
	"paint  c=GREEN  perms=PERM_READ|PERM_WRITE  flags=0x30  mode=0x1a4  count=3  => 3
paint  c=5  perms=PERM_READ|0x8  flags=0  mode=0  count=4  => 4
paint  c=BLUE  perms=PERM_NONE  flags=0x1  mode=0x1ed  count=5  => 5"
expect_eq "enums: an enum return value by name" "$(calls_of enums next_color)" \
	"next_color  c=RED  => GREEN
next_color  c=GREEN  => BLUE"
json=$("$FERRET" analyze --db "$DB" --run-id enums --calls -f paint --json)
expect_eq "enums: --json keeps the integer and adds the enumerator" "$(python3 -c "
import json, sys
d = json.loads(sys.argv[1])
a = d['threads'][0]['children'][0]['args']
print(a[0]['value'], a[0]['enumerator'], a[1]['value'], a[1]['enumerator'], 'enumerator' in a[2])" "$json")" \
	"1 GREEN 3 PERM_READ|PERM_WRITE False"
out=$("$FERRET" analyze --db "$DB" --run-id enums --calls --where 'c==BLUE')
expect_eq "enums: --where by an enumerator's name" "$(printf '%s\n' "$out" | grep -c 'paint .*c=BLUE')" 1
"$FERRET" export --db "$DB" --run-id enums --format chrome -o "$TMP/e.json" 2>/dev/null
expect_eq "enums: chrome's args show the enumerator" "$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1])); ev = d['traceEvents'] if isinstance(d, dict) else d
e = [e for e in ev if e.get('name') == 'paint' and e.get('ph') in ('X', 'B')][0]['args']
print(e['c'], e['perms'], e['flags'])" "$TMP/e.json")" "GREEN PERM_READ|PERM_WRITE 48"
"$FERRET" view "$DB" --run-id enums -o "$TMP/e.html" 2>/dev/null
expect_eq "enums: the viewer's call details show the enumerator" "$(python3 -c 'import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r"<script type=\"application/json\" id=\"ferret-data\">(.*?)</script>", html, re.S).group(1))
x = [c for t in d["threads"] for c in t["calls"][4::5] if c and "args" in c]
print(sorted(" ".join(a["name"] + "=" + a["value"] for a in c["args"][:2]) + " => " + c["ret"] for c in x))' "$TMP/e.html")" \
	"['c=5 perms=PERM_READ|0x8 => 4', 'c=BLUE perms=PERM_NONE => 5', 'c=GREEN => BLUE', 'c=GREEN perms=PERM_READ|PERM_WRITE => 3', 'c=RED => GREEN']"

# --- libc without DWARF: the built-in table ---
libc=$(ldd "$PROGS/libc_calls" | awk '$1 == "libc.so.6" { print $3 }')
mkdir -p "$TMP/lib"
cp "$libc" "$TMP/lib/libc.so.6"
bid=$(readelf -n "$libc" | awk '/Build ID/ { print $3 }')
# Another build-id (its first byte flipped): no debug file is this copy's.
python3 -c "
import sys
p, bid = sys.argv[1], bytes.fromhex(sys.argv[2])
d = bytearray(open(p, 'rb').read())
assert d.count(bid) == 1
d[d.index(bid)] ^= 0xff
open(p, 'wb').write(d)" "$TMP/lib/libc.so.6" "$bid"
expect_eq "libc copy: another build-id" "$(readelf -n "$TMP/lib/libc.so.6" | awk '/Build ID/ { print ($3 != "'"$bid"'") }')" 1
out=$(LD_LIBRARY_PATH="$TMP/lib" "$FERRET" trace --db "$DB" --run-id table -a --errors auto -f 'libc:open' -f 'libc:write' \
	-f 'libc:malloc' -f 'libc:free' -f 'libc:strlen' -f 'libc:strcmp' -f 'libc:getenv' -- "$PROGS/libc_calls" 2>&1 >/dev/null)
# (strlen: main's call first; getenv may call it too)
expect_eq "table: trace exits 0" "$?" 0
expect_match "table: the summary says where the types came from" "$out" \
	"ferret: -a: 0 functions typed from DWARF, 7 from ferret's table of libc prototypes \(no DWARF for them\)"
expect_eq "table: the copy was traced" "$(q "SELECT DISTINCT module FROM span_view WHERE run_id = 'table'")" "$TMP/lib/libc.so.6"
expect_eq "table: open's types" \
	"$(q "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT DISTINCT position, name, type FROM arg_view WHERE run_id = 'table' AND function = 'open' ORDER BY position)")" \
	"retval:i32 pathname:s flags:x32"
expect_eq "table: open's values" \
	"$(q "SELECT group_concat(quote(value), ' ') FROM (SELECT value FROM arg_view WHERE run_id = 'table' AND function = 'open' ORDER BY position)")" \
	"-1 '/nonexistent/x' 0"
expect_eq "table: --errors auto: open's -1 is an error, strcmp's -1 is not, getenv's NULL is not" \
	"$(q "SELECT group_concat(function || ':' || status, ' ') FROM (SELECT function, status FROM span_view WHERE run_id = 'table' AND function IN ('open', 'strcmp', 'getenv') ORDER BY start_ns)")" \
	"open:error strcmp:ok getenv:ok"
expect_eq "table: --calls" "$(for f in open write strlen strcmp; do calls_of table $f | head -1; done)" \
	"open  error  pathname=\"/nonexistent/x\"  flags=0  => -1
write  fd=1  buf=$(q "SELECT printf('%#x', value) FROM arg_view WHERE run_id = 'table' AND function = 'write' AND position = 2")  count=5  => 5
strlen  s=\"hello\"  => 5
strcmp  s1=\"abc\"  s2=\"abd\"  => -1"
expect_eq "table: malloc's size and free's pointer, the same address" \
	"$(q "SELECT (SELECT value FROM arg_view WHERE run_id = 'table' AND function = 'malloc' AND position = 1) || ' ' || ((SELECT value FROM arg_view WHERE run_id = 'table' AND function = 'malloc' AND position = 0) = (SELECT value FROM arg_view WHERE run_id = 'table' AND function = 'free' AND position = 1))")" \
	"100 1"
expect_eq "table: free has no return value" "$(q "SELECT count(*) FROM arg_view WHERE run_id = 'table' AND function = 'free' AND position = 0")" 0

# -A beats the table; the table is libc's only: the program's own functions of libc's names
# are not typed by it.
LD_LIBRARY_PATH="$TMP/lib" "$FERRET" trace --db "$DB" --run-id table_a -a -A 'libc:open@arg2/d' -f 'libc:open' \
	-- "$PROGS/libc_calls" >/dev/null 2>&1
expect_eq "table: -A's format wins over the table's" \
	"$(q "SELECT group_concat(name || ':' || type, ' ') FROM (SELECT DISTINCT position, name, type FROM arg_view WHERE run_id = 'table_a' AND function = 'open' ORDER BY position)")" \
	"retval:i32 pathname:s flags:d"
out=$("$FERRET" trace --db "$DB" --run-id own -a -f 'open_config' -- "$PROGS/args_nodebug" 2>&1 >/dev/null)
expect_match "table: not for a program's own functions" "$out" "-a: no traced function has DWARF debug information or is a libc function ferret knows"
