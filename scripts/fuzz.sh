#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz for SECONDS (default 600) on its seed corpus,
# new inputs kept in build/fuzz/corpus-NAME. Usage: scripts/fuzz.sh NAME [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/fuzz.sh NAME [SECONDS]}
secs=${2:-600}
make --no-print-directory "build/fuzz/fuzz_$name"
mkdir -p "build/fuzz/corpus-$name"
exec "build/fuzz/fuzz_$name" -max_total_time="$secs" -rss_limit_mb=2048 \
	"build/fuzz/corpus-$name" "tests/fuzz/corpus/$name"
