#!/usr/bin/env bash
# Regenerates the captures in pcaps/ (deterministic: the same bytes every run).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
"${TAPVS_BUILD_DIR:-build}/tests/tapvs_make_pcaps" pcaps
