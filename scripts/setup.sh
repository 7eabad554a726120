#!/usr/bin/env bash
# Installs, idempotently, everything ferret needs to build and test on Debian 12.
# libbpf >= 1.4 and bpftool come from bookworm-backports (bookworm ships libbpf 1.1).
set -euo pipefail

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: run as root (it installs Debian packages)" >&2
		exit 1
	fi
}

add_backports() {
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return
	fi
	echo "deb http://deb.debian.org/debian bookworm-backports main" \
		> /etc/apt/sources.list.d/ferret-backports.list
}

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

libbpf_recent() {
	local v
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null | sed 's/^[0-9]*://') || return 1
	dpkg --compare-versions "$v" ge 1.4
}

need_root
add_backports
BASE=(clang llvm make gcc g++ pkg-config libelf-dev libdw-dev libdebuginfod-dev zlib1g-dev libsqlite3-dev
	libcjson-dev libcapstone-dev libiberty-dev sqlite3 systemtap-sdt-dev)
# Test-only tools: the Speedscope app runs in Debian's Chromium, OTLP is checked with the official protos,
# Go builds the Go test programs (ferret refuses return probes on Go code); debuginfod serves
# debug files on loopback and libc6-dbg gives libc's static and IFUNC names, for the reach tests.
TEST=(chromium python3-opentelemetry-proto python3-protobuf golang-go debuginfod libc6-dbg)
# Rust test programs: Debian's rustc unless the machine has its own.
command -v rustc >/dev/null || TEST+=(rustc)
want=$(missing_packages "${BASE[@]}" "${TEST[@]}")
# A machine may already carry its own Node.js with npm bundled: only install Debian's when npm is absent.
command -v npm >/dev/null || want="$want nodejs npm"
want=$(echo $want)
if [ -n "$want" ] || ! libbpf_recent || ! command -v bpftool >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	[ -z "$want" ] || apt-get install -y -qq --no-install-recommends $want >/dev/null
	apt-get install -y -qq --no-install-recommends -t bookworm-backports libbpf-dev bpftool >/dev/null
fi
libbpf_recent || { echo "setup.sh: libbpf-dev >= 1.4 could not be installed" >&2; exit 1; }
bash "$(dirname "$0")/setup-viewer.sh"
