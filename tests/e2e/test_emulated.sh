#!/usr/bin/env bash
# Functions starting with an instruction the kernel emulates (a 1-byte nop, a relative jmp
# or call): counted as such, not as single-stepped, and traced with exact counts.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id emulated -- "$PROGS/emulated" 4 >/dev/null 2>"$TMP/err"
expect_eq "emulated: the run succeeds" "$?" 0
expect_match "emulated: three probes on emulated instructions, none single-stepped" \
	"$(cat "$TMP/err")" "3 on jumps or 1-byte nops, 0 single-stepped"
expect_eq "emulated: nop_first, jmp_first, call_first 4 each" \
	"$(calls nop_first emulated),$(calls jmp_first emulated),$(calls call_first emulated)" "4,4,4"
expect_eq "emulated: counted 12 times, main once" \
	"$(calls counted emulated),$(calls main emulated)" "12,1"
expect_eq "emulated: counted runs under each of them" \
	"$(q "SELECT group_concat(n) FROM (SELECT p.function || '=' || count(*) AS n FROM span_view c
	      JOIN span_view p ON p.span_id = c.parent_id WHERE c.run_id='emulated'
	      AND c.function='counted' GROUP BY p.function ORDER BY p.function)")" \
	"call_first=4,jmp_first=4,nop_first=4"

# Code that jumps past a function's first instruction (glibc's mempcpy into memcpy+3): the
# function's probe stays at its entry, or those jumps would count as its calls.
"$FERRET" trace -v --db "$DB" --run-id side -f plus_one -f near_entry -f far_entry -f moved \
	-- "$PROGS/side_entry" 7 >/dev/null 2>"$TMP/err"
expect_eq "side entry: the run succeeds" "$?" 0
expect_eq "side entry: each function called 7 times, no more" \
	"$(calls plus_one side),$(calls near_entry side),$(calls far_entry side),$(calls moved side)" \
	"7,7,7,7"
expect_eq "side entry: every call a root (no plus_one inside the functions jumping into it)" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='side' AND parent_id IS NOT NULL")" 0
expect_match "side entry: plus_one's probe kept at its entry, moved's moved past its mov" \
	"$(cat "$TMP/err")" "1 on push, 2 on jumps or 1-byte nops, 1 single-stepped; 3 moved past"
expect_match "side entry: -v says why" "$(cat "$TMP/err")" \
	"plus_one: probe kept at its entry: other code jumps past its first instruction"
expect_eq "side entry: ferret list shows the probes trace places" \
	"$("$FERRET" list "$PROGS/side_entry" plus_one moved 2>/dev/null | awk '$5 == "plus_one" || $5 == "moved" { print $5 "=" $3 }' | sort | tr '\n' ' ')" \
	"moved=push plus_one=stepped "
