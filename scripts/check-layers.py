#!/usr/bin/env python3
"""The layers hold: no file of src/ or include/ includes a header of a layer above its own.

    util < net < core < ctl < io < lab < grade < app

  util   include/tapvs/util                    small helpers (Result, escaping)
  net    src/net, include/tapvs/net            frames: views, parsing, checksums, drop reasons
  core   src/core (and core/sched, core/fwd)   IPVS, the connection table, the host, the engine
  ctl    src/ctl (and ctl/parse)               the command language and ipvsadm's texts
  io     src/io                                the director driver, recordings, TAPs, pcaps, control socket
  lab    src/lab                               labs in network namespaces, their checks and report
  grade  src/grade                             grading submissions in labs
  app    src/app                               the programs tapvs and tapvsadm

A layer includes its own headers and those of the layers below it. A private header (one under
src/, included as "LAYER/...") is included by its own layer only, and never from include/.

Usage: scripts/check-layers.py [ROOT]   (ROOT: the repository, default this script's)
Prints each wrong include as FILE:LINE: what is wrong, and exits 1 when there is one.
"""
import pathlib
import re
import sys

ORDER = ["util", "net", "core", "ctl", "io", "lab", "grade", "app"]
RANK = {name: i for i, name in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(rel: pathlib.PurePosixPath):
    parts = rel.parts
    if len(parts) >= 3 and parts[0] == "include" and parts[1] == "tapvs":
        return parts[2] if parts[2] in RANK else None
    if len(parts) >= 2 and parts[0] == "src":
        return parts[1] if parts[1] in RANK else None
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    wrong = []
    files = sorted(p for d in ("src", "include") for p in (root / d).rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    for path in files:
        rel = pathlib.PurePosixPath(path.relative_to(root).as_posix())
        mine = layer_of(rel)
        if mine is None:
            wrong.append(f"{rel}:1: not in a layer ({', '.join(ORDER)})")
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            first = target.split("/", 1)[0]
            if first == "tapvs":  # a public header: include/tapvs/LAYER/...
                theirs = target.split("/")[1] if target.count("/") >= 2 else None
                if theirs not in RANK:
                    wrong.append(f"{rel}:{n}: \"{target}\" is in no layer")
                elif RANK[theirs] > RANK[mine]:
                    wrong.append(f"{rel}:{n}: {mine} includes \"{target}\" of {theirs}, a layer above it")
            elif first in RANK:  # a private header: src/LAYER/...
                if rel.parts[0] == "include":
                    wrong.append(f"{rel}:{n}: a public header includes the private \"{target}\"")
                elif first != mine:
                    wrong.append(f"{rel}:{n}: {mine} includes \"{target}\", a private header of {first}")
            # anything else is a file beside this one ("html.hpp") or outside the project
    for w in wrong:
        print(w)
    if wrong:
        print(f"check-layers: {len(wrong)} include(s) against the layers ({' < '.join(ORDER)})", file=sys.stderr)
        return 1
    print(f"check-layers: {len(files)} files, every include within the layers ({' < '.join(ORDER)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
