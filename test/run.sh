#!/usr/bin/env bash
# npm test: every test (unit, integration, end-to-end in Chromium) in one vitest run, inside a
# network namespace of its own so that all traffic stays on loopback. Ends with one line
# "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source var/setup.env
mkdir -p var
rm -f var/test-results.json
run='ip link set lo up && node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=var/test-results.json "$@"'
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
  unshare -n bash -c "$run" bash "$@"
else
  echo "[test] cannot create a network namespace (needs root); running on the host's loopback" >&2
  bash -c "${run#ip link set lo up && }" bash "$@"
fi
code=$?
node test/summary.mjs var/test-results.json "$code"
