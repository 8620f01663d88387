#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline from the npm tarball's sources against Debian 12's
# libraries (see ../../README.md, "Offline installation"). The binary is cached outside the repo,
# keyed by mediasoup version and by this patch, and reused on later runs.
# Prints the path of the worker binary on its last line of stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ms_dir="$root/node_modules/mediasoup"
[ -f "$ms_dir/package.json" ] || { echo "mediasoup is not installed in node_modules (run npm install first)" >&2; exit 1; }
version="$(node -p "require('$ms_dir/package.json').version")"
patch_key="$(sha256sum <"$here/patch-meson.mjs" | cut -c1-12)"
cache_root="${YILIAN_CACHE_DIR:-$HOME/.cache/yilian}"
out_dir="$cache_root/mediasoup-worker/$version-$patch_key"
bin="$out_dir/mediasoup-worker"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

missing=()
for pc in openssl nlohmann_json libuv libsrtp2 usrsctp absl_flat_hash_map; do
  pkg-config --exists "$pc" 2>/dev/null || missing+=("$pc")
done
for tool in meson ninja g++ pkg-config; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "cannot build the mediasoup worker: missing ${missing[*]}." >&2
  echo "install: apt-get install -y meson ninja-build pkg-config g++ libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/yilian-msworker.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$ms_dir/worker" "$work/worker"
rm -rf "$work/worker/subprojects" "$work/worker/out"
node "$here/patch-meson.mjs" "$work/worker" >&2
echo "building mediasoup-worker $version (a few minutes on 2 cores, once)…" >&2
(
  cd "$work/worker"
  meson setup build --buildtype=release --wrap-mode=nodownload -Dcpp_args=-I/usr/include/srtp2 >"$work/meson.log" 2>&1 \
    || { tail -40 "$work/meson.log" >&2; exit 1; }
  ninja -C build mediasoup-worker >"$work/ninja.log" 2>&1 \
    || { grep -m 20 -B2 -A5 'error' "$work/ninja.log" >&2 || tail -40 "$work/ninja.log" >&2; exit 1; }
)
mkdir -p "$out_dir"
cp "$work/worker/build/mediasoup-worker" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
