#!/usr/bin/env bash
# ferret trace --live through a pseudo-terminal (script, as test_top.sh): top's view in the
# tracer's terminal, the command's output in a file, q closes the view and tracing goes on,
# Ctrl-C and SIGTERM stop tracing, --stall on the view, the terminal always given back (the
# alternate screen left, its settings as before), no terminal: a usage error.
. "$(dirname "$0")/lib.sh"

# after_view SCREEN: what the terminal shows once the view has left (after its last frame)
after_view() { printf '%s' "$1" | awk 'BEGIN { RS = "\033\\[\\?1049l" } { last = $0 } END { printf "%s", last }'; }
# entered/left SCREEN: how often the alternate screen was entered, left
entered() { printf '%s' "$1" | grep -a -o $'\033\\[?1049h' | wc -l; }
left() { printf '%s' "$1" | grep -a -o $'\033\\[?1049l' | wc -l; }

# tick is called exactly 300 times, one every 10 ms (3 s); the command writes to both streams.
screen=$(pty "stty -g > '$TMP/stty.before'; $FERRET trace --db '$DB' --run-id live --live -- '$PROGS/ticks' 300 10;
	echo \"exit \$?\"; stty -g > '$TMP/stty.after'")
expect_match "live: the tracer's exit code is the command's" "$screen" "exit 0"
expect_eq "live: the alternate screen entered once" "$(entered "$screen")" 1
expect_eq "live: and left once" "$(left "$screen")" 1
expect_eq "live: the terminal's settings as before" "$(cat "$TMP/stty.after")" "$(cat "$TMP/stty.before")"
expect_match "live: names the run" "$screen" "ferret trace --live: run live \|"
expect_match "live: the keys" "$screen" "q closes this view \(tracing goes on\), Ctrl-C stops tracing"
expect_match "live: tick's calls per second" "$screen" "tick +[0-9]+\.[0-9] "
rate=$(printf '%s' "$screen" | grep -a -o "tick  *[0-9]*\.[0-9]" | tail -1 | awk '{print int($2)}')
if [ "${rate:-0}" -ge 40 ] && [ "${rate:-0}" -le 101 ]; then pass "live: tick at $rate calls/s (at most 100)"; else
	fail "live: tick's calls/s" "got '${rate:-none}'"; fi
expect_eq "live: redrawn in place, never a full clear (no flicker)" "$(printf '%s' "$screen" | grep -c $'\033\\[2J')" 0
rest=$(after_view "$screen")
expect_match "live: the summary once the screen is back" "$rest" "ferret: run live: 301 spans \(0 incomplete\), 2 functions, 1 thread"
expect_match "live: says where the command's output is" "$rest" "ferret: the command's output is in $DB\.out"
expect_eq "live: every call stored" "$(calls tick live)" 300
expect_eq "live: the command's output is not on the screen" "$(printf '%s' "$screen" | grep -ac 'ticks: ')" 0
expect_eq "live: its stdout and stderr in DB.out" "$(cat "$DB.out")" \
	"ticks: stdin is not a terminal
ticks: a line on stderr
ticks: 300 done"
expect_eq "live: DB.out is private" "$(stat -c %a "$DB.out")" 600

# --live-output; q closes the view and tracing goes on to the command's end.
screen=$( (sleep 1.5; printf q) | pty "$FERRET trace --db '$DB' --run-id quit --live --live-output '$TMP/out.txt' -- '$PROGS/ticks' 300 10")
expect_match "live: q closes the view while tracing goes on" "$(after_view "$screen")" \
	"ferret: the live view is closed; tracing goes on \(Ctrl-C to stop\)"
expect_eq "live: tracing went on after q: every call" "$(calls tick quit)" 300
expect_match "live: the summary after q" "$(after_view "$screen")" "ferret: run quit: 301 spans"
expect_match "live: --live-output FILE" "$(cat "$TMP/out.txt")" "ticks: 300 done"
pty "$FERRET trace --db '$DB' --run-id one --live -- '$PROGS/ticks' 1 1" >/dev/null </dev/null
expect_eq "live: DB.out rewritten by the next run's command" "$(tail -1 "$DB.out")" "ticks: 1 done"

# Ctrl-C: the tracer and the command stop, the run is written; ferret ends by the command's
# SIGINT, as the command did (a shell that waits for it sees the signal, not an exit code).
screen=$( (sleep 1.5; printf '\003') | pty "exec $FERRET trace --db '$DB' --run-id ctrlc --live -- '$PROGS/ticks' 1000 10"; echo "exit $?")
expect_match "live: Ctrl-C: ferret ends as the command did (SIGINT)" "$screen" "exit 130"
expect_eq "live: Ctrl-C: the screen left" "$(left "$screen")" 1
expect_match "live: Ctrl-C: the summary" "$(after_view "$screen")" "ferret: run ctrlc: [0-9]+ spans"
n=$(calls tick ctrlc)
if [ "$n" -ge 50 ] && [ "$n" -lt 1000 ]; then pass "live: Ctrl-C: the calls until then stored ($n)"; else fail "live: Ctrl-C: calls stored" "$n"; fi
expect_eq "live: Ctrl-C: the run ended" "$(q "SELECT count(*) FROM runs WHERE run_id = 'ctrlc' AND end_ns > start_ns")" 1

# SIGTERM to the tracer (from elsewhere): the same.
screen=$(pty "sh -c '(sleep 1.5; kill -TERM \$\$) & exec $FERRET trace --db $DB --run-id term --live -- $PROGS/ticks 1000 10'")
expect_eq "live: SIGTERM: the screen left" "$(left "$screen")" 1
expect_match "live: SIGTERM: the summary" "$(after_view "$screen")" "ferret: run term: [0-9]+ spans"

# --stall on the view: the stall on screen as the tracer found it, printed once on the shell's.
screen=$(pty "$FERRET trace --db '$DB' --run-id stall --live --stall 1s -- '$PROGS/live' 4 3")
expect_match "live --stall: the limit on the view" "$screen" "Stalls \(open longer than 1\.000 s\): 1"
expect_match "live --stall: the stall on the view" "$screen" \
	"stall: thread [0-9]+: slow_read open for 1\.[0-9]+ s: stuck_thread > stuck_handler > slow_read"
rest=$(after_view "$screen")
expect_eq "live --stall: the tracer's line once, after the view" \
	"$(printf '%s' "$rest" | grep -a -c 'ferret: stall: thread [0-9]*: slow_read')" 1
expect_match "live --stall: the summary counts it" "$rest" "1 call open longer than --stall 1\.000 s"

# A fatal signal (Ctrl-\) still gives the terminal back (top's view, which has no probes).
screen=$(pty "stty -g > '$TMP/stty.before'; ulimit -c 0; sh -c '(sleep 1; kill -QUIT \$\$) & exec $FERRET top $DB';
	echo \"exit \$?\"; stty -g > '$TMP/stty.after'")
expect_match "top: SIGQUIT ends it" "$screen" "exit 131"
expect_eq "top: SIGQUIT: the screen left" "$(left "$screen")" 1
expect_eq "top: SIGQUIT: the terminal's settings as before" "$(cat "$TMP/stty.after")" "$(cat "$TMP/stty.before")"

# Without a terminal: one line, a usage error; nothing launched, no file made.
"$FERRET" trace --db "$TMP/n.db" --live -- "$PROGS/ticks" 1 1 >"$TMP/o" 2>"$TMP/err"
expect_eq "live: stdout not a terminal is a usage error" "$?" 2
expect_eq "live: one line says so" "$(wc -l < "$TMP/err")" 1
expect_match "live: why" "$(cat "$TMP/err")" "--live draws on a terminal, and stdout is not one"
[ ! -e "$TMP/n.db" ] && [ ! -e "$TMP/n.db.out" ]
expect_eq "live: refused before anything is made" "$?" 0
"$FERRET" trace --live-output "$TMP/x" -- "$PROGS/ticks" 1 1 >/dev/null 2>&1
expect_eq "live: --live-output without --live is a usage error" "$?" 2
pty "$FERRET trace --live --aggregate -- '$PROGS/ticks' 1 1" >"$TMP/o"
expect_match "live: not with stack mode" "$(cat "$TMP/o")" "--live does not go with --min-duration, --aggregate or --max-rate"
pty "$FERRET trace --db '$DB' --live --live-output '$DB' -- '$PROGS/ticks' 1 1" >"$TMP/o"
expect_match "live: --live-output is not the database" "$(cat "$TMP/o")" "is the database"
expect_eq "live: the database is untouched" "$(calls tick live)" 300

# As root the command's output never goes through a symlink or into another user's file.
printf 'precious\n' > "$TMP/victim"
ln -sf "$TMP/victim" "$TMP/link.out"
screen=$(pty "$FERRET trace --db '$TMP/l1.db' --live --live-output '$TMP/link.out' -- '$PROGS/ticks' 3 1; echo \"exit \$?\"")
expect_match "live: a symlinked --live-output is refused" "$screen" "ferret: cannot write the command's output to $TMP/link.out: it is a symbolic link"
expect_eq "live: the symlink's target untouched" "$(cat "$TMP/victim")" precious
printf 'theirs\n' > "$TMP/theirs.out"
chown nobody "$TMP/theirs.out"
screen=$(pty "$FERRET trace --db '$TMP/l2.db' --live --live-output '$TMP/theirs.out' -- '$PROGS/ticks' 3 1; echo \"exit \$?\"")
expect_match "live: another user's --live-output is refused" "$screen" "theirs.out belongs to uid [0-9]+, not to root or the sudo user"
expect_eq "live: their file untouched" "$(cat "$TMP/theirs.out")" theirs
