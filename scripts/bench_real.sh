# shellcheck shell=bash
# Part 5 of `make bench` (sourced by bench.sh): real Debian programs, untraced vs ferret
# vs bpftrace vs uftrace on the same function set where each can trace it:
#   sqlite3     a fixed SQL script (20,000 inserts in a transaction, then queries),
#               -f 'libsqlite3:sqlite3_*'
#   python3.11  a fixed Python script, the default selection (the interpreter's functions)
#   redis       redis-server traced by PID (default selection) under redis-benchmark
# Times are wall clock: the whole command (sqlite3, python3.11), or redis-benchmark's own
# figures (requests per second of GET and SET, turned into seconds).

REAL_REPS=${BENCH_REAL_REPS:-2}
REAL_PROGS=${BENCH_REAL_PROGS:-sqlite3 python redis}
# Traced with the default selection, a redis-benchmark request costs ~200 ms of probes here:
# 10,000 requests keep the run near a minute (the README's row: BENCH_REDIS_REQUESTS=100000).
# shellcheck disable=SC2034 # read by bench_redis.sh
REAL_REDIS_REQUESTS=${BENCH_REDIS_REQUESTS:-10000}
BPFTRACE_REAL_MAX_PROBES=600 # bpftrace detaches ~8 perf uprobes a second: larger sets are skipped
LIBSQLITE=$(realpath /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 2>/dev/null)
PYTHON=/usr/bin/python3.11

# The ferret rows: "NAME:OPTIONS". A row for an option ferret has: one line each.
# (The help is read whole first: grep -q stops at its match, and under pipefail the SIGPIPE
# ferret then got would drop the row.)
FERRET_VARIANTS=("ferret:")
FERRET_TRACE_HELP=$("$FERRET" trace --help 2>&1)
grep -q -- --overhead <<< "$FERRET_TRACE_HELP" && FERRET_VARIANTS+=("ferret_overhead10:--overhead 10%")
# Without following context switches (no on-CPU/blocked time): its cost side by side.
grep -q -- --no-sched <<< "$FERRET_TRACE_HELP" && FERRET_VARIANTS+=("ferret_nosched:--no-sched")

real_workloads() {
	local i
	{
		echo 'BEGIN; CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v REAL);'
		for ((i = 1; i <= 20000; i++)); do echo "INSERT INTO t(name, v) VALUES('name-$i', $i.5);"; done
		echo 'COMMIT;'
		echo 'SELECT count(*), sum(v) FROM t;'
		echo 'SELECT name FROM t WHERE id % 1000 = 0 ORDER BY v DESC LIMIT 5;'
		echo 'CREATE INDEX t_name ON t(name);'
		echo "SELECT count(*) FROM t WHERE name LIKE 'name-1%';"
	} > "$WORK/real.sql"
	cat > "$WORK/real.py" <<'EOF'
# The Python workload of `make bench`: calls, dicts, strings, a sort, JSON.
import json


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


counts = {}
for w in [f"w{i % 97}-{i}" for i in range(20000)]:
    key = w.split("-")[0]
    counts[key] = counts.get(key, 0) + 1
data = json.dumps(sorted(counts.items()))
print(fib(20), len(json.loads(data)), sum(counts.values()))
EOF
}

# The command of each program (sqlite3 reads the script on stdin: real_stdin).
real_cmd() {
	case $1 in
	sqlite3) echo "/usr/bin/sqlite3 $WORK/real-sqlite.db" ;;
	python) echo "$PYTHON $WORK/real.py" ;;
	esac
}
real_stdin() { [ "$1" = sqlite3 ] && echo "$WORK/real.sql" || echo /dev/null; }
real_selection() { [ "$1" = sqlite3 ] && echo 'libsqlite3:sqlite3_*'; }
real_bpftrace_target() {
	case $1 in
	sqlite3) echo "$LIBSQLITE:sqlite3_*" ;;
	python) echo "$PYTHON:*" ;;
	redis) echo "/usr/bin/redis-server:*" ;;
	esac
}

# real_ferret_figures KEY ERRFILE DB: spans, lost events, functions, single-stepped share.
real_ferret_figures() {
	local key=$1 err=$2 db=$3 line spans lost start end
	# "ferret: run R: 462474 spans (0 incomplete), 1472 functions, 1 thread, lost 0 events -> DB"
	line=$(grep -m1 '^ferret: run .* spans' "$err")
	sample "$key.functions" "$(grep -o '[0-9]* functions' <<< "$line" | awk '{ print $1 }')"
	# "ferret: calls on single-stepped probes: 44341 of 462474 (9.6 %)"
	line=$(grep -m1 'calls on single-stepped probes' "$err")
	sample "$key.stepped_calls" "$(awk '{ print $6 }' <<< "$line")"
	sample "$key.stepped_of" "$(awk '{ print $8 }' <<< "$line")"
	read -r spans lost < <(db_spans_lost "$db")
	sample "$key.spans" "${spans:-NA}"
	sample "$key.lost" "${lost:-NA}"
	read -r start end < <(sqlite3 -separator ' ' "$db" 'SELECT start_ns, end_ns FROM run_view LIMIT 1' 2>/dev/null)
	[ -z "$end" ] || sample "$key.run_s" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }')"
}

# timed KEY STDIN CMD...: runs CMD, records its wall time as KEY.
timed() {
	local key=$1 in=$2 t0 rc
	shift 2
	rm_db "$WORK/real-sqlite.db"
	t0=$(now_s)
	"$@" < "$in" > "$WORK/real.out" 2> "$WORK/real.err"
	rc=$?
	sample "$key" "$([ "$rc" -eq 0 ] && elapsed "$t0" "$(now_s)" || echo NA)"
	[ "$rc" -eq 0 ] || say "$key: exit $rc: $(grep -v '^ *libbpf' "$WORK/real.err" | tail -1)"
	return "$rc"
}

real_ferret() {
	local prog=$1 opts=$3 key=real.$1.$2 db=$WORK/real.db sel
	sel=$(real_selection "$prog")
	rm_db "$db"
	# shellcheck disable=SC2046,SC2086 # the command and the options are words
	timed "$key.wall_s" "$(real_stdin "$prog")" timeout -s INT 900 "$FERRET" trace --db "$db" \
		${sel:+-f "$sel"} $opts -- $(real_cmd "$prog") || return 1
	real_ferret_figures "$key" "$WORK/real.err" "$db"
	rm_db "$db"
}

# bpftrace_real_script TARGET: an entry and a return probe on every function, counted.
bpftrace_real_script() {
	printf 'BEGIN { printf("ready\\n"); } uprobe:%s { @calls = count(); } uretprobe:%s { @returns = count(); }' "$1" "$1"
}

# bpftrace_real_skip PROG FUNCTIONS: 0 (and the skip recorded) if the set is too large.
bpftrace_real_skip() {
	[ "$((2 * ${2:-0}))" -gt "$BPFTRACE_REAL_MAX_PROBES" ] || return 1
	sample "real.$1.bpftrace_skipped_probes" "$((2 * $2))"
	say "$1: bpftrace skipped ($((2 * $2)) probes; detaching them takes ~$((2 * $2 / 8)) s)"
}

# bpftrace_start PROG [PID]: bpftrace attached in the background (BENCH_BG_PID), or 1.
bpftrace_start() {
	local pid_opt=()
	[ -z "${2:-}" ] || pid_opt=(-p "$2")
	: > "$WORK/bt.out"
	BPFTRACE_MAX_PROBES=100000 bpftrace "${pid_opt[@]}" -e "$(bpftrace_real_script "$(real_bpftrace_target "$1")")" \
		> "$WORK/bt.out" 2> "$WORK/bt.err" &
	BENCH_BG_PID=$!
	wait_for_line "$WORK/bt.out" '^ready' 300 && return 0
	say "bpftrace did not attach to $1: $(tail -1 "$WORK/bt.err")"
	bpftrace_stop
	return 1
}

bpftrace_stop() {
	stop_pid "$BENCH_BG_PID" 600 || say "bpftrace needed SIGKILL"
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BG_PID=
}

real_bpftrace() {
	local prog=$1
	bpftrace_real_skip "$prog" "$(med_of "real.$prog.ferret.functions")" && return 0
	bpftrace_start "$prog" || return 1
	# shellcheck disable=SC2046
	timed "real.$prog.bpftrace.wall_s" "$(real_stdin "$prog")" $(real_cmd "$prog")
	bpftrace_stop
	sample "real.$prog.bpftrace.probes" "$(grep -o 'Attaching [0-9]*' "$WORK/bt.err" "$WORK/bt.out" | awk '{ print $2 }' | head -1)"
	sample "real.$prog.bpftrace.calls" "$(awk '/^@calls:/ { print $2 }' "$WORK/bt.out")"
}

# uftrace on an unmodified binary: -P . patches the functions it has symbols for (x86
# dynamic patching); the library calls through the PLT are recorded as well.
real_uftrace() {
	local prog=$1 key=real.$1.uftrace
	rm -rf "$WORK/uftrace.data"
	# shellcheck disable=SC2046
	timed "$key.wall_s" "$(real_stdin "$prog")" uftrace record -d "$WORK/uftrace.data" -P . --force \
		$(real_cmd "$prog") || return 1
	sample "$key.calls" "$(uftrace report -d "$WORK/uftrace.data" 2>/dev/null |
		awk '$NF !~ /^linux:/ && $(NF - 1) ~ /^[0-9]+$/ { n += $(NF - 1) } END { print n + 0 }')"
	rm -rf "$WORK/uftrace.data"
}

# med_of KEY: the median of KEY's samples so far (for decisions during the run).
med_of() {
	awk -F '\t' -v k="$1" '$1 == k && $2 != "NA" { print $2 }' "$SAMPLES" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

real_program() {
	local prog=$1 rep variant
	say "real program $prog: untraced, ${FERRET_VARIANTS[*]%%:*}, uftrace x $REAL_REPS; bpftrace once"
	for ((rep = 0; rep < REAL_REPS; rep++)); do
		# shellcheck disable=SC2046
		timed "real.$prog.untraced.wall_s" "$(real_stdin "$prog")" $(real_cmd "$prog")
		for variant in "${FERRET_VARIANTS[@]}"; do
			real_ferret "$prog" "${variant%%:*}" "${variant#*:}"
		done
		real_uftrace "$prog"
	done
	real_bpftrace "$prog"
}

bench_real() {
	local prog
	real_workloads
	for prog in $REAL_PROGS; do
		case $prog in
		sqlite3 | python) real_program "$prog" ;;
		redis) bench_redis ;;
		*) die "unknown real program '$prog' (sqlite3, python, redis)" ;;
		esac
	done
}
