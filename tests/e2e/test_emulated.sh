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
