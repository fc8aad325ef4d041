#!/usr/bin/env bash
# README's main command: installs what is missing, builds, and replays the guide's LVS-NAT example
# (a capture of four clients talking to 192.168.1.10:80) through the director, printing which real
# server got each connection and ipvsadm's view at the end. (It becomes the NAT lab once the live
# director and the labs exist.)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
BUILD_DIR=${TAPVS_BUILD_DIR:-build}
OUT=${TAPVS_OUT:-out/nat}
echo
echo "== tapvs replay --config pcaps/nat/director.conf pcaps/nat/client.pcap --out $OUT"
"$BUILD_DIR/tapvs" replay --config pcaps/nat/director.conf pcaps/nat/client.pcap --out "$OUT"
echo
echo "The frames the director sent are in $OUT/eth0.pcap and $OUT/eth1.pcap (tcpdump -nr, Wireshark)."
