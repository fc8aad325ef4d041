#!/usr/bin/env bash
# Measures tapvs replay: 1,000,000 frames over 100,000 connections through the guide's NAT
# director, with file I/O (pcaps + trace.jsonl) and the engine alone. Usage: scripts/bench-replay.sh [CONNS FRAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-100000}
FRAMES=${2:-1000000}
./scripts/setup.sh >/dev/null
B=${TAPVS_BUILD_DIR:-build}
TMP=$(mktemp -d /tmp/tapvs-bench-replay.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
for WINDOW in "$CONNS" 1000; do
  echo "== $FRAMES frames over $CONNS connections, $WINDOW open at a time"
  "$B/tests/tapvs_make_big_pcap" "$CONNS" "$FRAMES" "$TMP/big.pcap" "$WINDOW"
  "$B/tapvs" replay --config pcaps/nat/director.conf "$TMP/big.pcap" --out "$TMP/out" -q --timing | head -1
  ls -l "$TMP/out"
  rm -rf "$TMP/out"
done
