#!/usr/bin/env bash
# Under sudo the run is read by the user who ran sudo while it is traced: the database, its
# -wal and its -shm are theirs from the start, not only once the run ends.
. "$(dirname "$0")/lib.sh"

chmod 755 "$TMP" # the unprivileged reader must reach the file
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
SUDO_UID=65534 SUDO_GID=65534 "$FERRET" trace --db "$DB" --run-id live -- "$PROGS/sleeper" 30 \
	>"$TMP/log" 2>&1 &
fpid=$!
for _ in $(seq 100); do grep -q tracing "$TMP/log" && break; sleep 0.05; done
for _ in $(seq 120); do [ "$(q "SELECT count(*) FROM spans" 2>/dev/null)" = 2 ] && break; sleep 0.05; done
expect_eq "while tracing: the db, -wal and -shm belong to SUDO_UID" \
	"$(stat -c '%u' "$DB" "$DB-wal" "$DB-shm" | sort -u)" 65534
expect_eq "while tracing: the sudo user reads the run" \
	"$(as_nobody sqlite3 -batch -noheader "$DB" "SELECT group_concat(function || ':' || status) FROM (SELECT function, status FROM span_view WHERE run_id='live' ORDER BY span_id)" 2>&1)" \
	"main:incomplete,stuck:incomplete"
out=$(as_nobody "$FERRET" analyze "$DB" 2>&1)
expect_match "while tracing: ferret analyze works as the sudo user" "$out" "stuck"
expect_match "while tracing: the header says the run is in progress, not 0 ns" "$out" "^run live . .* . in progress . "
kill -TERM "$fpid"
wait "$fpid"
expect_eq "the run ends with the command's SIGTERM (143)" "$?" 143
expect_eq "afterwards the db still belongs to SUDO_UID, 0600" "$(stat -c '%u %a' "$DB")" "65534 600"
expect_closed live
expect_intact
expect_no_links
exit 0
