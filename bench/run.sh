#!/usr/bin/env bash
# npm run bench -- NAME [args]: runs bench/NAME.ts inside its own network namespace (loopback only).
# Each benchmark prints its figures and writes bench/results/NAME.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
name="${1:-}"
if [ -z "$name" ] || [ ! -f "bench/$name.ts" ]; then
  echo "usage: npm run bench -- NAME   (NAME: $(cd bench && ls *.ts | sed 's/\.ts$//' | grep -v '^lib' | tr '\n' ' '))" >&2
  exit 2
fi
shift
source var/setup.env
mkdir -p bench/results
export LOG_LEVEL="${LOG_LEVEL:-error}"
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
  exec unshare -n bash -c 'ip link set lo up && exec node --import tsx "bench/$0.ts" "$@"' "$name" "$@"
else
  echo "[bench] cannot create a network namespace (needs root); running on the host's loopback" >&2
  exec node --import tsx "bench/$name.ts" "$@"
fi
