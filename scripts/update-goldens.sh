#!/usr/bin/env bash
# Regenerates the golden files the replay tests compare against: pcaps/<case>/decisions.jsonl (the
# `schedule` events of each case's trace, verbatim) and pcaps/matrix/decisions.txt (every scheduler x
# method x persistence). It remakes the captures first (tapvs_make_pcaps, deterministic), then runs the
# golden tests of tests_io with TAPVS_UPDATE_GOLDENS=1 (they write instead of compare), then once more
# normally.
#
# A golden is only as good as its review: read `git diff pcaps/` and check every decision that changed
# against the kernel (pcaps/README.md shows the arithmetic for each case) before committing. A change you
# cannot explain from the kernel's sources is a bug to fix, not a golden to accept.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
BUILD_DIR=${TAPVS_BUILD_DIR:-build}
"$BUILD_DIR/tests/tapvs_make_pcaps" pcaps
# Writing: a check that runs before the file it looks for is written may fail here; the run after is the judge.
TAPVS_UPDATE_GOLDENS=1 "$BUILD_DIR/tests/tests_io" "[golden]" >/dev/null || true
"$BUILD_DIR/tests/tests_io" "[golden]"
# Every output of tapvs replay over the captures, as SHA-256 sums (tests/golden/replay_outputs.sha256).
./scripts/replay-outputs.sh --update --tapvs "$BUILD_DIR/tapvs"
git --no-pager diff --stat -- pcaps tests/golden/replay_outputs.sha256
echo "Review the changes (git diff pcaps/ tests/golden/) against the kernel before committing them."
