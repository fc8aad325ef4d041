#!/usr/bin/env bash
# tapvs grade, end to end (root only; exit 77 = skipped):
#  - every submission under labs/{nat,dr,tun}/submissions/ gets the score and the hints its
#    `# expect' lines say (the references and the differently written ones full marks), with a
#    report per submission, two of them loaded in headless Chromium;
#  - the formats: JUnit valid against tests/netns/junit.xsd (xmllint), Gradescope's fields, CSV, text;
#  - hostile submissions: every form of shell syntax, redirections, paths outside /proc/sys/net,
#    other namespaces, new links, a 100 MB file, a binary file, a symbolic link to /etc/shadow in a
#    directory submission: each rejected with its reason while the rest is graded, and nothing of
#    them ran (no marker file, the host's settings unchanged, the recording's commands);
#  - the time limit: a submission stopped at --timeout is scored as it stands and leaves nothing;
#  - 20 submissions with --jobs 2 (the time is printed);
#  - the grader's own errors exit 2; nothing is left in `ip netns', the root namespace or /run/tapvs.
#
# usage: grade_test.sh TAPVS_BINARY SOURCE_DIR
set -uo pipefail

TAPVS=${1:?usage: grade_test.sh TAPVS_BINARY SOURCE_DIR}
SRC=${2:?usage: grade_test.sh TAPVS_BINARY SOURCE_DIR}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
for p in ip ifconfig route python3; do
  command -v $p >/dev/null || { echo "SKIP: no $p"; exit 77; }
done
TAPVS=$(realpath "$TAPVS")
SRC=$(realpath "$SRC")
WORK=$(mktemp -d /tmp/tapvs-grade-test.XXXXXX)
CHECK="python3 $SRC/tests/netns/grade_check.py"
MARK=tapvs-pwned-$$   # a file no submission line may create
NS_BEFORE=$(ip netns list | sort)
LINKS_BEFORE=$(ip -o link show | awk -F': ' '{print $2}' | sort)
HOSTNAME_BEFORE=$(cat /proc/sys/kernel/hostname)
DOMAIN_BEFORE=$(cat /proc/sys/kernel/domainname)
fail=0
cleanup() {
  local rc=$?
  "$TAPVS" lab down >/dev/null 2>&1
  rm -rf "$WORK" /tmp/$MARK*
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bad() { echo "FAIL: $*"; fail=1; }
source "$SRC/tests/netns/report_lib.sh"
cd "$WORK" || exit 1

# --- every lab's submissions, as their `# expect' lines say ---
for lab in nat dr tun; do
  subs=("$SRC"/labs/$lab/submissions/*)
  start=$(date +%s.%N)
  "$TAPVS" grade --lab $lab "${subs[@]}" --jobs 2 --format json --out "$WORK/$lab.json" --report "$WORK/rep-$lab" \
    >"$WORK/$lab.summary" 2>"$WORK/$lab.err"
  rc=$?
  took=$(python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.1f}')" "$(date +%s.%N)" "$start")
  [ $rc = 0 ] || { bad "grade --lab $lab exited $rc"; cat "$WORK/$lab.err"; continue; }
  r=$($CHECK expect "$WORK/$lab.json" "${subs[@]}") && echo "ok: lab $lab, ${#subs[@]} submissions in ${took%.*} s: $r" ||
    { bad "lab $lab:"; echo "$r"; }
  grep -q "^submission .*score" "$WORK/$lab.summary" || bad "lab $lab: no summary table on stdout with --out"
  for s in "${subs[@]}"; do
    n=$(basename "$s"); n=${n%%.*}
    [ -s "$WORK/rep-$lab/$n/report.html" ] || bad "lab $lab: no report for $n"
  done
done
report_ok grade-dr-reference "$WORK/rep-dr/reference"
report_ok grade-nat-no-ip-forward "$WORK/rep-nat/no-ip-forward"

# --- the formats, with a submission refused whole among them (a 100 MB file) ---
truncate -s 100M "$WORK/huge.txt"
head -c 3000 /dev/urandom >"$WORK/binary.txt"
printf '[director]\x00ipvsadm -C\n' >>"$WORK/binary.txt"
REF=$SRC/labs/nat/submissions/reference.txt
"$TAPVS" grade --lab nat "$REF" "$WORK/huge.txt" "$WORK/binary.txt" --format junit --out "$WORK/r.xml" >/dev/null 2>&1 ||
  bad "junit run failed"
if command -v xmllint >/dev/null; then
  xmllint --noout --schema "$SRC/tests/netns/junit.xsd" "$WORK/r.xml" 2>"$WORK/xmllint.err" &&
    echo "ok: JUnit validates against junit.xsd ($($CHECK junit "$WORK/r.xml"))" ||
    { bad "the JUnit file does not validate:"; cat "$WORK/xmllint.err"; }
  # the schema does reject what is wrong: a testsuite without its hostname
  sed 's/ hostname="[^"]*"//' "$WORK/r.xml" >"$WORK/r-bad.xml"
  xmllint --noout --schema "$SRC/tests/netns/junit.xsd" "$WORK/r-bad.xml" 2>/dev/null && bad "junit.xsd accepts a testsuite without hostname"
else
  bad "no xmllint: apt-get install libxml2-utils (scripts/test.sh does)"
fi
grep -q "too big" "$WORK/r.xml" || bad "the JUnit file does not say why huge.txt was refused"
"$TAPVS" grade --lab nat "$REF" --format gradescope --out "$WORK/results.json" >/dev/null 2>&1 || bad "gradescope run failed"
r=$($CHECK gradescope "$WORK/results.json" 10 10) && echo "ok: Gradescope $r" || { bad "Gradescope:"; echo "$r"; }
"$TAPVS" grade --lab nat "$REF" "$WORK/huge.txt" --format gradescope --out "$WORK/gs" >/dev/null 2>&1 ||
  bad "gradescope run into a directory failed"
r=$($CHECK gradescope "$WORK/gs/huge/results.json" 0 10) && grep -q "too big" "$WORK/gs/huge/results.json" &&
  echo "ok: Gradescope per submission, the refused one with its reason ($r)" || { bad "Gradescope dir:"; echo "$r"; }
"$TAPVS" grade --lab nat "$REF" "$WORK/huge.txt" "$WORK/binary.txt" --format csv >"$WORK/r.csv" 2>/dev/null || bad "csv run failed"
r=$($CHECK csv "$WORK/r.csv" 3) && grep -q "too big" "$WORK/r.csv" && grep -q "not text" "$WORK/r.csv" &&
  echo "ok: CSV $r" || { bad "CSV:"; echo "$r"; cat "$WORK/r.csv"; }
"$TAPVS" grade --lab nat "$REF" "$WORK/huge.txt" "$WORK/binary.txt" --format json --out "$WORK/refused.json" >/dev/null 2>&1
r=$($CHECK refused "$WORK/refused.json" huge "too big") && r2=$($CHECK refused "$WORK/refused.json" binary "not text") &&
  echo "ok: $r; $r2" || { bad "refused:"; echo "$r $r2"; }
"$TAPVS" grade --lab nat "$REF" "$WORK/huge.txt" --no-color >"$WORK/r.txt" 2>/dev/null
grep -q "reference.*10/10" "$WORK/r.txt" && grep -q "huge.*0/10.*refused" "$WORK/r.txt" && ! grep -q $'\033' "$WORK/r.txt" &&
  echo "ok: text: $(grep -c '^== ' "$WORK/r.txt") submissions and the table" || { bad "text:"; cat "$WORK/r.txt"; }

# --- hostile lines: each rejected with its reason, the rest graded, nothing of them run ---
H=$WORK/hostile.txt
: >"$WORK/hostile.spec"
n=0
line() { n=$((n + 1)); printf '%s\n' "$1" >>"$H"; }
hostile() { line "$1"; printf '%s\t%s\t%s\n' $n "${3:-rejected}" "$2" >>"$WORK/hostile.spec"; }
line "# Hostile lines among the reference's: each is rejected, the rest scores full marks."
hostile "touch /tmp/$MARK-before" "before any section"
line "[director]"
hostile "ifconfig eth0 up; touch /tmp/$MARK-1" "shell syntax"
hostile "ipvsadm -L -n && touch /tmp/$MARK-2" "shell syntax"
hostile "ipvsadm -L -n || touch /tmp/$MARK-3" "shell syntax"
hostile "ipvsadm -L -n | tee /tmp/$MARK-4" "shell syntax"
hostile "touch /tmp/$MARK-5 &" "shell syntax"
hostile "echo \$(touch /tmp/$MARK-6) > /proc/sys/net/ipv4/ip_forward" "shell syntax"
hostile "echo \`touch /tmp/$MARK-7\` > /proc/sys/net/ipv4/ip_forward" "shell syntax"
hostile "ipvsadm -R < /tmp/$MARK-8" "shell syntax"
hostile "ipvsadm -S > /tmp/$MARK-9" "writes a file"
hostile "ipvsadm -S >> /tmp/$MARK-10" "shell syntax"
hostile "ifconfig 'eth0;touch /tmp/$MARK-11' up" "inside quotes"
hostile "ipvsadm -A -t \"192.168.1.10:80\$(touch /tmp/$MARK-12)\" -s rr" "shell syntax: command substitution"
hostile "ipvsadm -A -t '192.168.1.10:80\$(touch /tmp/$MARK-12)' -s rr" "inside quotes"
hostile "ipvsadm -A -t '192.168.1.10:80\`touch /tmp/$MARK-12\`' -s rr" "inside quotes"
hostile "touch /tmp/$MARK-13" "is not a program a submission runs"
hostile "bash -c 'touch /tmp/$MARK-14'" "is not a program a submission runs"
hostile "sh /tmp/$MARK-15" "is not a program a submission runs"
hostile "/tmp/ipvsadm -C" "runs ipvsadm from /tmp"
hostile "sudo ipvsadm -C" "without it"
hostile "ip netns exec tapvs-x touch /tmp/$MARK-16" "reach other namespaces"
hostile "ip -n tapvs-x link set lo down" "reach other namespaces"
hostile "ip link set eth0 netns 1" "moves a link to another namespace"
hostile "ip link add evil0 type veth peer name evil1" "creates a link"
hostile "ip tuntap add dev evil2 mode tap" "creates a link"
hostile "echo $MARK > /proc/sys/kernel/domainname" "only under /proc/sys/net"
hostile "echo $MARK > /proc/sys/net/../kernel/domainname" "only under /proc/sys/net"
hostile "echo $MARK > /proc/sys/net/ipv4/../../../sys/kernel/domainname" "only under /proc/sys/net"
hostile "echo $MARK > /proc/self/root/proc/sys/kernel/domainname" "only under /proc/sys/net"
hostile "cat /etc/shadow" "reads only under /proc/sys/net"
hostile "sysctl -w kernel.hostname=$MARK" "only keys under net."
hostile "sysctl -p /etc/sysctl.conf" "loads a file"
hostile "sysctl -e -w -- -kernel.domainname=$MARK" "a key starts with a letter"
hostile "ipvsadm -R" "standard input"
hostile "modprobe evil" "loads no kernel module"
hostile "systemctl stop sshd" "only the lines for ipvsadm's service"
hostile "yum -y install ipvsadm" "installs packages" skipped
hostile "modprobe ip_vs" "IPVS kernel module" skipped
hostile "systemctl enable ipvsadm" "ipvsadm's service" skipped
hostile "ifconfig eth0 $(head -c 5000 /dev/zero | tr '\0' x)" "a line holds at most 4096 bytes"
sed -n '/^\[director\]/,$p' "$REF" | tail -n +2 | while IFS= read -r l; do
  case "$l" in \[*) break;; esac
  printf '%s\n' "$l"
done >>"$H"
n=$(wc -l <"$H")
line "[rs1]"
hostile "ipvsadm -C" "belongs on the director"
hostile "iptables -F" "is not a program a submission runs"
hostile "route add default gw 172.16.10.12 && touch /tmp/$MARK-17" "shell syntax"
line "ifconfig eth0 172.16.10.100 netmask 255.255.0.0 up"
line "route add default gw 172.16.10.12"
line "[rs2]"
line "ifconfig eth0 172.16.10.212 netmask 255.255.0.0 up"
line "route add default gw 172.16.10.12"
line "[client]"
hostile "ip addr flush dev eth0" "the lab's own host"
line "[evil]"
hostile "ip link set lo down" "the lab has no host evil"
# a directory submission: a symbolic link to /etc/shadow and a FIFO are not read
mkdir -p "$WORK/hostile-dir"
ln -s /etc/shadow "$WORK/hostile-dir/director"
mkfifo "$WORK/hostile-dir/rs2"
printf 'ifconfig eth0 172.16.10.100 netmask 255.255.0.0 up\n' >"$WORK/hostile-dir/rs1.txt"
"$TAPVS" grade --lab nat "$H" "$WORK/hostile-dir" --format json --out "$WORK/hostile.json" --report "$WORK/rep-hostile" \
  >/dev/null 2>"$WORK/hostile.err" || { bad "grading the hostile submissions exited $?"; cat "$WORK/hostile.err"; }
r=$($CHECK lines "$WORK/hostile.json" hostile "$WORK/hostile.spec") && echo "ok: hostile lines: $r" || { bad "hostile lines:"; echo "$r"; }
score=$(python3 -c "import json,sys; s=[x for x in json.load(open(sys.argv[1]))['submissions'] if x['name']=='hostile'][0]; print(s['score'])" "$WORK/hostile.json")
[ "$score" = 10 ] && echo "ok: grading went on: the hostile submission's own lines score 10/10" || bad "hostile: score $score, expected 10"
python3 - "$WORK/hostile.json" <<'PY' || bad "the hostile directory's links and FIFO"
import json, sys
s = [x for x in json.load(open(sys.argv[1]))["submissions"] if x["name"] == "hostile-dir"][0]
notes = " ".join(s["notes"])
assert "director is a symbolic link: not read" in notes, notes
assert "rs2 is not a regular file: not read" in notes, notes
assert not any("root:" in l["text"] for l in s["lines"]), "a line of /etc/shadow was read"
print("ok: hostile directory: " + "; ".join(s["notes"]))
PY
r=$($CHECK ran "$WORK/rep-hostile/hostile" "$MARK" touch shadow domainname evil reboot) && echo "ok: $r" || { bad "hostile ran:"; echo "$r"; }
ls /tmp/$MARK* >/dev/null 2>&1 && bad "a hostile line ran: $(ls /tmp/$MARK*)"
[ "$(cat /proc/sys/kernel/hostname)" = "$HOSTNAME_BEFORE" ] || bad "the hostname changed"
[ "$(cat /proc/sys/kernel/domainname)" = "$DOMAIN_BEFORE" ] || bad "kernel.domainname changed"
ip link show evil0 >/dev/null 2>&1 && bad "a link evil0 exists"

# --- the time limit: stopped, scored as it stands, nothing left ---
start=$(date +%s)
"$TAPVS" grade --lab tun "$SRC/labs/tun/submissions/rp-filter.txt" --timeout 3 --format json --out "$WORK/slow.json" \
  >/dev/null 2>"$WORK/slow.err"
rc=$?
took=$(($(date +%s) - start))
python3 - "$WORK/slow.json" <<'PY' && [ $rc = 0 ] && [ $took -lt 25 ] && echo "ok: --timeout 3 stopped it after ${took} s, scored as it stands" ||
import json, sys
s = json.load(open(sys.argv[1]))["submissions"][0]
assert s["timed_out"], s
assert not s["left_behind"] and not s["error"], s
assert any("time limit of 3 s ran out" in h for t in s["tests"] for h in t["hints"]), [t["hints"] for t in s["tests"]]
PY
  { bad "--timeout: rc $rc after $took s"; cat "$WORK/slow.err"; }

# --- the grader's own errors: exit 2 ---
expect2() { local what=$1; shift; "$TAPVS" grade "$@" >/dev/null 2>"$WORK/e.err"; local rc=$?
  [ $rc = 2 ] && echo "ok: exit 2 for $what: $(head -1 "$WORK/e.err" | cut -c1-110)" || bad "$what: exit $rc"; }
expect2 "no such lab" --lab nosuchlab "$REF"
expect2 "a lab without a grade block" --lab persistence "$REF"
expect2 "a missing submission" --lab nat "$WORK/does-not-exist.txt"
expect2 "an unknown format" --lab nat "$REF" --format yaml
expect2 "no submission" --lab nat
expect2 "gradescope, several, no --out" --lab nat "$REF" "$REF" --format gradescope

# --- 20 submissions, two at a time ---
mkdir -p "$WORK/class"
i=0
while [ $i -lt 20 ]; do
  for s in "$SRC"/labs/nat/submissions/*.txt; do
    [ $i -lt 20 ] || break
    cp "$s" "$WORK/class/student$(printf %02d $i)-$(basename "$s")"
    i=$((i + 1))
  done
done
start=$(date +%s.%N)
"$TAPVS" grade --lab nat "$WORK"/class/* --jobs 2 --format json --out "$WORK/class.json" >"$WORK/class.summary" 2>"$WORK/class.err"
rc=$?
took=$(python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.1f}')" "$(date +%s.%N)" "$start")
r=$($CHECK expect "$WORK/class.json" "$WORK"/class/*) && [ $rc = 0 ] &&
  echo "ok: 20 submissions with --jobs 2 in ${took} s ($(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['submissions']; t=[x['seconds'] for x in s]; print(f'each {min(t):.1f} to {max(t):.1f} s, {sum(t)/len(t):.1f} s on average')" "$WORK/class.json"))" ||
  { bad "20 submissions: rc $rc"; echo "$r"; tail "$WORK/class.err"; }

# --- nothing left behind ---
[ "$(ip netns list | sort)" = "$NS_BEFORE" ] || bad "namespaces left: $(ip netns list | grep tapvs-)"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$LINKS_BEFORE" ] || bad "links left in the root namespace"
[ -e /run/tapvs/lab ] && bad "/run/tapvs/lab left: $(ls -la /run/tapvs/lab)"
pgrep -f "tapvs (run|lab tool)" >/dev/null && bad "processes left: $(pgrep -af 'tapvs (run|lab tool)')"
[ $fail = 0 ] && echo "PASS: every lab's submissions, the formats, hostile submissions, the time limit, 20 at once"
exit $fail
