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
