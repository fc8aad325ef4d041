#!/usr/bin/env python3
"""Checks what `tapvs grade` wrote (tests/netns/grade_test.sh).

  expect RESULTS.json SUBMISSION...   each submission's `# expect score: N` and `# expect hint: TEXT`
                                      lines (a hint is found in a failed test's hints)
  lines RESULTS.json NAME SPEC.tsv    the submission's lines: SPEC has LINE<TAB>OUTCOME<TAB>TEXT IN MESSAGE
  ran RECORDING_DIR MARKER...         no line that was not run has a record of running, and nothing
                                      run holds a MARKER (the grader's own `ip netns exec NS` aside)
  refused RESULTS.json NAME REASON    refused whole: score 0, every test failed with the reason
  gradescope FILE SCORE MAX           Gradescope's results.json fields
  junit FILE                          one testsuite per submission, one testcase per test
  csv FILE ROWS                       the header and ROWS rows
"""
import csv
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def load(path):
    with open(path) as f:
        return json.load(f)


def submission(results, key):
    for s in results["submissions"]:
        if s["path"] == key or s["name"] == key:
            return s
    fail(f"no submission {key} in the results")


def expectations(path):
    files = sorted(glob.glob(os.path.join(path, "*"))) if os.path.isdir(path) else [path]
    score, hints = None, []
    for f in files:
        with open(f, errors="replace") as fh:
            for line in fh:
                if line.startswith("# expect score:"):
                    score = int(line.split(":", 1)[1])
                elif line.startswith("# expect hint:"):
                    hints.append(line.split(":", 1)[1].strip())
    return score, hints


def cmd_expect(results_path, subs):
    results = load(results_path)
    said = []
    for p in subs:
        score, hints = expectations(p)
        if score is None:
            fail(f"{p} has no `# expect score:' line")
        s = submission(results, p)
        if s["error"]:
            fail(f"{p}: not graded: {s['error']}")
        if s["left_behind"]:
            fail(f"{p}: left behind: {s['left_behind']}")
        if s["score"] != score:
            lost = [(t["name"], t["hints"]) for t in s["tests"] if not t["passed"]]
            fail(f"{p}: score {s['score']}, expected {score}; failed tests: {json.dumps(lost, indent=1)}")
        given = [h for t in s["tests"] if not t["passed"] for h in t["hints"]]
        for h in hints:
            if not any(h in g for g in given):
                fail(f"{p}: no hint says `{h}'; the hints are:\n  " + "\n  ".join(given))
        said.append(f"{s['name']} {s['score']}/{s['max_score']}")
    print(", ".join(said))


def cmd_lines(results_path, name, spec):
    s = submission(load(results_path), name)
    by_line = {}
    for l in s["lines"]:
        by_line.setdefault(l["line"], []).append(l)
    n = 0
    with open(spec) as f:
        for row in f:
            if not row.strip():
                continue
            line, outcome, text = row.rstrip("\n").split("\t")
            got = by_line.get(int(line))
            if not got:
                fail(f"{name}: no line {line} in the results")
            l = got[0]
            if l["outcome"] != outcome or text not in l["message"]:
                fail(f"{name} line {line} `{l['text']}': {l['outcome']}: {l['message']!r}; expected {outcome} with `{text}'")
            n += 1
    print(f"{n} lines as expected")


def cmd_ran(recording, markers):
    runs = 0
    for step in glob.glob(os.path.join(recording, "step-*", "step.json")):
        for it in load(step)["items"]:
            if it.get("kind") != "command":
                continue
            ran = it.get("ran", [])
            if it.get("outcome") in ("rejected", "skipped") and ran:
                fail(f"{step}: `{it['text']}' was {it['outcome']} and still ran: {ran}")
            if ran[:3] == ["ip", "netns", "exec"]:
                ran = ran[4:]  # the grader's own way into the host's namespace
            for m in markers:
                if any(m in w for w in ran):
                    fail(f"{step}: `{it['text']}' ran {ran}, which holds `{m}'")
            runs += bool(ran)
    print(f"{runs} commands ran, none of them hostile")


def cmd_refused(results_path, name, reason):
    s = submission(load(results_path), name)
    if not s["refused"] or reason not in s["refused"]:
        fail(f"{name}: refused is {s['refused']!r}, expected `{reason}'")
    if s["score"] != 0 or any(t["passed"] for t in s["tests"]) or not s["tests"]:
        fail(f"{name}: a refused submission must fail every test")
    for t in s["tests"]:
        if not any(reason in h for h in t["hints"]):
            fail(f"{name}: test `{t['name']}' does not give the reason")
    print(f"{name} refused: {s['refused']}")


def cmd_gradescope(path, score, max_score):
    r = load(path)
    for k in ("score", "tests", "output", "visibility"):
        if k not in r:
            fail(f"{path}: no `{k}'")
    if r["score"] != int(score):
        fail(f"{path}: score {r['score']}, expected {score}")
    if sum(t["max_score"] for t in r["tests"]) != int(max_score):
        fail(f"{path}: the tests' max_score add up to {sum(t['max_score'] for t in r['tests'])}, not {max_score}")
    if sum(t["score"] for t in r["tests"]) != r["score"]:
        fail(f"{path}: the tests' scores do not add up to the score")
    for t in r["tests"]:
        for k in ("name", "score", "max_score", "output", "visibility"):
            if k not in t:
                fail(f"{path}: a test has no `{k}'")
        if t["visibility"] not in ("visible", "hidden", "after_due_date", "after_published"):
            fail(f"{path}: visibility {t['visibility']}")
        if t["score"] < t["max_score"] and "hint:" not in t["output"]:
            fail(f"{path}: the failed test `{t['name']}' has no hint in its output")
    print(f"{os.path.basename(path)}: score {r['score']}, {len(r['tests'])} tests")


def cmd_junit(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail(f"{path}: the root is {root.tag}")
    suites = root.findall("testsuite")
    for s in suites:
        cases = s.findall("testcase")
        failed = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
        if int(s.get("tests")) != len(cases) or int(s.get("failures")) + int(s.get("errors")) != failed:
            fail(f"{path}: suite {s.get('name')} counts do not match its testcases")
        for c in cases:
            f = c.find("failure")
            if f is not None and not (f.text or "").startswith("hint: "):
                fail(f"{path}: a failure without its hints: {f.text!r}")
    print(f"{os.path.basename(path)}: {len(suites)} testsuites, {sum(len(s.findall('testcase')) for s in suites)} testcases")


def cmd_csv(path, rows):
    with open(path, newline="") as f:
        data = list(csv.reader(f))
    if data[0][:4] != ["submission", "path", "score", "max_score"]:
        fail(f"{path}: header {data[0]}")
    if len(data) - 1 != int(rows):
        fail(f"{path}: {len(data) - 1} rows, expected {rows}")
    print(f"{os.path.basename(path)}: {len(data) - 1} rows")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"expect": lambda: cmd_expect(args[0], args[1:]),
     "lines": lambda: cmd_lines(*args),
     "ran": lambda: cmd_ran(args[0], args[1:]),
     "refused": lambda: cmd_refused(*args),
     "gradescope": lambda: cmd_gradescope(*args),
     "junit": lambda: cmd_junit(*args),
     "csv": lambda: cmd_csv(*args)}[cmd]()


if __name__ == "__main__":
    main()
