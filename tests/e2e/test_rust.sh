#!/usr/bin/env bash
# Rust: tests/progs/rust_v0.rs built with v0 and with legacy symbol mangling, traced by
# its demangled names; exact call counts, and generic instances counted apart under
# names of their own. The program never panics (an unwind through a return probe ends it).
. "$(dirname "$0")/lib.sh"

if [ ! -x "$PROGS/rust_v0" ] || [ ! -x "$PROGS/rust_legacy" ]; then
	echo "(Rust tests not run: no rustc when the test programs were built)"
	exit 0
fi

# counts_of RUN: "name=calls" of every function in the run, sorted, one line each
counts_of() {
	"$FERRET" analyze "$DB" --run-id "$1" --json | python3 -c '
import json, sys
for f in sorted(json.load(sys.stdin)["functions"], key=lambda f: f["function"]):
    print("%s=%d" % (f["function"], f["calls"]))'
}

# --- v0: the whole name carries the generic arguments ---
out=$("$FERRET" trace --db "$DB" --run-id v0 -f 'rust_v0::*' -f '<rust_v0::*' -- "$PROGS/rust_v0" 5 2>"$TMP/v0.err")
expect_eq "v0: the program runs to its end, traced" "$?|$out" "0|first point (0, 2)
rust_v0: 135"
expect_eq "v0: every function by its demangled name, with exact counts" "$(counts_of v0)" \
"<rust_v0::Point as core::fmt::Display>::fmt=1
<rust_v0::Point as rust_v0::Area>::area=5
rust_v0::Point::new=5
rust_v0::apply::<fn(i64) -> i64>=5
rust_v0::apply::<rust_v0::main::{closure#1}>=5
rust_v0::largest::<f64>=10
rust_v0::largest::<i32>=5
rust_v0::main=1
rust_v0::main::{closure#1}=5
rust_v0::square=10"
expect_match "v0: the stored symbol is the mangled one" \
	"$(q "SELECT symbol FROM functions WHERE name = 'rust_v0::largest::<i32>'")" '^_RINvCs[0-9a-zA-Z]+_7rust_v07largestlE'

expect_match "v0: the warning that Rust panics must not unwind through a traced function" \
	"$(cat "$TMP/v0.err")" "rust_v0 throws C\+\+ exceptions or Rust panics"

# One instance picked by its whole name: alone, it is shown by its short name.
"$FERRET" trace --db "$DB" --run-id one -f 'rust_v0::largest::<f64>' -- "$PROGS/rust_v0" 3 >/dev/null 2>&1
expect_eq "v0: -f with the generic arguments picks that instance only" "$(counts_of one)" "rust_v0::largest=6"

# --- legacy: no generic arguments in the symbol, the instances told apart by their hash ---
if ! grep -aq '_ZN7rust_v05apply17h' "$PROGS/rust_legacy"; then
	echo "(legacy Rust tests not run: this rustc's default mangling is not legacy)"
	exit 0
fi
out=$("$FERRET" trace --db "$DB" --run-id legacy -f 'rust_v0::*' -f '<rust_v0::*' -- "$PROGS/rust_legacy" 5 2>/dev/null)
expect_eq "legacy: the program runs to its end, traced" "$?|$out" "0|first point (0, 2)
rust_v0: 135"
counts=$(counts_of legacy)
expect_eq "legacy: the functions without generics by their name, with exact counts" \
	"$(grep -v '::h[0-9a-f]\{16\}=' <<<"$counts")" \
"<rust_v0::Point as core::fmt::Display>::fmt=1
<rust_v0::Point as rust_v0::Area>::area=5
rust_v0::Point::new=5
rust_v0::main=1
rust_v0::main::{{closure}}=5
rust_v0::square=10"
expect_eq "legacy: largest's two instances under two names, 5 and 10 calls" \
	"$(grep '^rust_v0::largest::h[0-9a-f]\{16\}=' <<<"$counts" | sed 's/.*=//' | sort -n | tr '\n' ' ')" "5 10 "
expect_eq "legacy: apply's two instances under two names, 5 calls each" \
	"$(grep -c '^rust_v0::apply::h[0-9a-f]\{16\}=5$' <<<"$counts")" 2
