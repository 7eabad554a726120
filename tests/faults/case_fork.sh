#!/usr/bin/env bash
# fork, vfork and fork+exec of a launched command: every child's calls are counted exactly.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id fork -- "$FAULTS/forker" fork >"$TMP/log" 2>&1
expect_eq "fork: ferret exits 0" "$?" 0
expect_eq "fork: parent_work 1 ok" "$(status_counts fork parent_work)" "ok:1"
expect_eq "fork: child_work 3 ok" "$(status_counts fork child_work)" "ok:3"
expect_eq "fork: child_work in the child" \
	"$(q "SELECT count(*) FROM span_view c, span_view p WHERE c.run_id='fork' AND p.run_id='fork' AND c.function='child_work' AND p.function='parent_work' AND c.pid=p.pid")" 0
expect_eq "fork: main once (the child was forked inside it, it did not call it)" "$(status_counts fork main)" "ok:1"
expect_eq "fork: 2 processes" "$(q "SELECT count(DISTINCT pid) FROM span_view WHERE run_id='fork'")" 2
expect_closed fork

"$FERRET" trace --db "$DB" --run-id vfork -- "$FAULTS/forker" vfork >"$TMP/log" 2>&1
expect_eq "vfork: ferret exits 0" "$?" 0
expect_eq "vfork: parent_work 1 ok" "$(status_counts vfork parent_work)" "ok:1"
expect_eq "vfork: child_work 1 ok" "$(status_counts vfork child_work)" "ok:1"
expect_eq "vfork: main once" "$(status_counts vfork main)" "ok:1"
expect_closed vfork

"$FERRET" trace --db "$DB" --run-id fexec -- "$FAULTS/forker" exec >"$TMP/log" 2>&1
expect_eq "fork+exec: ferret exits 0" "$?" 0
expect_eq "fork+exec: parent_work 1 ok" "$(status_counts fexec parent_work)" "ok:1"
expect_eq "fork+exec: exec_child_work 2 ok" "$(status_counts fexec exec_child_work)" "ok:2"
expect_eq "fork+exec: child_work never called" "$(calls child_work fexec)" 0
expect_eq "fork+exec: main ok in the parent and in the exec'd child" "$(status_counts fexec main)" "ok:2"
expect_eq "fork+exec: the exec'd main is a root" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='fexec' AND function='main' AND status='ok' AND parent_id IS NULL")" 2
expect_closed fexec
expect_intact
expect_no_links
exit 0
