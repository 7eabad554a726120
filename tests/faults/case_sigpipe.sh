#!/usr/bin/env bash
# ferret's stderr is a pipe whose reader is gone (ferret trace ... 2>&1 | true): ferret must
# not die of SIGPIPE: it exits with the command's status and the run is closed with its spans.
. "$(dirname "$0")/lib.sh"

timeout 30 "$FERRET" trace --db "$DB" --run-id pipe -- "$PROGS/sleeper" 1 2>&1 | true
rc=${PIPESTATUS[0]}
expect_eq "the command is not left running" "$(pgrep -fc "^$PROGS/sleeper 1\$")" 0
expect_eq "ferret exits 0 (the command's status), not 141 (SIGPIPE)" "$rc" 0
expect_eq "main: 1 ok" "$(status_counts pipe main)" "ok:1"
expect_eq "stuck: 1 ok" "$(status_counts pipe stuck)" "ok:1"
expect_closed pipe
expect_intact
expect_no_links
exit 0
