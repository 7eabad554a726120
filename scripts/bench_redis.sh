# shellcheck shell=bash
# The redis row of part 5 (sourced by bench.sh): a redis-server started by the bench on a
# unix socket, `redis-benchmark -t get,set -n REQUESTS -q` against it, untraced, with ferret
# attached by PID (default selection), with bpftrace by PID if the set is small enough, and
# with the server itself run under `uftrace record -P .`.

REDIS_SOCK='' REDIS_PID=''

redis_start() { # [WRAPPER...]: the server, run by WRAPPER if given; 1 if it does not answer
	local i
	REDIS_SOCK=$WORK/redis.sock
	rm -f "$REDIS_SOCK"
	"$@" /usr/bin/redis-server --port 0 --unixsocket "$REDIS_SOCK" --save '' --appendonly no \
		--dir "$WORK" > "$WORK/redis.log" 2>&1 &
	REDIS_PID=$!
	for ((i = 0; i < 200; i++)); do
		redis-cli -s "$REDIS_SOCK" ping 2> /dev/null | grep -q PONG && return 0
		sleep 0.05
	done
	say "redis-server did not start: $(tail -1 "$WORK/redis.log")"
	redis_stop
	return 1
}

redis_stop() {
	redis-cli -s "$REDIS_SOCK" shutdown nosave > /dev/null 2>&1
	stop_pid "$REDIS_PID" 30 > /dev/null || true
	REDIS_PID=
}

# redis_load KEY: one redis-benchmark run; KEY gets the seconds its GET and SET took.
redis_load() {
	local s
	s=$(redis-benchmark -s "$REDIS_SOCK" -t get,set -n "$REAL_REDIS_REQUESTS" -q 2> /dev/null | tr '\r' '\n' |
		awk -v n="$REAL_REDIS_REQUESTS" '/requests per second/ && $2 > 0 { t += n / $2; k++ }
			END { if (k == 2) printf "%.6f\n", t; else print "NA" }')
	sample "$1" "$s"
	[ "$s" != NA ]
}

# redis_ferret NAME OPTIONS: ferret attached to the running server during one load
# (its "tracing N functions ... (Ctrl-C to stop)" line comes once the probes are in).
redis_ferret() {
	local key=real.redis.$1 db=$WORK/real.db pid
	rm_db "$db"
	# shellcheck disable=SC2086 # the options are words
	"$FERRET" trace --db "$db" -p "$REDIS_PID" $2 > /dev/null 2> "$WORK/real.err" &
	pid=$! BENCH_BG_PID=$!
	if ! wait_for_line "$WORK/real.err" 'Ctrl-C to stop' 120; then
		say "ferret did not attach to redis-server: $(grep -v '^ *libbpf' "$WORK/real.err" | tail -1)"
		stop_pid "$pid" 10
		sample "$key.wall_s" NA
		return 1
	fi
	redis_load "$key.wall_s"
	stop_pid "$pid" 300 || say "ferret on redis-server needed SIGKILL"
	# shellcheck disable=SC2034 # read by bench.sh's exit trap
	BENCH_BG_PID=
	real_ferret_figures "$key" "$WORK/real.err" "$db"
	rm_db "$db"
}

redis_uftrace() {
	rm -rf "$WORK/uftrace.data"
	redis_start uftrace record -d "$WORK/uftrace.data" -P . --force || { sample real.redis.uftrace.wall_s NA; return 1; }
	redis_load real.redis.uftrace.wall_s
	redis_stop
	sample real.redis.uftrace.calls "$(uftrace report -d "$WORK/uftrace.data" 2> /dev/null |
		awk '$NF !~ /^linux:/ && $(NF - 1) ~ /^[0-9]+$/ { n += $(NF - 1) } END { print n + 0 }')"
	rm -rf "$WORK/uftrace.data"
}

bench_redis() {
	local rep variant
	say "real program redis-server: untraced, ${FERRET_VARIANTS[*]%%:*}, uftrace x $REAL_REPS; bpftrace once"
	redis_start || return 1
	sample real.redis.requests "$REAL_REDIS_REQUESTS"
	for ((rep = 0; rep < REAL_REPS; rep++)); do
		redis_load real.redis.untraced.wall_s
		for variant in "${FERRET_VARIANTS[@]}"; do
			redis_ferret "${variant%%:*}" "${variant#*:}"
		done
	done
	if ! bpftrace_real_skip redis "$(med_of real.redis.ferret.functions)" && bpftrace_start redis "$REDIS_PID"; then
		redis_load real.redis.bpftrace.wall_s
		bpftrace_stop
	fi
	redis_stop
	for ((rep = 0; rep < REAL_REPS; rep++)); do
		redis_uftrace
	done
}
