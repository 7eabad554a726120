#!/usr/bin/env bash
# --db that is a symlink is refused (the link's target untouched), and so is a db owned by
# another user when ferret runs as root: each with a one-line reason and a non-zero exit.
. "$(dirname "$0")/lib.sh"

# refused NAME REGEX DB: ferret trace into DB fails with one line matching REGEX
refused() {
	local out rc
	out=$(timeout 20 "$FERRET" trace --db "$3" --run-id refused -- "$PROGS/calls" 1 2>&1 </dev/null); rc=$?
	expect_eq "$1: non-zero exit" "$((rc != 0 && rc != 124))" 1
	expect_eq "$1: one line" "$(printf '%s\n' "$out" | grep -c .)" 1
	expect_match "$1: says why" "$out" "$2"
}

# A symlink to a file that is not a db, and one to a ferret db.
printf 'precious\n' >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/link.db"
refused "symlink to another file" "^ferret: .*(symlink|symbolic link)" "$TMP/link.db"
expect_eq "the symlink's target is untouched" "$(cat "$TMP/victim")" precious
ln -s "$TMP/nothere" "$TMP/dangling.db"
refused "dangling symlink" "^ferret: .*(symlink|symbolic link)" "$TMP/dangling.db"
expect_eq "no file made through the dangling symlink" "$(ls "$TMP" | grep -c nothere)" 0
"$FERRET" trace --db "$TMP/real.db" --run-id first -- "$PROGS/calls" 1 >/dev/null 2>&1
sum=$(md5sum <"$TMP/real.db")
ln -s "$TMP/real.db" "$TMP/dblink.db"
refused "symlink to a ferret db" "^ferret: .*(symlink|symbolic link)" "$TMP/dblink.db"
expect_eq "the linked db is untouched" "$(md5sum <"$TMP/real.db")" "$sum"
expect_eq "no wal or journal next to the link or its target" "$(ls "$TMP" | grep -Ec -- '-(wal|shm|journal)$')" 0

# A db owned by nobody, used by root.
"$FERRET" trace --db "$TMP/theirs.db" --run-id theirs -- "$PROGS/calls" 1 >/dev/null 2>&1
chown nobody "$TMP/theirs.db"
sum=$(md5sum <"$TMP/theirs.db")
refused "a db owned by another user" "^ferret: .*(owned by|owner|belongs to uid)" "$TMP/theirs.db"
expect_eq "their db is untouched" "$(md5sum <"$TMP/theirs.db")" "$sum"
expect_eq "their db is still theirs" "$(stat -c %U "$TMP/theirs.db")" nobody
expect_no_links
exit 0
