#!/usr/bin/env bash
# Measures the engine's per-packet cost (Google Benchmark, Release build, one core).
# Usage: scripts/bench.sh [extra --benchmark_* flags], e.g. --benchmark_filter=Established
set -euo pipefail
cd "$(dirname "$0")/.."
# The packages (setup.sh would also build RelWithDebInfo; the bench wants Release, configured here).
TAPVS_SETUP_PACKAGES_ONLY=1 ./scripts/setup.sh >/dev/null
BUILD_DIR=${TAPVS_BENCH_DIR:-build-bench}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPVS_BUILD_TESTS=OFF -DTAPVS_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target tapvs_bench -j "$(nproc)"
exec taskset -c 0 "$BUILD_DIR/tests/bench/tapvs_bench" --benchmark_min_time=0.5 "$@"
