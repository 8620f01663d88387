#!/usr/bin/env bash
# Installs what Yilian needs on Debian 12, offline-capable (Debian and npm mirrors only), and
# idempotently: on a machine where everything is in place it only checks and returns.
#   1. Debian packages (apt-get, as root)
#   2. npm dependencies (npm ci --ignore-scripts: mediasoup's own install script needs the internet)
#   3. the mediasoup worker, built from the npm tarball against Debian's libraries, cached outside the repo
#   4. the console bundle (vite build), rebuilt when its sources change
# Writes var/setup.env for the start, test and bench scripts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { echo "[setup] $*" >&2; }

packages=(
  redis-server ffmpeg chromium openssl iproute2 fonts-wqy-zenhei
  meson ninja-build pkg-config g++ libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi

lock_sha="$(sha256sum package-lock.json | cut -c1-16)"
if [ "$(cat node_modules/.yilian-lock 2>/dev/null)" != "$lock_sha" ]; then
  log "installing npm dependencies"
  npm ci --ignore-scripts --no-audit --no-fund >&2
  echo "$lock_sha" > node_modules/.yilian-lock
fi

if [ -n "${MEDIASOUP_WORKER_BIN:-}" ] && [ -x "${MEDIASOUP_WORKER_BIN}" ]; then
  worker_bin="$MEDIASOUP_WORKER_BIN"
else
  worker_bin="$(bash infra/mediasoup-worker/build.sh | tail -n 1)"
fi

console_sha="$(find console/src console/index.html console/vite.config.ts signaling/src/protocol -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ "$(cat console/dist/.yilian-build 2>/dev/null)" != "$console_sha" ]; then
  log "building the console"
  node_modules/.bin/vite build --config console/vite.config.ts --logLevel warn >&2
  echo "$console_sha" > console/dist/.yilian-build
fi

mkdir -p var
cat > var/setup.env <<ENV
export MEDIASOUP_WORKER_BIN='$worker_bin'
ENV
