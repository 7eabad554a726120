# Helpers for the fault cases: tests/e2e/lib.sh (pass/fail/expect_*, q, calls, $TMP, $DB)
# and what every fault case checks at its end.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
: "${FAULTS:=$(dirname "$FERRET")/faults}"

# Core dumps of the crashing targets would only fill the disk.
ulimit -c 0

# uprobe_links: how many uprobe_multi links the kernel holds on this build's programs (other
# tracers on the machine probe other paths and do not disturb the count)
uprobe_links() { bpftool link list 2>/dev/null | grep -c "multi  path $(dirname "$FERRET")/"; }
LINKS_BEFORE=$(uprobe_links)

# status_counts RUN FUNCTION: "status:count,..." of FUNCTION's spans, in status order
status_counts() {
	q "SELECT group_concat(status || ':' || n) FROM (SELECT status, count(*) n FROM span_view
		WHERE run_id='$1' AND function='$2' GROUP BY status ORDER BY status)"
}

# expect_closed RUN: the run was ended (runs.spans is NULL while a run is written, and set
# when it ends) and its span count is the rows really stored
expect_closed() {
	expect_eq "$1: run closed (runs.spans set)" "$(q "SELECT spans IS NOT NULL FROM runs WHERE run_id='$1'")" 1
	expect_eq "$1: run's span count is the rows stored" \
		"$(q "SELECT spans FROM run_view WHERE run_id='$1'")" \
		"$(q "SELECT count(*) FROM span_view WHERE run_id='$1'")"
}

# expect_intact [DB]: the database passes integrity_check
expect_intact() {
	expect_eq "integrity_check of ${1:-the db}" "$(sqlite3 -batch "${1:-$DB}" 'PRAGMA integrity_check' 2>&1)" ok
}

# expect_no_links: no uprobe link left behind (as many as when the case started)
expect_no_links() {
	local n
	for _ in $(seq 50); do n=$(uprobe_links); [ "$n" -le "$LINKS_BEFORE" ] && break; sleep 0.1; done
	expect_eq "no uprobe links left behind" "$n" "$LINKS_BEFORE"
}

# wait_file FILE [TENTHS]: wait until FILE exists (default 10 s)
wait_file() {
	for _ in $(seq "${2:-100}"); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}
