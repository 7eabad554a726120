#!/usr/bin/env bash
# Functions in shared libraries, stripped binaries, aliases, non-PIE offsets: traced with real eBPF.
. "$(dirname "$0")/lib.sh"

# --- a shared library found through $ORIGIN, before the program runs ---
"$FERRET" trace --db "$DB" --run-id lib -f 'libferretdemo:*' -f main -- "$PROGS/elf_uselib" 7 >/dev/null 2>&1
expect_eq "library: lib_add called 7 times" "$(calls lib_add lib)" 7
expect_eq "library: lib_mul called once, under lib_scale" \
	"$(q "SELECT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='lib' AND c.function='lib_mul'")" lib_scale
expect_eq "library: lib_add's parent is main, in another module" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='lib' AND c.function='lib_add'")" main
expect_match "library: module path recorded" "$(q "SELECT DISTINCT module FROM span_view WHERE run_id='lib' AND function='lib_add'")" "/libferretdemo\.so$"

# --- libc by short name ---
"$FERRET" trace --db "$DB" --run-id libc -f 'libc:getpid' -- "$PROGS/elf_uselib" 1 >/dev/null 2>&1
expect_eq "libc:getpid matches the exported name of an aliased function" "$(q "SELECT count(*) > 0 FROM span_view WHERE run_id='libc'")" 1

# --- attach by pid to a process using the library ---
"$PROGS/elf_uselib" 6 1500 >"$TMP/uselib.out" &
upid=$!
for _ in $(seq 100); do grep -q ready "$TMP/uselib.out" && break; sleep 0.02; done
"$FERRET" trace --db "$DB" --run-id libpid -p "$upid" -f 'libferretdemo:lib_*' >/dev/null 2>&1
wait "$upid"
expect_eq "library via -p: lib_add 6 times" "$(calls lib_add libpid)" 6

# --- non-PIE and stripped binaries ---
"$FERRET" trace --db "$DB" --run-id nopie -- "$PROGS/elf_nopie" 4 >/dev/null 2>&1
expect_eq "non-PIE: demo_step 4 times" "$(calls demo_step nopie)" 4
expect_eq "non-PIE: demo_leaf 4 times" "$(calls demo_leaf nopie)" 4
"$FERRET" trace --db "$DB" --run-id stripped -- "$PROGS/elf_stripped" 4 >/dev/null 2>&1
expect_eq "stripped: exported demo_step still traced 4 times" "$(calls demo_step stripped)" 4
# the static function has no name left, but .eh_frame still shows where it starts
hidden=$(nm "$PROGS/elf_pie" | awk '$3 == "demo_hidden" { sub(/^0+/, "", $1); print "sub_" $1 }')
expect_eq "stripped: the static function traced once as $hidden" "$(calls "$hidden" stripped)" 1

# --- aliases: one probe per address, whatever name the caller used ---
"$FERRET" trace --db "$DB" --run-id alias -- "$PROGS/elf_alias" 5 >/dev/null 2>&1
expect_eq "alias: compute counted 5 times across both names" "$(calls compute alias)" 5
expect_eq "alias: the longer alias is not a second function" "$(calls a_longer_alias_of_compute alias)" 0

# --- probe placement: every kind of entry gives the same exact counts ---
for v in calls_cet calls_nop5 calls_o2; do
	out=$("$FERRET" trace --db "$DB" --run-id "$v" -- "$PROGS/$v" 50 2>&1)
	expect_eq "$v: leaf 100, fib 465" "$(calls leaf "$v"),$(calls fib "$v")" "100,465"
	case $v in
	calls_cet) expect_match "$v: probes moved past endbr64" "$out" "5 on push, .*; 5 moved past their first instructions" ;;
	calls_nop5) expect_match "$v: probes on 5-byte nops" "$out" "5 on 5-byte nops" ;;
	calls_o2) expect_match "$v: single-stepped probes reported" "$out" "[1-9] single-stepped" ;;
	esac
done

# --- C++: demangled names, overloads by signature, the unwinding warning ---
out=$("$FERRET" trace --db "$DB" --run-id cxx -f 'shop::*' -- "$PROGS/cxx_demo" 6 2>"$TMP/cxx.err")
expect_eq "C++: the program runs traced, exception caught inside a traced function" "$out" 36
expect_eq "C++: shop::Cart::add by its demangled name, 6 calls" "$(calls shop::Cart::add cxx)" 6
expect_eq "C++: overloads are told apart by signature" \
	"$(q "SELECT group_concat(f.name || '=' || f.symbol, ' ') FROM (SELECT name, symbol FROM functions WHERE run = (SELECT id FROM runs WHERE run_id='cxx') AND name LIKE 'shop::price%' ORDER BY name) f")" \
	"shop::price(double)=_ZN4shop5priceEd shop::price(int)=_ZN4shop5priceEi"
expect_eq "C++: each overload called once" "$(calls 'shop::price(double)' cxx),$(calls 'shop::price(int)' cxx)" "1,1"
expect_match "C++: warns that exceptions must not cross traced functions" "$(cat "$TMP/cxx.err")" \
	"cxx_demo throws C\+\+ exceptions .* leave such functions out with -x"
"$FERRET" trace --db "$DB" --run-id cold -- "$PROGS/elf_cold" >/dev/null 2>"$TMP/cold.err"
expect_eq "-O2 C: check.cold (split-off code) is not probed" \
	"$(q "SELECT group_concat(name) FROM (SELECT name FROM functions WHERE run = (SELECT id FROM runs WHERE run_id='cold') ORDER BY name)")" "check,main"
expect_eq "C without exceptions: no unwinding warning" "$(grep -c 'exceptions' "$TMP/cold.err")" 0

# --- a command started by a symlink's name (like redis-server -> redis-check-rdb): the
# module is shown by the name given, given as a path or found in PATH; probes go to the file ---
mkdir -p "$TMP/linkdir"
ln -sf "$PROGS/calls" "$TMP/linkdir/calls-link"
"$FERRET" trace --db "$DB" --run-id linkpath -- "$TMP/linkdir/calls-link" 3 >/dev/null 2>&1
expect_eq "symlink by path: traced through the link (fib 465 calls)" "$(calls fib linkpath)" 465
expect_eq "symlink by path: the module is the name given" \
	"$(q "SELECT DISTINCT module FROM span_view WHERE run_id='linkpath'")" "$TMP/linkdir/calls-link"
PATH="$TMP/linkdir:$PATH" "$FERRET" trace --db "$DB" --run-id linkname -- calls-link 3 >/dev/null 2>&1
expect_eq "symlink in PATH: the module is the path found" \
	"$(q "SELECT DISTINCT module FROM span_view WHERE run_id='linkname'")" "$TMP/linkdir/calls-link"
expect_match "symlink: analyze's module column shows the link's name" \
	"$("$FERRET" analyze --db "$DB" --run-id linkname --limit 1)" "^main +calls-link +1 "
"$FERRET" trace --db "$DB" --run-id linkf -f 'calls-link:fib' -- "$TMP/linkdir/calls-link" 3 >/dev/null 2>&1
expect_eq "symlink: -f names the main executable by the link's name too" "$(calls fib linkf)" 465
