#!/usr/bin/env bash
# ferret trace end to end, with real eBPF: exact call counts, nesting, threads,
# forked children, attach by pid, incomplete calls, exit codes.
. "$(dirname "$0")/lib.sh"

# --- a launched command: exact counts and nesting ---
out=$("$FERRET" trace --db "$DB" --run-id calls -- "$PROGS/calls" 50 2>&1)
expect_eq "trace exits 0 for a command that exits 0" "$?" 0
expect_match "summary names the run and the db" "$out" "run calls: .* spans .* -> $DB"
expect_match "summary reports lost events" "$out" "lost 0 events"
expect_eq "main called once" "$(calls main calls)" 1
expect_eq "run called once" "$(calls run calls)" 1
expect_eq "middle called 50 times" "$(calls middle calls)" 50
expect_eq "leaf called 100 times" "$(calls leaf calls)" 100
expect_eq "fib(12) makes 465 calls" "$(calls fib calls)" 465
expect_eq "leaf's parent is always middle" \
	"$(q "SELECT DISTINCT p.function FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='calls' AND c.function='leaf'")" middle
expect_eq "leaf sits at depth 3 (main, run, middle)" \
	"$(q "SELECT DISTINCT depth FROM span_view WHERE run_id='calls' AND function='leaf'")" 3
expect_eq "main is the only root" \
	"$(q "SELECT group_concat(function) FROM span_view WHERE run_id='calls' AND parent_id IS NULL")" main
expect_eq "recursion nests: fib reaches depth 12 (main + 11 fib frames)" \
	"$(q "SELECT max(depth) FROM span_view WHERE run_id='calls' AND function='fib'")" 12
expect_eq "children lie inside their parents" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='calls' AND (c.start_ns < p.start_ns OR c.end_ns > p.end_ns)")" 0
expect_eq "every span is ok" "$(q "SELECT count(*) FROM span_view WHERE run_id='calls' AND status!='ok'")" 0
expect_eq "run_view counts the spans" \
	"$(q "SELECT spans FROM run_view WHERE run_id='calls'")" "$(q "SELECT count(*) FROM span_view WHERE run_id='calls'")"
expect_eq "run_view stores the exit code" "$(q "SELECT exit_code FROM run_view WHERE run_id='calls'")" 0
expect_eq "db file is private (0600)" "$(stat -c %a "$DB")" 600

# --- the exit code is passed on ---
"$FERRET" trace --db "$DB" --run-id exit3 -- "$PROGS/calls" 1 3 >/dev/null 2>&1
expect_eq "ferret exits with the command's exit code" "$?" 3
expect_eq "exit code stored in the run" "$(q "SELECT exit_code FROM run_view WHERE run_id='exit3'")" 3

# --- ferret run is an alias ---
"$FERRET" run "$PROGS/calls" 5 >/dev/null 2>&1 <<<"" || true
expect_eq "ferret run traces too (default db ferret.db in cwd)" "$( [ -f ferret.db ] && sqlite3 ferret.db "SELECT count(*) FROM span_view WHERE function='middle'")" 5
rm -f ferret.db ferret.db-wal ferret.db-shm

# --- two threads ---
"$FERRET" trace --db "$DB" --run-id threads -- "$PROGS/threads" 1000 >/dev/null 2>&1
expect_eq "work_item called 2000 times" "$(calls work_item threads)" 2000
expect_eq "worker ran on 2 distinct threads" \
	"$(q "SELECT count(DISTINCT tid) FROM span_view WHERE run_id='threads' AND function='worker'")" 2
expect_eq "each worker thread made 1000 work_item calls" \
	"$(q "SELECT group_concat(n) FROM (SELECT count(*) n FROM span_view WHERE run_id='threads' AND function='work_item' GROUP BY tid)")" "1000,1000"
expect_eq "work_item's parent is its own thread's worker" \
	"$(q "SELECT count(*) FROM span_view c JOIN span_view p ON p.span_id=c.parent_id WHERE c.run_id='threads' AND c.function='work_item' AND (p.function!='worker' OR p.tid!=c.tid)")" 0
expect_eq "threads table names the program" \
	"$(q "SELECT DISTINCT t.comm FROM threads t JOIN runs r ON r.id=t.run WHERE r.run_id='threads'")" threads

# --- forked children and grandchildren are followed ---
"$FERRET" trace --db "$DB" --run-id forks -- "$PROGS/forks" >/dev/null 2>&1
expect_eq "parent_work once" "$(calls parent_work forks)" 1
expect_eq "child_work 6 times (child and grandchild)" "$(calls child_work forks)" 6
expect_eq "three processes traced" "$(q "SELECT count(DISTINCT pid) FROM span_view WHERE run_id='forks'")" 3

# --- calls that never return are kept, incomplete ---
"$FERRET" trace --db "$DB" --run-id jumps -- "$PROGS/jumps" >/dev/null 2>&1
expect_eq "exit code 7 passed on through exit() inside a traced call" "$?" 7
expect_eq "longjmp'd calls are incomplete" \
	"$(q "SELECT group_concat(function || ':' || status) FROM (SELECT function, status FROM span_view WHERE run_id='jumps' AND function IN ('jumper','deep') ORDER BY function)")" \
	"deep:incomplete,jumper:incomplete"
expect_eq "after() returned normally" "$(q "SELECT status FROM span_view WHERE run_id='jumps' AND function='after'")" ok
expect_eq "main and finish end incomplete (exit)" \
	"$(q "SELECT group_concat(status) FROM (SELECT status FROM span_view WHERE run_id='jumps' AND function IN ('main','finish') ORDER BY function)")" "incomplete,incomplete"
expect_eq "incomplete spans still have an end" \
	"$(q "SELECT count(*) FROM span_view WHERE run_id='jumps' AND (end_ns IS NULL OR end_ns < start_ns)")" 0

# --- attach to a running process by pid ---
go="$TMP/go"
"$PROGS/waiter" "$go" 300 &
wpid=$!
# $! is the forked shell until it has exec'd the program: wait for that.
for _ in $(seq 200); do [ "$(readlink /proc/$wpid/exe)" = "$PROGS/waiter" ] && break; sleep 0.01; done
"$FERRET" trace --db "$DB" --run-id bypid -p "$wpid" -f tick >"$TMP/pid.log" 2>&1 &
fpid=$!
for _ in $(seq 600); do grep -q "tracing" "$TMP/pid.log" && break; sleep 0.05; done
touch "$go"
wait "$fpid"
rc=$?
[ "$rc" -eq 0 ] || sed 's/^/    /' "$TMP/pid.log"
expect_eq "trace -p ends when the process exits, status 0" "$rc" 0
wait "$wpid"
expect_eq "tick called 300 times in the attached process" "$(calls tick bypid)" 300
expect_eq "run records the attached pid" "$(q "SELECT pid FROM run_view WHERE run_id='bypid'")" "$wpid"

# --- -d ends tracing; the command runs on untraced and its exit code is still passed on ---
start=$(date +%s%N)
"$FERRET" trace --db "$DB" --run-id dur -f stuck -d 0.5 -- "$PROGS/sleeper" 2 >/dev/null 2>&1
rc=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "-d 0.5 with a command: exit code of the command" "$rc" 0
if [ "$elapsed" -ge 1900 ] && [ "$elapsed" -lt 6000 ]; then pass "ferret waits for the command after -d (${elapsed} ms)"; else fail "waiting for the command after -d" "${elapsed} ms"; fi
expect_eq "a call still running when tracing stops is stored incomplete" \
	"$(q "SELECT status FROM span_view WHERE run_id='dur' AND function='stuck'")" incomplete
expect_eq "its end is the end of tracing (about 0.5 s)" \
	"$(q "SELECT duration_ns BETWEEN 300000000 AND 1900000000 FROM span_view WHERE run_id='dur' AND function='stuck'")" 1

# --- SIGTERM ends a trace cleanly and reaches the launched command ---
"$FERRET" trace --db "$DB" --run-id term -- "$PROGS/sleeper" 30 >"$TMP/term.log" 2>&1 &
fpid=$!
for _ in $(seq 100); do grep -q "tracing" "$TMP/term.log" && break; sleep 0.05; done
# Committed once a second while tracing: readable live, calls in progress as incomplete.
for _ in $(seq 120); do [ "$(q "SELECT count(*) FROM span_view WHERE run_id='term'" 2>/dev/null)" = 2 ] && break; sleep 0.05; done
expect_eq "while tracing: main and stuck() are readable, as incomplete so far" \
	"$(q "SELECT group_concat(function || ':' || status) FROM (SELECT function, status FROM span_view WHERE run_id='term' ORDER BY span_id)")" \
	"main:incomplete,stuck:incomplete"
kill -TERM "$fpid"; wait "$fpid"
rc=$?
expect_eq "SIGTERM: ferret passes on the command's death by SIGTERM (143)" "$rc" 143
expect_eq "SIGTERM: the run is stored with its exit code" "$(q "SELECT exit_code FROM run_view WHERE run_id='term'")" 143
expect_eq "SIGTERM: stuck() is stored incomplete" "$(q "SELECT status FROM span_view WHERE run_id='term' AND function='stuck'")" incomplete

# --- 2,000 functions attach and detach in seconds (uprobe_multi), every call recorded ---
start=$(date +%s%N)
out=$("$FERRET" trace -v --db "$DB" --run-id many -f 'fn_0[01]*' -- "$PROGS/many_funcs" 2>&1)
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "2000 functions: 2000 spans" "$(q "SELECT count(*) FROM span_view WHERE run_id='many'")" 2000
expect_eq "2000 functions: each called once" "$(q "SELECT count(DISTINCT function) FROM span_view WHERE run_id='many'")" 2000
expect_match "2000 functions: one multi link per module and direction" "$out" "4000 probes attached in .* \(uprobe_multi\)"
if [ "$elapsed" -lt 10000 ]; then pass "2000 functions traced end to end in ${elapsed} ms"; else fail "2000 functions took ${elapsed} ms"; fi

# --- the fallback for kernels without uprobe_multi gives the same spans ---
out=$(FERRET_NO_UPROBE_MULTI=1 "$FERRET" trace -v --db "$DB" --run-id single -- "$PROGS/calls" 20 2>&1)
expect_match "fallback says so" "$out" "one uprobe per function"
expect_eq "fallback: leaf called 40 times" "$(calls leaf single)" 40
expect_eq "fallback: fib 465 calls" "$(calls fib single)" 465

# --- a database created under sudo belongs to the user who ran sudo ---
SUDO_UID=65534 SUDO_GID=65534 "$FERRET" trace --db "$TMP/sudo.db" -- "$PROGS/calls" 2 >/dev/null 2>&1
expect_eq "db created under sudo is handed to SUDO_UID, still 0600" "$(stat -c '%u %a' "$TMP/sudo.db")" "65534 600"

# --- --all: every process running the binary, started before or after ferret, and no other ---
cp "$PROGS/calls" "$TMP/calls_all"
"$FERRET" trace --db "$DB" --run-id all --all -f "$TMP/calls_all:middle" -d 3 >"$TMP/all.log" 2>&1 &
fpid=$!
for _ in $(seq 600); do grep -q "tracing" "$TMP/all.log" && break; sleep 0.05; done
"$TMP/calls_all" 7 && "$TMP/calls_all" 5 && "$PROGS/calls" 11
wait "$fpid"
expect_eq "--all: both runs of the binary traced (7 + 5 middle calls)" "$(calls middle all)" 12
expect_eq "--all: from two processes" "$(q "SELECT count(DISTINCT pid) FROM span_view WHERE run_id='all'")" 2
expect_eq "--all: another copy of the program is not traced" \
	"$(q "SELECT count(*) FROM span_view s WHERE run_id='all' AND module NOT LIKE '%calls_all'")" 0
expect_eq "--all: the start line says what is traced, in the singular for one" \
	"$(grep -c -F "tracing 1 function in 1 module of every process running $(realpath "$TMP/calls_all") (" "$TMP/all.log")" 1
expect_match "--all: the summary says 1 function" "$(cat "$TMP/all.log")" "run all: .*, 1 function, "

# --- two tracers writing one database at the same time: both runs whole ---
"$FERRET" trace --db "$TMP/shared.db" --run-id one -- "$PROGS/calls" 3000 >/dev/null 2>"$TMP/one.err" &
p1=$!
"$FERRET" trace --db "$TMP/shared.db" --run-id two -- "$PROGS/calls" 2000 >/dev/null 2>"$TMP/two.err" &
p2=$!
wait "$p1"; rc1=$?
wait "$p2"; rc2=$?
expect_eq "two tracers on one file: both succeed" "$rc1,$rc2" "0,0"
expect_match "summary: one thread in the singular" "$(cat "$TMP/one.err")" "run one: .*, 1 thread, lost "
expect_eq "two tracers on one file: leaf calls 6000 and 4000" \
	"$(sqlite3 "$TMP/shared.db" "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM span_view WHERE function='leaf' GROUP BY run_id ORDER BY run_id)")" "6000,4000"
expect_eq "two tracers on one file: every span id once, no orphan parent" \
	"$(sqlite3 "$TMP/shared.db" "SELECT count(*) FROM spans c LEFT JOIN spans p ON p.span_id = c.parent_id WHERE c.parent_id IS NOT NULL AND (p.span_id IS NULL OR p.thread != c.thread)")" 0
