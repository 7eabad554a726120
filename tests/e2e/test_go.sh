#!/usr/bin/env bash
# Go code: ferret refuses to put return probes on it (they crash Go programs) before
# anything is attached or launched, and leaves a running Go process unharmed.
. "$(dirname "$0")/lib.sh"

# --- a Go program launched by ferret: refused, not started ---
out=$("$FERRET" trace --db "$DB" -- "$PROGS/go_calls" 0.2 2>"$TMP/go.err")
rc=$?
expect_eq "Go program: ferret exits 1" "$rc" 1
expect_match "Go program: one line naming the module and the reason" "$(cat "$TMP/go.err")" \
	"^ferret: $PROGS/go_calls is Go code: ferret does not trace Go functions \(return probes corrupt Go's moving goroutine stacks and crash the program\)$"
expect_eq "Go program: not started, nothing stored" "$out|$([ -e "$DB" ] && echo db)" "|"

# --- a running Go process: refused, and it runs on to its normal end ---
"$PROGS/go_calls" 1.5 >"$TMP/gopid.out" &
gpid=$!
sleep 0.3
"$FERRET" trace --db "$DB" -p "$gpid" -d 1 2>"$TMP/gopid.err"
expect_eq "Go process (-p): ferret exits 1" "$?" 1
expect_match "Go process (-p): the same refusal" "$(cat "$TMP/gopid.err")" "go_calls is Go code: "
wait "$gpid"
expect_eq "Go process (-p): it exits 0, unharmed" "$?" 0
expect_match "Go process (-p): its output is whole" "$(cat "$TMP/gopid.out")" "^go_calls: ok [0-9]+$"

# --- a C program with a Go library: the library refused, the C functions traced ---
out=$("$FERRET" trace --db "$DB" -f 'libgocalls:GoSum' -- "$PROGS/go_uselib" 2>"$TMP/golib.err")
expect_eq "Go library: ferret exits 1 and does not start the program" "$?|$out" "1|"
expect_match "Go library: the refusal names the library" "$(cat "$TMP/golib.err")" \
	"^ferret: [^ ]*/libgocalls\.so is Go code: "
out=$("$FERRET" trace --db "$DB" --run-id cside -f c_side -- "$PROGS/go_uselib" 2>/dev/null)
expect_eq "Go library: the C program runs traced, calling into Go" "$out" "go_uselib: 46"
expect_eq "Go library: its C function c_side traced once" "$(calls c_side cside)" 1
