#!/usr/bin/env bash
# Forked children: one thread row each, even when a child's first event is the return of a
# call its parent entered (the kernel copies pending return probes to the child); the trace
# summary, runs and analyze agree on the count. Children that outlive the command are traced
# until they exit, and the summary says how many processes were followed.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id ret -- "$FAULTS/family" return >"$TMP/log" 2>&1
expect_eq "return: ferret exits 0" "$?" 0
expect_eq "return: child_work 9 ok" "$(status_counts ret child_work)" "ok:9"
expect_eq "return: spawn 3 ok (the parent's calls; the children only return from them)" \
	"$(status_counts ret spawn)" "ok:3"
expect_eq "return: main once" "$(status_counts ret main)" "ok:1"
expect_eq "return: parent_work once" "$(status_counts ret parent_work)" "ok:1"
expect_eq "return: 4 thread rows" "$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='ret'")" 4
expect_eq "return: no thread row without spans" \
	"$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='ret' AND t.spans=0")" 0
expect_eq "return: every thread row has its pid" \
	"$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='ret' AND (t.pid!=t.tid OR t.comm!='family')")" 0
expect_match "return: the summary says 4 threads" "$(grep 'run ret:' "$TMP/log")" ' 4 threads,'
expect_match "return: runs says 4 threads" "$("$FERRET" runs "$DB" --json)" '"threads":4,'
expect_match "return: analyze says 4 threads" "$("$FERRET" analyze "$DB" --run-id ret 2>&1 | head -n 1)" ' 4 threads '
expect_closed ret

"$FERRET" trace --db "$DB" --run-id outlive -- "$FAULTS/family" outlive >"$TMP/log" 2>&1
expect_eq "outlive: ferret exits 0 (the command's code)" "$?" 0
expect_eq "outlive: exit code stored" "$(q "SELECT exit_code FROM run_view WHERE run_id='outlive'")" 0
expect_eq "outlive: child_work 6 ok (3 after 200 ms, 3 after 400 ms, the command gone)" \
	"$(status_counts outlive child_work)" "ok:6"
expect_eq "outlive: nap_ms 2 ok" "$(status_counts outlive nap_ms)" "ok:2"
expect_eq "outlive: parent_work once" "$(status_counts outlive parent_work)" "ok:1"
expect_eq "outlive: 3 thread rows" \
	"$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='outlive'")" 3
expect_match "outlive: the summary says 3 threads" "$(grep 'run outlive:' "$TMP/log")" ' 3 threads,'
expect_match "outlive: ferret says it traces the children on" "$(cat "$TMP/log")" \
	'the command exited \(0\); tracing the processes it forked'
expect_match "outlive: ferret says how many processes it followed" "$(cat "$TMP/log")" 'followed 3 processes'
expect_closed outlive
expect_intact
expect_no_links
exit 0
