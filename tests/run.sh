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

run_one() {
	local name=$1; shift
	case "$name" in *"${TEST_FILTER:-}"*) ;; *) return ;; esac
	echo "== $name"
	local start=$SECONDS rc
	timeout 300 "$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	# A test program that crashes or hangs counts as a failure even if it printed PASS lines.
	if [ "$rc" -ne 0 ] && ! grep -q "^FAIL: " <(tail -n 200 "$log"); then
		echo "FAIL: $name exited with status $rc" | tee -a "$log"
	fi
	echo "   ($((SECONDS - start)) s)"
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
