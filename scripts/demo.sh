#!/usr/bin/env bash
# make demo: trace the bundled demo program and show where the data went.
set -euo pipefail
build=${1:-build}
ferret="$build/ferret"
db="$build/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
echo "== ferret trace --db $db -- $build/progs/calls 20"
"$ferret" trace --db "$db" --run-id demo -- "$build/progs/calls" 20
echo
echo "== ferret analyze $db"
"$ferret" analyze "$db" --limit 10 || true
echo
echo "== ferret analyze $db --tree --max-depth 4"
"$ferret" analyze "$db" --tree --max-depth 4 || true
echo
echo "== ferret export $db -o $build/demo.speedscope.json"
"$ferret" export "$db" -o "$build/demo.speedscope.json" || true
echo
echo "== ferret view $db -o $build/demo.html"
"$ferret" view "$db" -o "$build/demo.html" || true
cat <<MSG

The spans are in $db (SQLite). Look at them with:
  $ferret runs $db
  $ferret analyze $db --tree
  sqlite3 $db "SELECT function, count(*), sum(duration_ns) FROM span_view GROUP BY function"
Open $build/demo.html in any browser (one file: call tree, flame chart, table, search; no
network needed), or $build/demo.speedscope.json at https://www.speedscope.app.
MSG
