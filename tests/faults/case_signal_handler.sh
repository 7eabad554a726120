#!/usr/bin/env bash
# A signal handler that is a traced function and calls one: it nests under the call it
# interrupted (busy), counts are exact, every call ok.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id sig -- "$FAULTS/sighand" >"$TMP/log" 2>&1
expect_eq "ferret exits 0" "$?" 0
expect_eq "busy: 1 ok" "$(status_counts sig busy)" "ok:1"
expect_eq "on_signal: 3 ok" "$(status_counts sig on_signal)" "ok:3"
expect_eq "handler_work: 6 ok" "$(status_counts sig handler_work)" "ok:6"
expect_eq "on_signal nests under busy" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='sig' AND c.function='on_signal'")" busy
expect_eq "handler_work nests under on_signal" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='sig' AND c.function='handler_work'")" on_signal
expect_eq "children lie inside their parents" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='sig' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
expect_eq "11 spans in all" "$(q "SELECT count(*) FROM span_view WHERE run_id='sig'")" 11
expect_closed sig
expect_intact
expect_no_links
exit 0
