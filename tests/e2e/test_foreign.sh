#!/usr/bin/env bash
# Programs ferret's authors did not write: Debian's sqlite3 shell and its libsqlite3.
. "$(dirname "$0")/lib.sh"

rows_query() { echo "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<$1) SELECT x FROM c;"; }

for n in 10 1000; do
	"$FERRET" trace --db "$DB" --run-id "sqlite$n" -f 'libsqlite3:sqlite3_step' -- \
		/usr/bin/sqlite3 :memory: "$(rows_query "$n")" >"$TMP/out" 2>/dev/null
	expect_eq "sqlite3 shell, $n rows: $((n + 1)) sqlite3_step calls (one per row, one for DONE)" \
		"$(calls sqlite3_step "sqlite$n")" $((n + 1))
	expect_eq "sqlite3 shell, $n rows: its output is untouched" "$(wc -l <"$TMP/out")" "$n"
done
"$FERRET" trace --db "$DB" --run-id prep -f 'libsqlite3:sqlite3_prepare_v2' -- \
	/usr/bin/sqlite3 :memory: "SELECT 1; SELECT 2; SELECT 3;" >/dev/null 2>&1
expect_eq "sqlite3 shell: one sqlite3_prepare_v2 per statement" "$(calls sqlite3_prepare_v2 prep)" 3
