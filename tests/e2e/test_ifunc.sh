#!/usr/bin/env bash
# GNU IFUNCs (libc's strlen, memcpy, strchr): traced at the implementation this CPU runs,
# with exact counts; an IFUNC that cannot be resolved fails in one line that says why.
. "$(dirname "$0")/lib.sh"

pats=(-f 'libc:strlen' -f 'libc:memcpy' -f 'libc:strchr')
"$FERRET" trace --db "$DB" --run-id none "${pats[@]}" -- "$PROGS/ifunc_calls" 0 >/dev/null 2>&1
"$FERRET" trace --db "$DB" --run-id many "${pats[@]}" -- "$PROGS/ifunc_calls" 1000 >/dev/null 2>&1
expect_eq "ifunc: the program ran to the end" "$(q "SELECT exit_code FROM run_view WHERE run_id='many'")" 0
for f in strlen memcpy; do
	expect_eq "ifunc: $f called exactly 1000 more times with N=1000" \
		"$(( $(calls $f many) - $(calls $f none) ))" 1000
done
expect_eq "ifunc: strlen's spans are in libc" \
	"$(q "SELECT DISTINCT module LIKE '%/libc.so.6' FROM span_view WHERE run_id='many' AND function='strlen'")" 1

# strchr's implementation on an AVX-512 CPU (__strchr_evex, shown as its alias index)
# starts with an EVEX instruction that a probe executes wrongly: left out, said so, and
# the program still computes right
if grep -qw avx512bw /proc/cpuinfo; then
	expect_match "ifunc: an EVEX-first implementation is not probed" \
		"$("$FERRET" trace --db "$DB" --run-id evex -f 'libc:strchr' -f 'libc:strlen' -- "$PROGS/ifunc_calls" 10 2>&1)" \
		"not tracing 1 function .*index \(AVX-512 instruction"
	expect_eq "ifunc: ... and the program computed right" "$(q "SELECT exit_code FROM run_view WHERE run_id='evex'")" 0
fi

# time() runs in the vDSO: no file to probe, said in one line, nothing traced
out=$("$FERRET" trace --db "$DB" --run-id vdso -f 'libc:time' -- "$PROGS/ifunc_calls" 1 2>&1)
rc=$?
expect_eq "ifunc: an IFUNC without an implementation in its file is refused" "$rc" 1
expect_eq "ifunc: refused in one line" "$(printf '%s\n' "$out" | wc -l)" 1
expect_match "ifunc: ... saying why" "$out" \
	"^ferret: time in .*libc\.so\.6 is a GNU IFUNC that cannot be traced: .*vDSO"
