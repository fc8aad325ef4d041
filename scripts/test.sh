#!/usr/bin/env bash
# README's test command: installs what is missing, builds with warnings as errors, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# The labs test loads each lab's report.html in headless Chromium: test-only packages, so asked for
# here and not installed by the main job.
./scripts/setup.sh chromium fonts-dejavu-core
BUILD_DIR=${TAPVS_BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
