#!/usr/bin/env bash
# Installs the test-only viewer tools into tests/viewer/node_modules, pinned by
# tests/viewer/package-lock.json: the Speedscope app and its file format schema, ajv (JSON
# Schema validator), playwright-core (drives Debian's /usr/bin/chromium). Needs node and npm
# (scripts/setup.sh installs them, and chromium, python3-opentelemetry-proto).
#
# Idempotent: does nothing when the installed tree matches the lock file. Offline-tolerant:
# npm tries its cache first; without network and without a cache, it says so and fails.
set -euo pipefail
cd "$(dirname "$0")/../tests/viewer"

stamp=node_modules/.ferret-lock.sha256
want=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)

installed() {
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
		[ -f node_modules/speedscope/dist/release/index.html ] &&
		[ -f node_modules/speedscope/dist/release/file-format-schema.json ] &&
		[ -d node_modules/ajv ] && [ -d node_modules/playwright-core ]
}

if installed; then
	exit 0
fi
if ! command -v npm >/dev/null; then
	echo "setup-viewer.sh: npm is missing (run scripts/setup.sh)" >&2
	exit 1
fi
# playwright-core must not download browsers: the tests use Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! timeout 600 npm ci --prefer-offline --no-audit --no-fund --loglevel=error; then
	echo "setup-viewer.sh: npm ci failed (offline with an empty npm cache?);" \
		"the viewer tests need tests/viewer/node_modules" >&2
	exit 1
fi
echo "$want" > "$stamp"
[ -x /usr/bin/chromium ] ||
	echo "setup-viewer.sh: warning: /usr/bin/chromium is missing (scripts/setup.sh installs it)" >&2
