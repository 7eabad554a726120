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

# strchr's implementation begins, on an AVX-512 CPU (__strchr_evex), with an EVEX instruction
# that a probe executes wrongly, and on an AVX2 one (__strchr_avx2) with vmovd, which the
# kernel refuses (one such probe fails the module's whole attach): left out, said so, the
# rest traced, and the program still computes right.
if "$FERRET" list "$PROGS/ifunc_calls" 'libc:strchr' | grep -q ' refused '; then
	out=$("$FERRET" trace --db "$DB" --run-id refused -f 'libc:strchr' -f 'libc:strlen' -- "$PROGS/ifunc_calls" 10 2>&1)
	expect_match "ifunc: an implementation whose first instruction probes refuse is not probed" "$out" \
		"not tracing 1 function the kernel refuses to probe: index \((AVX-512 instruction|an AVX instruction)"
	expect_eq "ifunc: ... the program computed right" "$(q "SELECT exit_code FROM run_view WHERE run_id='refused'")" 0
	expect_eq "ifunc: ... and the others are traced" "$(calls strlen refused)" "$(( $(calls strlen none) + 10 ))"
fi

# time() runs in the vDSO: no file to probe, said in one line, nothing traced
out=$("$FERRET" trace --db "$DB" --run-id vdso -f 'libc:time' -- "$PROGS/ifunc_calls" 1 2>&1)
rc=$?
expect_eq "ifunc: an IFUNC without an implementation in its file is refused" "$rc" 1
expect_eq "ifunc: refused in one line" "$(printf '%s\n' "$out" | wc -l)" 1
expect_match "ifunc: ... saying why" "$out" \
	"^ferret: time in .*libc\.so\.6 is a GNU IFUNC that cannot be traced: .*vDSO"
