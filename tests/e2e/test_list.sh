#!/usr/bin/env bash
# ferret list: the functions trace can probe, with each name's source and the probe its first
# instruction gets; picked like trace's -f; nothing attached, no root needed.
. "$(dirname "$0")/lib.sh"

# as_user CMD...: as nobody when we are root (list must not need root), else as ourselves
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi; }
# line_of OUTPUT NAME: the table line of function NAME
line_of() { printf '%s\n' "$1" | awk -v n="$2" '$5 == n'; }
# bytes FILE OFFSET COUNT: the file's bytes there, as hex
bytes() { od -An -tx1 -j "$(($2))" -N "$3" "$1" | tr -d ' \n'; }
# jget JSON EXPR: a Python expression over the document d
jget() { python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$2" <<<"$1"; }

# --- entries of known first instructions: the kind each gets, where its name came from ---
out=$(as_user "$FERRET" list "$PROGS/emulated" 2>"$TMP/err"); rc=$?
expect_eq "emulated: exit 0, nothing on stderr, without root" "$rc|$(cat "$TMP/err")" "0|"
expect_eq "emulated: the header" "$(printf '%s\n' "$out" | head -1)" \
	"MODULE    OFFSET  PROBE     SOURCE  NAME"
for f in nop_first jmp_first call_first; do
	expect_match "emulated: $f is emulated, from .symtab" "$(line_of "$out" $f)" \
		"^emulated +0x[0-9a-f]+  emulated  symtab  $f$"
done
expect_match "emulated: counted starts with push" "$(line_of "$out" counted)" "^emulated +0x[0-9a-f]+  push      symtab  counted$"
expect_eq "emulated: the summary line" "$(printf '%s\n' "$out" | grep '^emulated: ')" \
	"emulated: 5 functions (5 symtab); probes: 0 nop5, 2 push, 3 emulated, 0 stepped, 0 refused"
expect_eq "emulated: the C runtime's stubs left out, as -f '*' does" \
	"$(printf '%s\n' "$out" | grep -cE ' (_start|_init|_fini|frame_dummy)$')" 0
expect_eq "emulated: the columns are aligned (NAME starts at one column)" \
	"$(printf '%s\n' "$out" | sed -n '1,6p' | awk '{ print index($0, $5) }' | sort -u | wc -l)" 1
expect_match "emulated: the libraries it loads are named, not listed" "$out" \
	"^not listed \(--all-modules or MODULE:GLOB lists them\): libc\.so\.6, ld-linux"

out=$("$FERRET" list "$PROGS/calls_nop5")
expect_eq "calls_nop5: every function on a 5-byte nop" "$(printf '%s\n' "$out" | grep '^calls_nop5: ')" \
	"calls_nop5: 5 functions (5 symtab); probes: 5 nop5, 0 push, 0 emulated, 0 stepped, 0 refused"
off=$(line_of "$out" fib | awk '{ print $2 }')
expect_eq "calls_nop5: fib's offset is where its nop5 is in the file" "$(bytes "$PROGS/calls_nop5" "$off" 5)" 0f1f440000

out=$("$FERRET" list "$PROGS/calls_cet")
expect_eq "calls_cet: push after endbr64, and said so" "$(printf '%s\n' "$out" | grep '^calls_cet: ')" \
	"calls_cet: 5 functions (5 symtab); probes: 0 nop5, 5 push, 0 emulated, 0 stepped, 0 refused (5 moved past their first instructions)"
off=$(line_of "$out" leaf | awk '{ print $2 }')
expect_eq "calls_cet: the offset is the function's first byte (the endbr64)" "$(bytes "$PROGS/calls_cet" "$off" 4)" f30f1efa

out=$("$FERRET" list "$PROGS/refused")
expect_match "refused: locked_inc refused, with the reason" "$(printf '%s\n' "$out" | grep locked_inc)" \
	"^refused +0x[0-9a-f]+  refused   symtab  locked_inc  \(lock prefix\)$"
expect_eq "refused: the summary counts it" "$(printf '%s\n' "$out" | grep '^refused: ')" \
	"refused: 4 functions (4 symtab); probes: 0 nop5, 2 push, 0 emulated, 1 stepped, 1 refused (1 moved past their first instructions)"
expect_eq "refused: locked_count's probe moves past its lock-prefixed instruction, onto the ret" \
	"$(jget "$("$FERRET" list --json "$PROGS/refused")" '[(f["probe"], f["probe_skip"]) for f in d["modules"][0]["functions"] if f["name"] == "locked_count"]')" \
	"[('stepped', 8)]"

# --- patterns are trace's -f ---
out=$("$FERRET" list "$PROGS/calls" 'f*')
expect_eq "GLOB: in the executable, without the startup stubs" "$(printf '%s\n' "$out" | awk 'NR > 1 && NF == 5 { print $5 }')" fib
expect_eq "an exact name reaches a stub" "$("$FERRET" list "$PROGS/calls" frame_dummy | awk 'NR == 2 { print $5 }')" frame_dummy
out=$("$FERRET" list "$PROGS/calls" 'libc:malloc' 'libc:free' leaf)
expect_eq "MODULE:GLOB and GLOB together: each once, by module, then address" \
	"$(printf '%s\n' "$out" | awk 'NR > 1 && NF == 5 { print $1 "/" $4 "/" $5 }' | tr '\n' ' ')" \
	"calls/symtab/leaf libc.so.6/dynsym/malloc libc.so.6/dynsym/free "
expect_match "MODULE:GLOB: a summary line per module" "$out" $'calls: 1 function \\(1 symtab\\).*\nlibc\\.so\\.6: 2 functions \\(2 dynsym\\).*\ntotal: 3 functions in 2 modules'
out=$("$FERRET" list --all-modules "$PROGS/calls" 'mallo?')
expect_eq "--all-modules: a bare GLOB in every module" "$(printf '%s\n' "$out" | awk 'NR > 1 && NF == 5 { print $1 ":" $5 }')" "libc.so.6:malloc"
out=$("$FERRET" list -l "$PROGS/cxx_demo" 'shop::price')
expect_eq "-l: C++ functions by their signature" "$(printf '%s\n' "$out" | awk '$1 == "cxx_demo" { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' | tr '\n' ',')" \
	"shop::price(int),shop::price(double),"
out=$(PATH="$PROGS:$PATH" "$FERRET" list calls leaf)
expect_match "BINARY: a command found in PATH" "$(line_of "$out" leaf)" "^calls "
cp "$PROGS/libferretdemo.so" "$TMP/libdemo.so" && chmod 644 "$TMP/libdemo.so"
out=$("$FERRET" list "$TMP/libdemo.so" 2>&1)
expect_match "BINARY: a library (no execute bit needed)" "$out" "^libdemo\.so: [1-9][0-9]* functions? \("

# --- JSON: one document, the same functions and counts ---
table=$("$FERRET" list --all-modules "$PROGS/refused")
json=$("$FERRET" list --all-modules --json "$PROGS/refused")
expect_eq "--json: it parses" "$(jget "$json" 'type(d["modules"]).__name__')" list
expect_eq "--json: as many functions as the table" "$(jget "$json" 'sum(len(m["functions"]) for m in d["modules"])')" \
	"$(printf '%s\n' "$table" | grep -cE '^[^ ]+ +0x[0-9a-f]+  ')"
expect_eq "--json: count and probe counts per module agree with the functions" \
	"$(jget "$json" 'all(m["count"] == len(m["functions"]) == sum(v for k, v in m["probes"].items() if k != "moved") for m in d["modules"])')" True
expect_eq "--json: libc's count is the table's summary" "$(jget "$json" '[m["count"] for m in d["modules"] if m["name"] == "libc.so.6"][0]')" \
	"$(printf '%s\n' "$table" | sed -n 's/^libc\.so\.6: \([0-9]*\) functions.*/\1/p')"
expect_eq "--json: locked_inc refused, with the reason, no return probe" \
	"$(jget "$json" '[(f["probe"], f["refused_because"], f["return_probe"], f["source"]) for f in d["modules"][0]["functions"] if f["name"] == "locked_inc"]')" \
	"[('refused', 'lock prefix', False, 'symtab')]"
off=$(jget "$json" '[f["offset"] for f in d["modules"][0]["functions"] if f["name"] == "work"][0]')
expect_eq "--json: the offset is the table's" "$(printf '0x%x' "$off")" "$(line_of "$table" work | awk '{ print $2 }')"

# --- Go code: listed, with the note that it gets no return probes ---
out=$("$FERRET" list "$PROGS/go_calls" 'main.main')
expect_match "Go: the function, noted" "$(line_of "$out" main.main)" "  main\.main  \(Go: no return probe\)$"
expect_match "Go: the summary says so" "$out" "^go_calls: 1 function \(1 symtab\); probes: .*; Go code: no return probes$"

# --- -p: the modules of a running process, its libc too ---
# Started directly (not through a function, whose subshell $! would be): $! is the sleeper.
if [ "$(id -u)" = 0 ]; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$PROGS/sleeper" 3 &
else
	"$PROGS/sleeper" 3 &
fi
spid=$!
sleep 0.3
out=$(as_user "$FERRET" list -p "$spid" 2>&1)
expect_match "-p: the executable's functions" "$(line_of "$out" stuck)" "^sleeper "
expect_match "-p: its libc named" "$out" "^not listed .*libc\.so\.6"
out=$("$FERRET" list -p "$spid" --all-modules)
expect_match "-p --all-modules: libc's functions" "$(line_of "$out" malloc)" "^libc\.so\.6 +0x[0-9a-f]+  [a-z]+ +dynsym +malloc$"
expect_match "-p --all-modules: libc's summary" "$out" "^libc\.so\.6: [0-9]{3,} functions \([0-9]+ dynsym"
out=$("$FERRET" list -p "$spid" 'libc:malloc')
expect_eq "-p MODULE:GLOB" "$(printf '%s\n' "$out" | awk 'NR == 2 { print $1 " " $5 }')" "libc.so.6 malloc"
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
if [ "$(id -u)" = 0 ]; then
	"$PROGS/sleeper" 3 &
	spid=$!
	sleep 0.2
	err=$(as_user "$FERRET" list -p "$spid" 2>&1 >/dev/null); rc=$?
	expect_eq "-p on another user's process, not root: exit 1, one line" "$rc|$(printf '%s\n' "$err" | wc -l)" "1|1"
	expect_match "-p on another user's process, not root: says why" "$err" "^ferret: cannot read /proc/$spid/exe: Permission denied$"
	kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
fi

# --- errors: one line, exit 1 (or 2 for usage), nothing on stdout ---
# error NAME CODE REGEX ARGS...
error() {
	local name=$1 code=$2 re=$3 out err
	shift 3
	out=$("$FERRET" "$@" 2>"$TMP/err" </dev/null)
	expect_eq "$name: exit $code" "$?" "$code"
	err=$(cat "$TMP/err")
	expect_eq "$name: one line, nothing on stdout" "$(printf '%s\n' "$err" | wc -l)|$out" "1|"
	expect_match "$name: says why" "$err" "$re"
}
printf 'not elf\n' >"$TMP/text"
error "no such file" 1 "^ferret: $TMP/nope: No such file or directory$" list "$TMP/nope"
error "not ELF" 1 "^ferret: $TMP/text: not an ELF file$" list "$TMP/text"
error "command not in PATH" 1 "^ferret: no-such-command-xyz: command not found$" list no-such-command-xyz
error "no such pid" 1 "^ferret: no process with pid 4000000$" list -p 4000000
error "pattern matching nothing" 1 "^ferret: no function matches 'nosuch' in $PROGS/calls" list "$PROGS/calls" nosuch
error "library pattern matching nothing" 1 "no function matches 'mallocc' in .*libc\.so\.6 \(close: malloc" list "$PROGS/calls" libc:mallocc
error "no such module" 1 "^ferret: no module 'libnope' in calls's libraries \(modules: calls, libc\.so\.6" list "$PROGS/calls" libnope:x
error "bad pattern" 1 "^ferret: bad pattern 'libc:'" list "$PROGS/calls" libc:
error "no arguments" 2 "^ferret: list needs a BINARY or -p PID" list
error "unknown option" 2 "unknown option '--bogus' \(see 'ferret list --help'\)" list --bogus "$PROGS/calls"
error "bad pid" 2 "^ferret: -p needs a process id, not 'x'" list -p x
out=$("$FERRET" list --help); rc=$?
expect_eq "list --help: exit 0" "$rc" 0
expect_match "list --help: the usage" "$out" "^usage: ferret list \[options\] BINARY \[PATTERN\.\.\.\]"
expect_eq "help list: the same text" "$("$FERRET" help list)" "$out"
expect_match "ferret --help names list" "$("$FERRET" --help)" "  list     "
