#!/usr/bin/env bash
# Runs the map's tests with everything they need: Debian's chromium, and
# node_modules from package-lock.json (maplibre-gl, world-atlas,
# topojson-client, playwright-core, @tak-ps/node-cot). Without them `go test ./web/...` skips
# the browser test and the dist freshness check; with them both run.
#
#   web/test.sh                # install what is missing, then test
#   PICKET_SCREENSHOTS="$TMPDIR/shots" web/test.sh   # screenshots elsewhere
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi

go test -count=1 -run 'TestDistFresh|TestBrowser|TestHandler|TestIndexAssets|TestCoTParses' -v . 2>&1 | grep -v '^=== RUN'
