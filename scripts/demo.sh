#!/usr/bin/env bash
# README's main command (as root): installs what is missing, builds, and runs the guide's LVS-NAT lab
# end to end: a client, a director (tapvs run on TAPs) and two real servers in network namespaces,
# every step printed, run and checked, recorded under out/nat/. Everything it made is removed at the
# end (also on Ctrl-C). `./scripts/demo.sh dr` runs another lab; `tapvs lab list` lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "demo.sh: the lab makes network namespaces, bridges and TAPs: run it as root (sudo ./scripts/demo.sh)" >&2
  exit 1
fi
./scripts/setup.sh
BUILD_DIR=${TAPVS_BUILD_DIR:-build}
LAB=${1:-nat}
echo
exec "$BUILD_DIR/tapvs" lab run "$LAB" --out "${TAPVS_OUT:-out}"
