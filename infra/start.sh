#!/usr/bin/env bash
# npm start: install what is missing, then run the whole system on this machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash infra/setup.sh
source var/setup.env
exec node --import tsx signaling/src/index.ts
