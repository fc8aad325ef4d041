# Sourced by labs_test.sh and grade_test.sh (which set SRC and WORK and define bad): a report.html
# loaded in headless Chromium; report_check.js measures every step section, every ladder diagram and
# a graded page's score and tests as laid out, report_check.py compares that with the recording.
BROWSER=$(command -v chromium || true)
report_ok() {  # name recording-dir
  local name=$1 rec=$2 r
  [ -s "$rec/report.html" ] || { bad "$name: no report.html"; return; }
  if [ -z "$BROWSER" ]; then
    if [ "${TAPVS_NO_BROWSER:-}" = 1 ]; then echo "skip: $name's report in a browser (TAPVS_NO_BROWSER=1)"; return; fi
    bad "no chromium to load the reports in: apt-get install chromium (scripts/test.sh does; TAPVS_NO_BROWSER=1 skips this)"
    return
  fi
  { cat "$rec/report.html"; echo "<script>"; cat "$SRC/tests/netns/report_check.js"; echo "</script>"; } >"$WORK/$name.check.html"
  if ! timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-background-networking \
       --disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/chromium" --window-size=1400,1000 \
       --dump-dom "file://$WORK/$name.check.html" >"$WORK/$name.dom" 2>"$WORK/$name.chromium.err"; then
    bad "chromium did not load $name's report"; tail -n 5 "$WORK/$name.chromium.err"; return
  fi
  r=$(python3 "$SRC/tests/netns/report_check.py" "$rec/report.html" "$WORK/$name.dom" "$rec") ||
    { bad "$name's report:"; echo "$r"; return; }
  echo "ok: $name's report in Chromium: $r"
}
