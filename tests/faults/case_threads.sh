#!/usr/bin/env bash
# Threads that end with pthread_exit() inside a traced function, created after attach:
# their calls that returned are ok, the ones pthread_exit left are incomplete, counts exact.
. "$(dirname "$0")/lib.sh"

"$FERRET" trace --db "$DB" --run-id tx -- "$FAULTS/threadexit" >"$TMP/log" 2>&1
expect_eq "ferret exits 0" "$?" 0
expect_eq "work_item: 40 ok" "$(status_counts tx work_item)" "ok:40"
expect_eq "worker: 4 incomplete (pthread_exit)" "$(status_counts tx worker)" "incomplete:4"
expect_eq "quit: 4 incomplete" "$(status_counts tx quit)" "incomplete:4"
expect_eq "main: 1 ok" "$(status_counts tx main)" "ok:1"
expect_eq "worker ran on 4 threads, 10 work_item each" \
	"$(q "SELECT group_concat(n) FROM (SELECT count(*) n FROM span_view WHERE run_id='tx' AND function='work_item' GROUP BY tid)")" "10,10,10,10"
expect_eq "5 threads stored" "$(q "SELECT count(*) FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='tx'")" 5
expect_eq "a thread's incomplete calls end by the thread's exit, before main ends" \
	"$(q "SELECT count(*) FROM span_view w, span_view m WHERE w.run_id='tx' AND m.run_id='tx' AND w.function='worker' AND m.function='main' AND w.end_ns > m.end_ns")" 0
expect_closed tx

# Attached by pid to a process that creates its threads after the attach.
"$FAULTS/threadexit" "$TMP/go" &
wpid=$!
for _ in $(seq 200); do [ "$(readlink /proc/$wpid/exe)" = "$FAULTS/threadexit" ] && break; sleep 0.01; done
"$FERRET" trace --db "$DB" --run-id late -p "$wpid" >"$TMP/pid.log" 2>&1 &
fpid=$!
for _ in $(seq 200); do grep -qs "tracing" "$TMP/pid.log" && break; sleep 0.05; done
touch "$TMP/go"
wait "$wpid"
wait "$fpid"
expect_eq "ferret -p exits 0 when the process ends" "$?" 0
expect_eq "late threads: work_item 40 ok" "$(status_counts late work_item)" "ok:40"
expect_eq "late threads: worker 4 incomplete" "$(status_counts late worker)" "incomplete:4"
expect_eq "late threads: quit 4 incomplete" "$(status_counts late quit)" "incomplete:4"
expect_eq "main, running before the attach, is not seen" "$(calls main late)" 0
expect_closed late
expect_intact
expect_no_links
exit 0
