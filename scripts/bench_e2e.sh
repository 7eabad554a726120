# shellcheck shell=bash
# Part 4 of `make bench` (sourced by bench.sh): end to end, two threads calling
# nop5-entry functions as fast as they can; every call must come back as a span.

E2E_CALLS_PER_THREAD=1000000

bench_e2e() {
	local rep db=$WORK/e2e.db bin=$BENCH_DIR/threads2 spans
	say "end-to-end, 2 threads x $E2E_CALLS_PER_THREAD calls x $REPS runs"
	for ((rep = 0; rep < REPS; rep++)); do
		sample e2e.untraced_ns "$(awk '{ print ($4 + $5) / 2 }' <("$bin" "$E2E_CALLS_PER_THREAD"))"
		rm_db "$db"
		/usr/bin/time -f '%M' -o "$WORK/rss" timeout -s INT 900 \
			"$FERRET" trace --db "$db" -f 'leaf_*' -- "$bin" "$E2E_CALLS_PER_THREAD" > "$WORK/out" 2> "$WORK/err"
		if [ -z "$(field "$WORK/out" calls)" ]; then
			say "ferret on threads2 failed: $(grep -v '^ *libbpf' "$WORK/err" | tail -1)"
			continue
		fi
		sample e2e.calls "$(field "$WORK/out" calls)"
		sample e2e.ferret_ns "$(awk '{ print ($4 + $5) / 2 }' "$WORK/out")"
		read -r spans _ < <(db_spans_lost "$db")
		sample e2e.spans "${spans:-0}"
		sample e2e.lost "$(sqlite3 "$db" 'SELECT lost_events FROM runs ORDER BY id DESC LIMIT 1')"
		sample e2e.ferret_rss_kb "$(tail -1 "$WORK/rss")"
		rm_db "$db"
	done
}
