#!/usr/bin/env bash
# Installs, idempotently, the tools only `make bench` needs: the peers ferret is compared
# against (bpftrace, uftrace, both from Debian 12's main suite), GNU time for peak RSS, and
# the real programs of the "real" part (sqlite3, redis-server with redis-benchmark, python3.11).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-bench.sh: run as root (it installs Debian packages)" >&2
	exit 1
fi

# bpftrace 0.17 creates its uprobes through tracefs, which a minimal VM may not have mounted.
if [ ! -e /sys/kernel/tracing/uprobe_events ] && ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs nodev /sys/kernel/tracing
fi

want=""
for p in bpftrace uftrace time binutils sqlite3 redis-server redis-tools python3.11; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want="$want $p"
done
[ -z "$want" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $want >/dev/null
