#!/usr/bin/env bash
# Every output `tapvs replay` makes from the shipped captures (pcaps/), written under OUT, and their
# SHA-256 sums on stdout, one line a file. A refactoring keeps these bytes: the test
# `replay outputs` (tests/CMakeLists.txt) compares the sums with tests/golden/replay_outputs.sha256,
# and `scripts/replay-outputs.sh --update` rewrites that file (review `git diff` before committing).
#
# Usage: scripts/replay-outputs.sh [--update|--check] [--tapvs PATH] [OUT]
#   --check: exit 1, showing which files changed, when the sums differ from the golden file.
#   OUT defaults to a temporary directory, removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tapvs=$here/build/tapvs
update=0
check=0
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --update) update=1 ;;
    --check) check=1 ;;
    --tapvs) tapvs=$2; shift ;;
    *) out=$1 ;;
  esac
  shift
done
if [[ -z $out ]]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/tapvs-replay-outputs-XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
cd "$here/pcaps"

# One run: NAME, then tapvs replay's arguments. stdout, stderr and the exit status are kept.
run() {
  local name=$1
  shift
  mkdir -p "$out/$name"
  local rc=0
  "$tapvs" replay "$@" >"$out/$name/stdout" 2>"$out/$name/stderr" || rc=$?
  echo "$rc" >"$out/$name/status"
}

for c in nat dr tun persist udp weight drops; do
  run "$c" --config "$c/director.conf" "$c/client.pcap" --out "$out/$c/files"
  run "$c-quiet" --config "$c/director.conf" "$c/client.pcap" --quiet
  run "$c-list-at" --config "$c/director.conf" "$c/client.pcap" --list-at
  run "$c-at" --config "$c/director.conf" "$c/client.pcap" --at 0.5 --at 2.5 --at 400
  run "$c-epoch" --config "$c/director.conf" "$c/client.pcap" --epoch 1767225599.5 --quiet
done
run compare --config weight/director.conf weight/client.pcap --compare rr,wrr,lc,wlc,sh,mh \
  --plot "$out/compare/chart.svg"
run compare-udp --config udp/director.conf udp/client.pcap --compare sh,dh,lblc,lblcr,twos
run seed --config nat/director.conf nat/client.pcap --seed 7 --quiet
run port-named --config nat/director.conf --port eth0=nat/client.pcap --quiet
run missing --config nat/director.conf nat/missing.pcap
run no-capture --config nat/director.conf

cd "$out"
# The chart path is printed as given: the temporary directory is not part of the output.
find . -type f \( -name stdout -o -name stderr \) -print0 | xargs -0 sed -i "s|$out|OUT|g"
sums=$(find . -type f -print0 | sort -z | xargs -0 sha256sum)
golden=$here/tests/golden/replay_outputs.sha256
if [[ $check == 1 ]]; then
  if ! diff <(cat "$golden") <(printf '%s\n' "$sums"); then
    echo "replay outputs differ from $golden (< golden, > now); the outputs are in $out" >&2
    trap - EXIT
    exit 1
  fi
  echo "replay outputs: $(printf '%s\n' "$sums" | wc -l) files byte-identical to $golden"
elif [[ $update == 1 ]]; then
  printf '%s\n' "$sums" >"$golden"
  echo "wrote tests/golden/replay_outputs.sha256 ($(printf '%s\n' "$sums" | wc -l) files)" >&2
else
  printf '%s\n' "$sums"
fi
