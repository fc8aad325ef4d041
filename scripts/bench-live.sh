#!/usr/bin/env bash
# Throughput through the live director (root): bulk TCP both ways, 64-byte UDP datagrams, HTTP
# connections per second, for NAT and DR, with the TAPs' offloads on and off. Installs iperf3 when
# missing, builds, then runs tests/netns/director_e2e.sh with TAPVS_E2E_BENCH=SECONDS (default 5)
# and prints its "bench:" lines. Client, director and servers share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-5}
[ "$(id -u)" = 0 ] || { echo "bench-live.sh: needs root (namespaces, TAPs)" >&2; exit 1; }
./scripts/setup.sh
if ! command -v iperf3 >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iperf3 >/dev/null
fi
BUILD_DIR=${TAPVS_BUILD_DIR:-build}
cmake --build "$BUILD_DIR" --target tapvs tapvsadm -j "$(nproc)" >/dev/null
for mode in nat dr; do
  for offloads in on off; do
    log=$(mktemp)
    if [ $offloads = off ]; then export TAPVS_E2E_NO_OFFLOADS=1; else unset TAPVS_E2E_NO_OFFLOADS; fi
    if TAPVS_E2E_REQUESTS=0 TAPVS_E2E_BENCH=$SECONDS_EACH tests/netns/director_e2e.sh $mode "$BUILD_DIR/tapvs" >"$log" 2>&1; then
      grep '^bench:' "$log" || { echo "bench-live.sh: no numbers for $mode offloads $offloads (is iperf3 there?)"; }
    else
      echo "bench-live.sh: $mode offloads $offloads failed:"; tail -n 20 "$log"
    fi
    rm -f "$log"
  done
done
