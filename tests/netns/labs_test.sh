#!/usr/bin/env bash
# The labs, end to end (root only; exit 77 = skipped): every lab under labs/ runs non-interactively
# and passes, and its report.html renders in headless Chromium with every step and diagram; a
# recorded step replays to the same scheduling decisions; each lab broken in one of
# the guide's pitfall ways fails with that pitfall named; --keep leaves a lab up and `tapvs lab
# down` removes it; nothing is left in `ip netns`, the root namespace's links or /run/tapvs.
#
# usage: labs_test.sh TAPVS_BINARY SOURCE_DIR
set -uo pipefail

TAPVS=${1:?usage: labs_test.sh TAPVS_BINARY SOURCE_DIR}
SRC=${2:?usage: labs_test.sh TAPVS_BINARY SOURCE_DIR}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
for p in ip ifconfig route sysctl; do
  command -v $p >/dev/null || { echo "SKIP: no $p (iproute2, net-tools, procps)"; exit 77; }
done
TAPVS=$(realpath "$TAPVS")
WORK=$(mktemp -d /tmp/tapvs-labs-test.XXXXXX)
NS_BEFORE=$(ip netns list | sort)
LINKS_BEFORE=$(ip -o link show | awk -F': ' '{print $2}' | sort)
fail=0
cleanup() {
  local rc=$?
  "$TAPVS" lab down >/dev/null 2>&1   # whatever a failed run below left behind
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bad() { echo "FAIL: $*"; fail=1; }

source "$SRC/tests/netns/report_lib.sh"   # report_ok NAME RECORDING: the page in headless Chromium

# --- every lab passes, output without colour codes (stdout is not a terminal) ---
for dir in "$SRC"/labs/*/; do
  name=$(basename "$dir")
  [ -f "$dir/lab.conf" ] || continue
  if ! "$TAPVS" lab run "$dir" --out "$WORK/out" >"$WORK/$name.txt" 2>&1; then
    bad "lab $name did not pass:"; tail -n 40 "$WORK/$name.txt"; continue
  fi
  grep -q $'\033' "$WORK/$name.txt" && bad "lab $name: colour codes in output that is not a terminal"
  grep -q "steps passed" "$WORK/$name.txt" || bad "lab $name: no summary line"
  last=$(ls -d "$WORK/out/$name"/step-* | sed 's/.*step-//' | sort -n | tail -1)
  for f in director.conf recording.json eth0.pcap eth0.in.pcap eth1.pcap eth1.in.pcap trace.jsonl ipvsadm.txt step.json client-eth0.pcap; do
    [ -s "$WORK/out/$name/step-$last/$f" ] || bad "lab $name: step-$last/$f is missing or empty"
  done
  # the decisions of the last step, replayed from the recording
  "$TAPVS" lab replay "$WORK/out/$name" --step "$last" >"$WORK/$name.replay" 2>&1 ||
    { bad "lab $name: the replay of step $last differs"; cat "$WORK/$name.replay"; }
  echo "ok: lab $name ($(grep -c '^  ok ' "$WORK/$name.txt") checks), replay of step $last: $(tail -1 "$WORK/$name.replay")"
  grep -q "report.html" "$WORK/$name.txt" || bad "lab $name: the summary does not name the report"
  report_ok "$name" "$WORK/out/$name"
done
# a step in the middle, whose decisions depend on the steps before it (rr's position)
"$TAPVS" lab replay "$WORK/out/nat" --step 5 >"$WORK/nat5.replay" 2>&1 &&
  grep -q "8 scheduling decisions, identical" "$WORK/nat5.replay" || { bad "nat step 5 replay"; cat "$WORK/nat5.replay"; }
# the replay's decisions are compared for real: a changed live trace is noticed
awk '!done && /"event":"schedule"/ { sub(/"rs":"[^"]*"/, "\"rs\":\"10.9.9.9:80\""); done = 1 } { print }' "$WORK/out/nat/step-5/trace.jsonl" >"$WORK/t" && mv "$WORK/t" "$WORK/out/nat/step-5/trace.jsonl"
"$TAPVS" lab replay "$WORK/out/nat" --step 5 >"$WORK/nat5b.replay" 2>&1 && bad "a tampered live trace still compared equal"

# --- pitfalls: a copy of a lab with the guide's mistake, and the cause the lab must name ---
pitfall() {  # name lab expected-text sed-expression...
  local name=$1 lab=$2 want=$3
  shift 3
  rm -rf "$WORK/lab-$name"
  cp -r "$SRC/labs/$lab" "$WORK/lab-$name"
  for e in "$@"; do sed -i "$e" "$WORK/lab-$name/lab.conf"; done
  if "$TAPVS" lab run "$WORK/lab-$name" --out "$WORK/pit" >"$WORK/pit-$name.txt" 2>&1; then
    bad "pitfall $name: the broken lab passed"; return
  fi
  if grep -q -- "$want" "$WORK/pit-$name.txt"; then
    echo "ok: pitfall $name: $(grep -m1 'likely cause' "$WORK/pit-$name.txt" | sed 's/^ *//' | cut -c1-150)"
  else
    bad "pitfall $name: no \"$want\" in:"; sed -n '/FAIL/,$p' "$WORK/pit-$name.txt"
  fi
}
pitfall dr-arp dr "rs1 answers ARP for 192.168.1.10" 's/echo [12] > \(.*arp_\)/echo 0 > \1/'
pitfall nat-route nat "its default route is missing" '/^rs[12]: route add default/d'
# the failed lab's report shows where it stopped: the step failed, the request reached a real server, no reply
rep="$WORK/pit/lab-nat-route/report.html"
if [ -s "$rep" ] && grep -q 'class="step fail"' "$rep" && grep -q "The request went client → director → rs[12]; no reply came back" "$rep"; then
  echo "ok: pitfall nat-route's report: the step failed, the request went client → director → a real server, no reply"
else
  bad "pitfall nat-route's report does not show the lost replies"
fi
pitfall tun-rp_filter tun "drops the decapsulated packets: rp_filter is 1" 's|echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter|echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter|'
pitfall tun-no-tunnel tun "no tunnel on rs" '/^ipip /d' '/tunl0\/\|dev tunl0/d' 's/ifconfig tunl0/ifconfig lo:0/'
pitfall tun-mtu tun "too big: the director sent" 's/^rs1: route add default gw 172.16.0.1/&\nrs1: ip link set eth0 mtu 1300/' 's/^rs2: route add default gw 172.16.0.1/&\nrs2: ip link set eth0 mtu 1300/'

# --- --keep leaves the lab up (and an ipvsadm that reaches its director); lab down removes it ---
"$TAPVS" lab run nat --step 3 --keep --out "$WORK/keep" >"$WORK/keep.txt" 2>&1 || bad "lab run nat --step 3 --keep"
ns=$(ip netns list | awk '{print $1}' | grep '^tapvs-.*-client$' | head -1)
sock=$(grep -o 'TAPVS_SOCKET=[^ ]*' "$WORK/keep.txt" | head -1 | cut -d= -f2)
bin=$(grep -o 'PATH=[^:]*' "$WORK/keep.txt" | head -1 | cut -d= -f2)
[ -n "$ns" ] || bad "--keep: no client namespace left up"
if [ -n "$sock" ] && [ -x "$bin/ipvsadm" ]; then
  TAPVS_SOCKET=$sock "$bin/ipvsadm" -L -n | grep -q "172.16.10.212:80 *Masq" || bad "--keep: ipvsadm does not reach the lab's director"
else
  bad "--keep: no socket/bin printed"; cat "$WORK/keep.txt"
fi
"$TAPVS" lab down nat >"$WORK/down.txt" 2>&1
grep -q "removed run" "$WORK/down.txt" || bad "lab down removed nothing: $(cat "$WORK/down.txt")"
pgrep -f "tapvs run --config /run/tapvs/lab" >/dev/null && bad "lab down left a director running"

# --- Ctrl-C in the middle of a lab: it stops and removes what it made (checked just below) ---
"$TAPVS" lab run nat --out "$WORK/int" >"$WORK/int.txt" 2>&1 &
pid=$!
sleep 0.7
kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] || [ $rc = 0 ] || bad "an interrupted lab exited with $rc"
[ $rc = 130 ] && ! grep -q "Interrupted" "$WORK/int.txt" && bad "an interrupted lab did not say so"

# --- nothing left behind ---
[ "$(ip netns list | sort)" = "$NS_BEFORE" ] || bad "namespaces left: $(ip netns list | grep tapvs-)"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$LINKS_BEFORE" ] || bad "links left in the root namespace"
[ -e /run/tapvs/lab ] && bad "/run/tapvs/lab left: $(ls -la /run/tapvs/lab)"
[ $fail = 0 ] && echo "PASS: every lab, replays, pitfalls, keep and down"
exit $fail
