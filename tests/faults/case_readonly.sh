#!/usr/bin/env bash
# The db's filesystem is read-only: a new db and an existing one are refused with a
# one-line error and a non-zero exit, and nothing is traced.
. "$(dirname "$0")/lib.sh"

MNT="$TMP/ro"
mkdir -p "$MNT"
mount -t tmpfs -o size=4m tmpfs "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
"$FERRET" trace --db "$MNT/old.db" --run-id before -- "$PROGS/calls" 1 >/dev/null 2>&1
expect_eq "a db made while writable" "$(sqlite3 "$MNT/old.db" "SELECT count(*) FROM runs")" 1
mount -o remount,ro "$MNT"

# ro_case NAME DB: ferret trace into DB fails with one line, non-zero
ro_case() {
	local out rc
	out=$(timeout 20 "$FERRET" trace --db "$2" --run-id ro -- "$PROGS/calls" 1 2>&1 </dev/null); rc=$?
	expect_eq "$1: non-zero exit" "$((rc != 0 && rc != 124))" 1
	expect_eq "$1: one line" "$(printf '%s\n' "$out" | grep -c .)" 1
	expect_match "$1: says why" "$out" "^ferret: .*(read-only|Read-only|readonly)"
}
ro_case "new db on a read-only fs" "$MNT/new.db"
ro_case "existing db on a read-only fs" "$MNT/old.db"
expect_eq "the existing db still holds one run" "$(sqlite3 "$MNT/old.db" "SELECT count(*) FROM runs" 2>&1)" 1
expect_intact "$MNT/old.db"
"$FERRET" analyze "$MNT/old.db" >/dev/null 2>&1
expect_eq "analyze still reads a db on a read-only fs" "$?" 0
expect_no_links
exit 0
