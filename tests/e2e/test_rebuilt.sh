#!/usr/bin/env bash
# Names from the modules on disk: a run records each module's build-id; analyze and export
# show the better name a file with the same build-id now gives (here a function recorded
# as sub_1139), and keep the recorded names, said once, for a file with another build-id.
. "$(dirname "$0")/lib.sh"

cp "$PROGS/rebuilt_unnamed" "$TMP/app"
"$FERRET" trace --db "$DB" --run-id rb -f 'sub_*' -- "$TMP/app" 5 >/dev/null 2>&1
expect_eq "rebuilt: the module's build-id is recorded" \
	"$(q "SELECT build_id FROM modules m JOIN runs r ON r.id = m.run WHERE r.run_id='rb'")" \
	1234567890abcdef1234567890abcdef12345678
expect_eq "rebuilt: recorded as sub_1139, 5 calls" "$(calls sub_1139 rb)" 5
out=$("$FERRET" analyze "$DB" --json 2>&1)
expect_match "rebuilt: the same file: the recorded name" "$out" '"function": "sub_1139"'

cp "$PROGS/rebuilt_named" "$TMP/app" # the same build-id, now with its name
out=$("$FERRET" analyze "$DB" --json 2>"$TMP/err")
expect_match "rebuilt: same build-id: analyze shows the name the file gives now" "$out" '"function": "work", .*"calls": 5'
expect_eq "rebuilt: ... without a word on stderr" "$(cat "$TMP/err")" ""
expect_match "rebuilt: export shows it too" "$("$FERRET" export "$DB" --format folded 2>/dev/null)" '^app;work [0-9]+$' 
expect_match "rebuilt: the tree too" "$("$FERRET" analyze "$DB" --tree 2>/dev/null)" "work"
expect_match "rebuilt: -f matches the name shown" "$("$FERRET" analyze "$DB" -f work --json 2>/dev/null)" '"function": "work"'
expect_eq "rebuilt: the database is unchanged" "$(calls sub_1139 rb)" 5

cp "$PROGS/rebuilt_other" "$TMP/app" # replaced: another build-id
out=$("$FERRET" analyze "$DB" --json 2>"$TMP/err")
expect_match "rebuilt: another build-id: the names as recorded" "$out" '"function": "sub_1139"'
expect_eq "rebuilt: ... said in one line" "$(wc -l < "$TMP/err")" 1
expect_match "rebuilt: ... naming the module and both build-ids" "$(cat "$TMP/err")" \
	"^ferret: warning: module $TMP/app changed on disk since the run \(build-id 1234567890abcdef1234567890abcdef12345678, now fedcba0987654321fedcba0987654321fedcba09\): names as recorded$"
expect_match "rebuilt: export keeps them too" "$("$FERRET" export "$DB" --format folded 2>/dev/null)" '^app;sub_1139 [0-9]+$' 

rm "$TMP/app" # gone: the names as recorded, nothing to say
expect_match "rebuilt: a module gone from disk: as recorded, nothing said" "$("$FERRET" export "$DB" --format folded 2>&1)" '^app;sub_1139 [0-9]+$' 
