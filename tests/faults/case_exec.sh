#!/usr/bin/env bash
# exec() of another binary and of itself: what was stored before the exec is exact, the
# exec'd program's exit code is passed on, nothing crashes or hangs.
. "$(dirname "$0")/lib.sh"

# Another binary: /bin/sh -c 'exit 6' (not traced: only functions selected at start are).
timeout 20 "$FERRET" trace --db "$DB" --run-id other -- "$FAULTS/execer" /bin/sh -c 'exit 6' >"$TMP/log" 2>&1
expect_eq "exec of another binary: its exit code 6 passed on" "$?" 6
expect_eq "before_exec: 3 ok" "$(status_counts other before_exec)" "ok:3"
expect_eq "do_exec: 1 incomplete (never returned)" "$(status_counts other do_exec)" "incomplete:1"
expect_eq "main: 1 incomplete (replaced by the exec)" "$(status_counts other main)" "incomplete:1"
expect_eq "5 spans in all" "$(q "SELECT count(*) FROM span_view WHERE run_id='other'")" 5
expect_closed other

# Itself: the new image is the same binary, so its calls are traced too.
timeout 20 "$FERRET" trace --db "$DB" --run-id self -- "$FAULTS/execer" "$FAULTS/execer" again >"$TMP/log" 2>&1
expect_eq "exec of itself: its exit code 4 passed on" "$?" 4
expect_eq "before_exec: 3 ok" "$(status_counts self before_exec)" "ok:3"
expect_eq "do_exec: 1 incomplete" "$(status_counts self do_exec)" "incomplete:1"
expect_eq "main: 1 incomplete, then 1 ok (the new image's)" "$(status_counts self main)" "incomplete:1,ok:1"
expect_eq "after_exec: 2 ok" "$(status_counts self after_exec)" "ok:2"
expect_eq "the new image's main is a root" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='self' AND function='main' AND parent_id IS NULL")" 2
expect_eq "the calls the exec ended end by the new image's start" \
	"$(q "SELECT count(*) FROM span_view o, span_view n WHERE o.run_id='self' AND n.run_id='self' AND o.status='incomplete' AND n.function='after_exec' AND o.end_ns > n.start_ns")" 0
expect_closed self
expect_intact
expect_no_links
exit 0
