#!/usr/bin/env python3
"""Checks a lab's report.html as headless Chromium rendered it (labs_test.sh, grade_test.sh).

usage: report_check.py REPORT_HTML DUMPED_DOM RECORDING_DIR

REPORT_HTML is the page tapvs wrote; DUMPED_DOM is `chromium --dump-dom` of a copy with
report_check.js appended, which measured the rendered page. RECORDING_DIR is OUT/NAME, whose
step-N/step.json and trace.jsonl say what the page must show (and grade.json, for a graded
submission: its score and tests). Prints one summary line; exits 1 with the reasons when something
is missing or did not render.
"""
import html
import json
import os
import re
import sys


def main():
    page_file, dom_file, rec = sys.argv[1:4]
    page = open(page_file, encoding="utf-8").read()
    dom = open(dom_file, encoding="utf-8").read()
    bad = []

    # Self-contained: nothing to fetch (the SVG namespace URI is a name, not a fetch).
    for m in re.finditer(r'(?:src|href)\s*=\s*"([^"]*)"|url\(([^)]*)\)|@import', page):
        target = m.group(1) or m.group(2) or "@import"
        if m.group(0) == "@import" or re.match(r"[a-z]+:", target) or target.startswith("//"):
            bad.append(f"the page fetches {target!r}")
    if "<script" in page:
        bad.append("the page has a script")

    m = re.search(r'<pre id="tapvs-check">(.*?)</pre>', dom, re.S)
    if not m:
        print("FAIL: the check script did not run (no #tapvs-check in the dumped DOM)")
        return 1
    seen = json.loads(html.unescape(m.group(1)))

    steps = sorted(int(d[5:]) for d in os.listdir(rec) if re.fullmatch(r"step-\d+", d))
    failed_tests = set()  # a graded submission's failed tests show broken traffic: no reply path to check
    if os.path.exists(f"{rec}/grade.json"):
        grade = json.load(open(f"{rec}/grade.json", encoding="utf-8"))
        g = seen.get("grade")
        want = f"{grade['score']} of {grade['max_score']} points"
        if not g or g["score"] != want:
            bad.append(f"the score shown is {g and g['score']!r}, grade.json says {want!r}")
        elif len(g["tests"]) != len(grade["tests"]):
            bad.append(f"{len(g['tests'])} test rows shown, grade.json has {len(grade['tests'])}")
        else:
            for i, (shown, t) in enumerate(zip(g["tests"], grade["tests"]), 1):
                own = [h for h in t["hints"] if h not in grade["notes"]]
                if shown["ok"] != t["passed"] or shown["w"] < 300 or (not t["passed"] and own and shown["hints"] != len(own)):
                    bad.append(f"test {i} ({t['name']}) shown as {shown}, grade.json: passed {t['passed']}, {len(own)} hints")
        failed_tests = {t["step"] for t in grade["tests"] if not t["passed"]}
    rendered = {s["step"]: s for s in seen["steps"]}
    diagrams = {d["step"]: d for d in seen["diagrams"]}
    if sorted(rendered) != steps:
        bad.append(f"step sections {sorted(rendered)}, recorded steps {steps}")
    replies = []
    for n in steps:
        step = json.load(open(f"{rec}/step-{n}/step.json", encoding="utf-8"))
        s = rendered.get(n)
        if s is None:
            continue
        if s["w"] < 400 or s["h"] < 80 or not s["title"]:
            bad.append(f"step {n} did not render: {s}")
        if s["items"] != len(step["items"]):
            bad.append(f"step {n}: {s['items']} items shown, step.json has {len(step['items'])}")
        traffic = any(i["kind"] == "open" or (i["kind"] == "check" and i["text"].startswith("http "))
                      for i in step["items"])
        d = diagrams.get(n)
        if traffic and d is None and n not in failed_tests:
            bad.append(f"step {n} sent requests to the virtual service and has no diagram")
        if d is None:
            continue
        if d["w"] < 300 or d["h"] < 100 or d["hops"] < 1 or d["drawn"] != d["hops"] or d["labels"] < 2 * d["hops"]:
            bad.append(f"step {n}: the diagram did not render fully: {d}")
        if "director" not in d["nodes"] or len(d["nodes"]) < 2:
            bad.append(f"step {n}: the diagram's lifelines are {d['nodes']}")
        # The reply path drawn where it went: through the director for masq, around it otherwise.
        methods, drops = set(), False
        trace = f"{rec}/step-{n}/trace.jsonl"
        for line in open(trace, encoding="utf-8") if os.path.exists(trace) else []:
            if not line.strip():
                continue
            e = json.loads(line)
            if e.get("event") == "schedule":
                methods.add(e["method"])
            drops = drops or (e.get("event") == "drop" and e.get("reason", "").startswith("ipvs_"))
        if drops or len(methods) != 1 or n in failed_tests:
            continue
        reply_hops = [p.split(" ", 1)[1] for p in d["paths"] if p.startswith("reply ")]
        via = [p for p in reply_hops if "director" in p.split(">")]
        if not reply_hops:
            bad.append(f"step {n}: no reply drawn")
        elif methods == {"masq"} and not via:
            bad.append(f"step {n}: masq replies drawn around the director: {reply_hops}")
        elif methods != {"masq"} and via:
            bad.append(f"step {n}: {methods.pop()} replies drawn through the director: {reply_hops}")
        else:
            replies.append(f"step {n} {'/'.join(methods)}: {' '.join(dict.fromkeys(reply_hops))}")

    for b in bad:
        print("FAIL:", b)
    if not bad:
        hops = max((d["hops"] for d in seen["diagrams"]), default=0)
        graded = f"; {seen['grade']['score']}, {len(seen['grade']['tests'])} tests shown" if seen.get("grade") else ""
        print(f"{len(rendered)} steps and {len(diagrams)} diagrams rendered (up to {hops} arrows); "
              f"replies: {'; '.join(replies[:2]) or 'none checked'}{graded}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
