#!/usr/bin/env bash
# On-CPU, blocked and run-queue time per span: a program that sleeps, spins, waits on a
# mutex and spins on a crowded CPU prints what it measured itself around each phase
# (CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC); each span's figures must agree within a few
# ms (the machine is shared: its own measure is the truth), and add up to its duration exactly.
. "$(dirname "$0")/lib.sh"

MS=100
OUT="$TMP/phases.out"
"$FERRET" trace --db "$DB" --run-id sched -f '*_phase*' -- "$PROGS/sched_phases" $MS >"$OUT" 2>"$TMP/err"
expect_eq "sched: the five phases stored" "$(q "SELECT count(*) FROM span_view WHERE run_id='sched' AND cpu_ns IS NOT NULL")" 5
expect_eq "sched: cpu + blocked + runq == duration, every span" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='sched' AND cpu_ns + blocked_ns + runq_ns != duration_ns")" 0

measured() { # measured PHASE cpu|wall
	sed -n "s/^$1 cpu_ns=\([0-9]*\) wall_ns=\([0-9]*\)$/\1 \2/p" "$OUT" | awk -v w="$2" '{ print (w == "cpu") ? $1 : $2 }'
}
figure() { q "SELECT $2 FROM span_view WHERE run_id='sched' AND function='$1'"; }
# near NAME ACTUAL EXPECTED: within 5 ms + 2% of the phase's wall time (scheduling noise
# between the program's clock reads and the probes, switches the kernel reports late)
near() {
	local tol=$((5000000 + $4 / 50))
	local d=$(( $2 > $3 ? $2 - $3 : $3 - $2 ))
	if [ "$d" -le "$tol" ]; then pass "$1"; else fail "$1" "got $2, measured $3, off by $d > $tol"; fi
}
check_phase() { # check_phase PHASE: cpu as measured, the rest of the wall time blocked or waiting
	local cpu wall
	cpu=$(measured "$1" cpu) wall=$(measured "$1" wall)
	near "sched: $1 cpu_ns" "$(figure "$1" cpu_ns)" "$cpu" "$wall"
	near "sched: $1 off-CPU (blocked + runq)" "$(figure "$1" "blocked_ns + runq_ns")" $((wall - cpu)) "$wall"
}
for p in sleep_phase spin_phase lock_phase crowded_phase run_phases; do check_phase $p; done
ms=$((MS * 1000000))
# Asleep: blocked for the phase, in the system call it made.
near "sched: sleep_phase blocked for ${MS} ms" "$(figure sleep_phase blocked_ns)" $ms $ms
expect_eq "sched: sleep_phase blocked in clock_nanosleep" "$(figure sleep_phase blocked_in)" clock_nanosleep
near "sched: lock_phase blocked while the lock was held" "$(figure lock_phase blocked_ns)" $ms $ms
expect_eq "sched: lock_phase blocked in futex" "$(figure lock_phase blocked_in)" futex
# Spinning: never blocked; on a crowded CPU, the wait is in the run queue.
expect_eq "sched: spinning is never blocked" "$(figure spin_phase blocked_ns),$(figure crowded_phase blocked_ns)" "0,0"
expect_eq "sched: no blocked_in without blocked time" "$(figure spin_phase "quote(blocked_in)")" NULL
cw=$(measured crowded_phase wall)
near "sched: crowded_phase waited in the run queue" "$(figure crowded_phase runq_ns)" $((cw - $(measured crowded_phase cpu))) "$cw"
# A parent's figures include its children's.
expect_eq "sched: run_phases includes its children" \
	"$(q "SELECT count(*) FROM span_view p, (SELECT sum(cpu_ns) c, sum(blocked_ns) b, sum(runq_ns) r FROM span_view WHERE run_id='sched' AND depth=1) k WHERE p.run_id='sched' AND p.function='run_phases' AND p.cpu_ns >= k.c AND p.blocked_ns >= k.b AND p.runq_ns >= k.r")" 1
near "sched: run_phases blocked = its children's (sleep and lock) and nothing more" \
	"$(figure run_phases blocked_ns)" "$(q "SELECT sum(blocked_ns) FROM span_view WHERE run_id='sched' AND depth=1")" $ms

# --no-sched: nothing measured, NULL.
"$FERRET" trace --db "$DB" --run-id nosched --no-sched -f '*_phase*' -- "$PROGS/sched_phases" 10 >/dev/null 2>&1
expect_eq "--no-sched: spans stored, no figures" \
	"$(q "SELECT count(*) || ',' || count(cpu_ns) || ',' || count(blocked_ns) || ',' || count(runq_ns) || ',' || count(blocked_in) FROM span_view WHERE run_id='nosched'")" "5,0,0,0,0"
# Stack mode keeps calls in the kernel: no figures (documented).
"$FERRET" trace --db "$DB" --run-id stack --min-duration 1us -f '*_phase*' -- "$PROGS/sched_phases" 10 >/dev/null 2>&1
expect_eq "stack mode: spans stored, no figures" "$(q "SELECT count(*) || ',' || count(cpu_ns) FROM span_view WHERE run_id='stack'")" "5,0"

# --- analyze: the CPU and Blocked columns, the tree's labels ---
table=$("$FERRET" analyze --db "$DB" --run sched 2>&1)
expect_match "analyze: CPU and Blocked columns" "$table" "Errors +CPU +Blocked"
expect_match "analyze: sleep_phase's Blocked is its 100 ms" "$(printf '%s\n' "$table" | grep '^sleep_phase')" " (9[5-9]|10[0-5])\.[0-9]+ ms$"
json=$("$FERRET" analyze --db "$DB" --run sched --json 2>&1)
expect_match "analyze --json: cpu_ns, blocked_ns, runq_ns, blocked_in" "$json" "\"function\": \"lock_phase\".*\"blocked_ns\": $(figure lock_phase blocked_ns), \"runq_ns\": $(figure lock_phase runq_ns), \"blocked_in\": \"futex\""
# Each label as the figures stored say: the largest share of the call's time.
label_sql="CASE WHEN blocked_ns >= cpu_ns AND blocked_ns >= runq_ns THEN '(blocked ' || (blocked_ns * 100 / duration_ns) || '% in ' || blocked_in || ')'
	WHEN runq_ns > cpu_ns THEN '(runq ' || (runq_ns * 100 / duration_ns) || '%)'
	WHEN cpu_ns * 100 / duration_ns >= 95 THEN '(cpu)' ELSE '(cpu ' || (cpu_ns * 100 / duration_ns) || '%)' END"
tree=$("$FERRET" analyze --db "$DB" --run sched --tree 2>&1)
for p in run_phases sleep_phase spin_phase lock_phase crowded_phase; do
	want=$(figure $p "$label_sql")
	expect_match "analyze --tree: $p labelled $want" "$(printf '%s\n' "$tree" | grep " $p ")" "  $(printf '%s' "$want" | sed 's/[()]/\\&/g')\$"
done
expect_match "analyze --tree: a sleep is blocked in clock_nanosleep" "$tree" "sleep_phase .*\(blocked 9[0-9]% in clock_nanosleep\)"
expect_match "analyze --tree --calls: labels per call" "$("$FERRET" analyze --db "$DB" --run sched --tree --calls 2>&1)" "lock_phase .*\(blocked 9[0-9]% in futex\)"
nosched=$("$FERRET" analyze --db "$DB" --run nosched 2>&1; "$FERRET" analyze --db "$DB" --run nosched --tree 2>&1)
if printf '%s' "$nosched" | grep -Eq "CPU|Blocked|\((cpu|blocked|runq)"; then fail "--no-sched: no CPU/Blocked columns or labels"; else pass "--no-sched: no CPU/Blocked columns or labels"; fi

# --- a file of schema version 5 (before these columns): read as it is, migrated to write ---
OLD="$TMP/v5.db"
"$FERRET" trace --db "$OLD" --run-id old --no-sched -f '*_phase*' -- "$PROGS/sched_phases" 5 >/dev/null 2>&1
make_schema5 "$OLD"
expect_match "version 5 file: analyze reads it" "$("$FERRET" analyze --db "$OLD" 2>&1)" "^sleep_phase|
sleep_phase +sched_phases +1 "
expect_eq "version 5 file: still version 5 after reading" "$(sqlite3 "$OLD" "SELECT value FROM meta WHERE key='schema_version'")" 5
"$FERRET" trace --db "$OLD" --run-id new -f '*_phase*' -- "$PROGS/sched_phases" 5 >/dev/null 2>&1
expect_eq "version 5 file: a new run migrates it to 9" "$(sqlite3 "$OLD" "SELECT value FROM meta WHERE key='schema_version'")" 9
expect_eq "version 5 file: old spans NULL, new ones measured" \
	"$(sqlite3 "$OLD" "SELECT run_id || ':' || count(*) || ':' || count(cpu_ns) FROM span_view GROUP BY run_id ORDER BY run_id" | tr '\n' ' ')" "new:5:5 old:5:0 "

# --- exports carry the figures: Chrome args, OTLP attributes ---
chrome=$("$FERRET" export --db "$DB" --run sched --format chrome -o - 2>/dev/null)
expect_match "export chrome: args with cpu_ns, blocked_ns, runq_ns, blocked_in" "$chrome" \
	"\"name\":\"lock_phase\".*\"args\":\\{\"cpu_ns\":$(figure lock_phase cpu_ns),\"blocked_ns\":$(figure lock_phase blocked_ns),\"runq_ns\":$(figure lock_phase runq_ns),\"blocked_in\":\"futex\"\\}"
otlp=$("$FERRET" export --db "$DB" --run sched --format otlp -o - 2>/dev/null)
expect_match "export otlp: ferret.cpu_ns and ferret.blocked_in attributes" "$otlp" \
	"\"key\":\"ferret.cpu_ns\",\"value\":\\{\"intValue\":\"$(figure sleep_phase cpu_ns)\"\\}.*\"key\":\"ferret.blocked_in\",\"value\":\\{\"stringValue\":\"clock_nanosleep\"\\}"
if "$FERRET" export --db "$DB" --run nosched --format otlp -o - 2>/dev/null | grep -q "ferret.cpu_ns"; then
	fail "export otlp --no-sched: no figures"; else pass "export otlp --no-sched: no figures"; fi
# Speedscope: a second, sampled profile per thread weighted by each path's self on-CPU ns,
# which add up to the root call's cpu_ns.
expect_eq "export speedscope: an on-CPU profile whose weights add up to run_phases' cpu_ns" \
	"$("$FERRET" export --db "$DB" --run sched --format speedscope -o - 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(",".join(str(sum(p["weights"])) for p in d["profiles"] if p["type"] == "sampled" and p["name"].endswith(" on-CPU")))')" \
	"$(figure run_phases cpu_ns)"
expect_eq "export speedscope --no-sched: no on-CPU profile" \
	"$("$FERRET" export --db "$DB" --run nosched --format speedscope -o - 2>/dev/null | grep -c '"type":"sampled"')" 0
