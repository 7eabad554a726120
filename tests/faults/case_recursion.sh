#!/usr/bin/env bash
# Deep recursion: rec(100) and rec(10000) make 101 and 10001 nested calls, all returning.
# The kernel keeps at most 64 pending return probes per thread, so the calls at depth 64 and
# deeper have no return probe: they must be stored with their own status (no_return_probe),
# never paired with another call's return; the 64 shallower ones are ok.
. "$(dirname "$0")/lib.sh"

for n in 100 10000; do
	"$FERRET" trace --db "$DB" --run-id "rec$n" -f rec -- "$FAULTS/rec" "$n" >"$TMP/log" 2>&1
	expect_eq "rec($n): ferret exits 0" "$?" 0
	expect_eq "rec($n): $((n + 1)) spans" "$(calls rec "rec$n")" "$((n + 1))"
	expect_eq "rec($n): depths 0..$n" \
		"$(q "SELECT min(depth) || '..' || max(depth) FROM span_view WHERE run_id='rec$n'")" "0..$n"
	expect_eq "rec($n): depth < 64 ok, the $((n + 1 - 64)) deeper no_return_probe" \
		"$(q "SELECT group_concat(k) FROM (SELECT (depth < 64) || ':' || status || ':' || count(*) k FROM span_view WHERE run_id='rec$n' GROUP BY depth < 64, status ORDER BY depth < 64)")" \
		"0:no_return_probe:$((n + 1 - 64)),1:ok:64"
	expect_eq "rec($n): an ok call lies inside its parent" \
		"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='rec$n' AND c.status='ok' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
	expect_closed "rec$n"
done
# Readers say so: the count in analyze's JSON and header, the status in every call and export.
out=$("$FERRET" analyze "$DB" --run-id rec100 --json)
expect_match "analyze --json counts the calls without a return probe" "$out" '"no_return_spans": 37,'
expect_match "analyze warns of them" "$("$FERRET" analyze "$DB" --run-id rec100)" "WARNING: 37 calls nested past"
expect_eq "analyze --tree --calls names their status" \
	"$("$FERRET" analyze "$DB" --run-id rec100 --tree --calls --json | grep -o '"status": "no_return_probe"' | wc -l)" 37
"$FERRET" export "$DB" --run-id rec100 --format otlp -o "$TMP/rec.otlp" >/dev/null 2>&1
expect_eq "OTLP: the 37 are errors saying why" "$(grep -o 'no_return_probe: the kernel gave the call no return probe' "$TMP/rec.otlp" | wc -l)" 37
expect_intact
expect_no_links
exit 0
