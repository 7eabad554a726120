#!/usr/bin/env bash
# Go code ferret cannot key by goroutine (a -buildmode=c-shared library, whose TLS ld.so
# places) is refused before anything is attached or launched; the C functions of the
# program that loads it are traced. (Go executables: test_go_trace.sh.)
. "$(dirname "$0")/lib.sh"

out=$("$FERRET" trace --db "$DB" -f 'libgocalls:GoSum' -- "$PROGS/go_uselib" 2>"$TMP/golib.err")
expect_eq "Go library: ferret exits 1 and does not start the program" "$?|$out" "1|"
expect_match "Go library: the refusal names the library and why" "$(cat "$TMP/golib.err")" \
	"^ferret: [^ ]*/libgocalls\.so is Go code: ferret traces Go functions in x86-64 executables only"
out=$("$FERRET" trace --db "$DB" --run-id cside -f c_side -- "$PROGS/go_uselib" 2>/dev/null)
expect_eq "Go library: the C program runs traced, calling into Go" "$out" "go_uselib: 46"
expect_eq "Go library: its C function c_side traced once" "$(calls c_side cside)" 1
