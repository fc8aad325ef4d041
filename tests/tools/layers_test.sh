#!/usr/bin/env bash
# scripts/check-layers.py passes on the tree as it is, and fails, naming the file and line, on a copy
# with one wrong include planted in each way the layers can be broken.
set -euo pipefail
root=$1
check=$root/scripts/check-layers.py
"$check" "$root"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tapvs-layers-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
plant() {  # FILE INCLUDE EXPECTED-MESSAGE
  rm -rf "$tmp/tree" && mkdir "$tmp/tree" && cp -r "$root/src" "$root/include" "$tmp/tree/"
  printf '#include "%s"\n' "$2" >>"$tmp/tree/$1"
  local n
  n=$(wc -l <"$tmp/tree/$1")
  if out=$("$check" "$tmp/tree" 2>&1); then
    echo "FAIL: check-layers passed with #include \"$2\" planted in $1"
    exit 1
  fi
  grep -qF "$1:$n: $3" <<<"$out" || { echo "FAIL: for $1 it said: $out"; exit 1; }
  echo "ok: $1 including \"$2\" is refused: $(head -1 <<<"$out")"
}
plant src/core/host.cpp tapvs/io/trace.hpp 'core includes "tapvs/io/trace.hpp" of io, a layer above it'
plant include/tapvs/net/parse.hpp tapvs/core/engine.hpp 'net includes "tapvs/core/engine.hpp" of core'
plant src/grade/grader.cpp lab/lab_run.hpp 'grade includes "lab/lab_run.hpp", a private header of lab'
plant include/tapvs/io/director.hpp io/some_private.hpp 'a public header includes the private'
