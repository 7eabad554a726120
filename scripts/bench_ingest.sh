# shellcheck shell=bash
# Part 3 of `make bench` (sourced by bench.sh): how fast the userspace side stores
# spans. bench_ingest feeds synthetic ring-buffer records through ingest.c, the span
# builder and the store, exactly as the consumer thread does, then reads the count back.

INGEST_SIZES="1000000 5000000"

bench_ingest() {
	local n rep db=$WORK/ingest.db
	for n in $INGEST_SIZES; do
		say "ingest, $n spans x $REPS"
		for ((rep = 0; rep < REPS; rep++)); do
			rm_db "$db"
			"$BENCH_DIR/bench_ingest" "$db" "$n" 4 > "$WORK/out" 2> "$WORK/err" ||
				say "bench_ingest $n: $(cat "$WORK/err" "$WORK/out" | tail -1)"
			if [ -z "$(field "$WORK/out" spans_per_s)" ]; then
				continue
			fi
			sample "ingest.$n.spans_per_s" "$(field "$WORK/out" spans_per_s)"
			sample "ingest.$n.stored" "$(field "$WORK/out" stored)"
			sample "ingest.$n.bytes_per_span" "$(field "$WORK/out" bytes_per_span)"
			sample "ingest.$n.peak_rss_kb" "$(field "$WORK/out" peak_rss_kb)"
			sample "ingest.$n.seconds" "$(field "$WORK/out" seconds)"
			sample "ingest.$n.close_seconds" "$(field "$WORK/out" close_seconds)"
			sample "ingest.$n.feed_rss_kb" "$(field "$WORK/out" feed_rss_kb)"
		done
		rm_db "$db"
	done
}
