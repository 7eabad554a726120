#!/usr/bin/env bash
# Runs every unit test binary and every end-to-end script, counts their
# "PASS: ..." / "FAIL: ..." lines and ends with "N passed, N failed".
# FERRET_BUILD: the build directory (default build). TEST_FILTER: a substring of test file names.
# FERRET_UNIT_ONLY=1: unit tests only (`make check`, any user).
set -u
cd "$(dirname "$0")/.."
export FERRET_BUILD=${FERRET_BUILD:-build}
export FERRET="$PWD/$FERRET_BUILD/ferret"
export PROGS="$PWD/$FERRET_BUILD/progs"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run_one NAME [--known] COMMAND...: runs one test program, its lines appended to the log.
# --known (a fault case listed in tests/faults/KNOWN_FAILURES): its FAIL lines become XFAIL
# lines (printed, not counted), and a listed case that fails nothing is a FAIL, so the list stays honest.
run_one() {
	local name=$1; shift
	case "$name" in *"${TEST_FILTER:-}"*) ;; *) return ;; esac
	local known=
	[ "$1" = --known ] && { known=1; shift; }
	echo "== $name"
	local start=$SECONDS rc lines
	lines=$(wc -l <"$log")
	if [ -n "$known" ]; then
		timeout 300 "$@" 2>&1 | sed -u 's/^FAIL: /XFAIL: /' | tee -a "$log"
	else
		timeout 300 "$@" 2>&1 | tee -a "$log"
	fi
	rc=${PIPESTATUS[0]}
	# A test program that crashes or hangs counts as a failure even if it printed PASS lines.
	if [ "$rc" -ne 0 ] && ! tail -n +"$((lines + 1))" "$log" | grep -Eq "^X?FAIL: "; then
		echo "FAIL: $name exited with status $rc" | tee -a "$log"
	fi
	if [ -n "$known" ] && ! tail -n +"$((lines + 1))" "$log" | grep -q "^XFAIL: "; then
		local case_name=${name%.sh}
		echo "FAIL: ${case_name#case_} is listed in KNOWN_FAILURES but passes" | tee -a "$log"
	fi
	echo "   ($((SECONDS - start)) s)"
}

# run_fault FILE: a fault case; listed in tests/faults/KNOWN_FAILURES by NAME (case_NAME.sh).
run_fault() {
	local name
	name=$(basename "$1" .sh); name=${name#case_}
	if grep -Eq "^$name([[:space:]#]|\$)" tests/faults/KNOWN_FAILURES 2>/dev/null; then
		run_one "case_$name.sh" --known bash "$1"
	else
		run_one "case_$name.sh" bash "$1"
	fi
}

run_one check_layers.sh bash scripts/check_layers.sh
for t in "$FERRET_BUILD"/tests/test_*; do
	[ -x "$t" ] && [ "${t%.d}" = "$t" ] && run_one "$(basename "$t")" "$t"
done
if [ -n "${FERRET_UNIT_ONLY:-}" ]; then
	echo "(end-to-end tests not run: make test runs them, as root)"
elif [ "$(id -u)" -eq 0 ]; then
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] && run_one "$(basename "$t")" bash "$t"
	done
	for t in tests/faults/case_*.sh; do
		[ -f "$t" ] && run_fault "$t"
	done
else
	echo "(end-to-end tests skipped: they need root)"
fi

passed=$(grep -c '^PASS: ' "$log")
failed=$(grep -c '^FAIL: ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep '^FAIL: ' "$log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
