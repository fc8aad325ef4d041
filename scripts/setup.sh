#!/usr/bin/env bash
# Installs the Debian 12 packages tapvs builds with, and any named as arguments (only those
# missing), then configures and builds it. Used by README's two commands; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ninja-build pkg-config
          libboost-dev libcli11-dev catch2 libpcap-dev libfmt-dev nlohmann-json3-dev libbenchmark-dev
          iproute2 net-tools procps python3
          "$@")  # more packages a caller needs (scripts/test.sh: chromium for the labs' reports)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tapvs: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# TAPVS_SETUP_PACKAGES_ONLY=1: the packages only (scripts/bench.sh configures its own Release build).
[[ ${TAPVS_SETUP_PACKAGES_ONLY:-0} == 1 ]] && exit 0

BUILD_DIR=${TAPVS_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAPVS_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
