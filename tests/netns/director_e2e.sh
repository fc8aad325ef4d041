#!/usr/bin/env bash
# End-to-end LVS-NAT or LVS-DR through `tapvs run` (root only; exit 77 = skipped).
#
#   client ns (192.168.1.50/24) -- bridge C -- TAP eth0 [tapvs] TAP eth1 -- bridge S -- rs1 ns (172.16.10.100/16)
#                                                                                    \- rs2 ns (172.16.10.212/16)
#   nat: the client's and the real servers' default routes point at the director (VIP .10, DIP .12).
#   dr:  a router ns (192.168.1.1 on C, 172.16.0.1 on S) is the real servers' default route; each real
#        server has the VIP on lo with arp_ignore=1 / arp_announce=2, so its replies go to the client
#        through the router and never through the director.
# The bridges, the TAPs and the bridge-side veth ends live in a namespace of their own, so the root
# namespace (its iptables, bridge netfilter, interfaces) is never touched. Every name carries a random
# suffix; the EXIT trap kills what it started (by pid) and deletes every namespace and device it made.
#
# Checks: HTTP requests alternate between the two real servers in rr order; a UDP datagram to a UDP
# virtual service is answered by a real server; `tapvs replay` of the --record files makes the same
# scheduling decisions as the live run; for dr, the recording shows no reply passing the director and
# an ARP request for the VIP on the servers' segment is answered by the director alone. Prints HTTP
# requests/s through the director. Then a second director run (no recording: its state changes come
# through the control socket) is driven by tapvsadm: `-L -n`, `-L -n -c` and `--stats` show the
# connections the client made, `--rate` shows them once the estimator has ticked, `-e -w 0` quiesces
# .212 (new requests all go to rs1), `-d` removes it, `-S -n | -R` round-trips; the socket is 0600 and
# removed on exit. tapvsadm is the binary next to TAPVS_BINARY.
#
# usage: director_e2e.sh nat|dr TAPVS_BINARY [SOURCE_DIR]
#   env: TAPVS_E2E_REQUESTS=200 timed requests (0 = none); TAPVS_E2E_NO_OFFLOADS=1 second run without
#   offloads; TAPVS_E2E_BENCH=SECONDS iperf3 measurements (scripts/bench-live.sh); TAPVS_E2E_KEEP=1 keeps WORK
set -uo pipefail

MODE=${1:?usage: director_e2e.sh nat|dr TAPVS_BINARY}
TAPVS=${2:?usage: director_e2e.sh nat|dr TAPVS_BINARY}
case $MODE in
  nat) FWD=-m ;;
  dr) FWD=-g ;;
  *) echo "FAIL: mode '$MODE' is not nat or dr"; exit 1 ;;
esac
N_TIMED=${TAPVS_E2E_REQUESTS:-200}

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip (iproute2)"; exit 77; }
PY=
for p in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
  [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import http.server, urllib.request' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "SKIP: no python3 with http.server"; exit 77; }
[ -x "$TAPVS" ] || { echo "FAIL: $TAPVS is not executable"; exit 1; }
TAPVS=$(realpath "$TAPVS")
TAPVSADM=$(dirname "$TAPVS")/tapvsadm
[ -x "$TAPVSADM" ] || { echo "FAIL: $TAPVSADM is not executable"; exit 1; }

S=$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')   # 6 hex digits: names stay <= 15 chars
NS_B=tvb$S NS_C=tvc$S NS_1=tvr1$S NS_2=tvr2$S NS_R=tvrt$S
BR_C=tvbc$S BR_S=tvbs$S TAP0=tvt0$S TAP1=tvt1$S
WORK=$(mktemp -d /tmp/tapvs-$MODE-e2e.XXXXXX)
PIDS=()
NSES=()
fail=0

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
  ip -n "$NS_B" link del "$TAP0" 2>/dev/null
  ip -n "$NS_B" link del "$TAP1" 2>/dev/null
  for ns in "${NSES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ -n "${TAPVS_E2E_KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "FAIL: $*"; [ -f "$WORK/director.err" ] && { echo "--- director stderr:"; tail -n 30 "$WORK/director.err"; }; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- namespaces: IPv6 off before any interface exists (no DAD noise on the bridges) ---
ALL_NS=("$NS_B" "$NS_C" "$NS_1" "$NS_2")
[ "$MODE" = dr ] && ALL_NS+=("$NS_R")
for ns in "${ALL_NS[@]}"; do
  ip netns add "$ns" || die "ip netns add $ns"
  NSES+=("$ns")
  in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
  in_ns "$ns" ip link set lo up
done
# Bridged frames must not meet iptables (bridge netfilter): off in the bridges' namespace where per-netns.
in_ns "$NS_B" sysctl -qw net.bridge.bridge-nf-call-iptables=0 >/dev/null 2>&1 || true

for br in "$BR_C" "$BR_S"; do
  ip -n "$NS_B" link add "$br" type bridge stp_state 0 forward_delay 0 || die "bridge $br"
  ip -n "$NS_B" link set "$br" up
done
# Persistent TAPs as bridge ports; tapvs attaches to them (from inside the same namespace).
ip -n "$NS_B" tuntap add dev "$TAP0" mode tap || die "tuntap $TAP0"
ip -n "$NS_B" tuntap add dev "$TAP1" mode tap || die "tuntap $TAP1"
ip -n "$NS_B" link set "$TAP0" master "$BR_C" up
ip -n "$NS_B" link set "$TAP1" master "$BR_S" up

# veth: bridge end in NS_B, IFNAME (eth0) in the host's namespace.
link() {  # ns bridge veth-name addr/len [ifname]
  local ns=$1 br=$2 v=$3 addr=$4 ifname=${5:-eth0}
  ip -n "$NS_B" link add "$v" type veth peer name "$ifname" netns "$ns" || die "veth $v"
  ip -n "$NS_B" link set "$v" master "$br" up
  ip -n "$ns" addr add "$addr" dev "$ifname"
  ip -n "$ns" link set "$ifname" up
}
if [ "$MODE" = nat ]; then CLIENT_GW=192.168.1.10 RS_GW=172.16.10.12; else CLIENT_GW=192.168.1.1 RS_GW=172.16.0.1; fi
link "$NS_C" "$BR_C" tvvc$S 192.168.1.50/24
ip -n "$NS_C" route add default via $CLIENT_GW
for i in 1 2; do
  ns_var=NS_$i
  [ $i = 1 ] && rip=172.16.10.100 || rip=172.16.10.212
  link "${!ns_var}" "$BR_S" tvv$i$S $rip/16
  ip -n "${!ns_var}" route add default via $RS_GW
  if [ "$MODE" = dr ]; then
    # the guide's DR real server: the VIP on lo, and no ARP answers or announcements for it on eth0
    in_ns "${!ns_var}" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1 \
      net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_announce=2 >/dev/null || die "arp sysctls"
    ip -n "${!ns_var}" addr add 192.168.1.10/32 dev lo || die "VIP on lo"
  fi
done
if [ "$MODE" = dr ]; then
  link "$NS_R" "$BR_C" tvvq$S 192.168.1.1/24 eth0
  link "$NS_R" "$BR_S" tvvr$S 172.16.0.1/16 eth1
  in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
fi

# --- real servers: HTTP on :80 and UDP on :5300, each naming itself (UDP bound to the address the
# client sent to, so the reply's source is the VIP in DR too) ---
[ "$MODE" = nat ] && UDP_BIND=0.0.0.0 || UDP_BIND=192.168.1.10
for i in 1 2; do
  ns_var=NS_$i
  mkdir -p "$WORK/www$i"
  echo "rs$i" > "$WORK/www$i/index.html"
  ip netns exec "${!ns_var}" "$PY" -m http.server 80 --directory "$WORK/www$i" >"$WORK/http$i.log" 2>&1 &
  PIDS+=($!)
  ip netns exec "${!ns_var}" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 5300))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(sys.argv[1].encode() + b" " + data, peer)
' "rs$i" "$UDP_BIND" >"$WORK/udp$i.log" 2>&1 &
  PIDS+=($!)
  # :5001 takes a bulk upload and answers with its length and SHA-256
  ip netns exec "${!ns_var}" "$PY" -c '
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001))
s.listen(4)
while True:
    c, _ = s.accept()
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(1 << 20)
        if not b:
            break
        h.update(b)
        n += len(b)
    c.sendall(("%s %d %s" % (sys.argv[1], n, h.hexdigest())).encode())
    c.close()
' "rs$i" >"$WORK/bulk$i.log" 2>&1 &
  PIDS+=($!)
done
head -c $((8 << 20)) /dev/urandom >"$WORK/www1/big.bin"
cp "$WORK/www1/big.bin" "$WORK/www2/big.bin"

# --- the director: the guide's config, no static neighbours (ARP must work), MACs of its own.
# NAT needs ip_forward for the replies; DR never forwards (IPVS takes the packets at LOCAL_IN). ---
{
  echo "ip link set dev eth0 address 02:00:00:00:01:00"
  echo "ip link set dev eth1 address 02:00:00:00:01:01"
  echo "ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up"
  echo "ifconfig eth1 172.16.10.12 netmask 255.255.0.0 up"
  [ "$MODE" = nat ] && echo "echo 1 > /proc/sys/net/ipv4/ip_forward"
  echo "ipvsadm -A -t 192.168.1.10:80 -s rr"
  echo "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 $FWD"
  echo "ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 $FWD"
  echo "ipvsadm -A -u 192.168.1.10:5300 -s rr"
  echo "ipvsadm -a -u 192.168.1.10:5300 -r 172.16.10.100:5300 $FWD"
  echo "ipvsadm -a -u 192.168.1.10:5300 -r 172.16.10.212:5300 $FWD"
} >"$WORK/director.conf"
ip netns exec "$NS_B" "$TAPVS" run --config "$WORK/director.conf" --port eth0="$TAP0" --port eth1="$TAP1" \
  --record "$WORK/rec" --socket "$WORK/ctl1/tapvs.sock" >"$WORK/director.out" 2>"$WORK/director.err" &
DIRECTOR=$!
PIDS+=($DIRECTOR)

# Ready when the servers listen and the director has opened its TAPs (carrier on).
ready=0
for _ in $(seq 100); do
  if ip -n "$NS_B" link show "$TAP0" | grep -q LOWER_UP && ip -n "$NS_B" link show "$TAP1" | grep -q LOWER_UP &&
     ip netns exec "$NS_1" "$PY" -c 'import socket; socket.create_connection(("127.0.0.1", 80), 1)' 2>/dev/null &&
     ip netns exec "$NS_2" "$PY" -c 'import socket; socket.create_connection(("127.0.0.1", 80), 1)' 2>/dev/null; then
    ready=1; break
  fi
  kill -0 "$DIRECTOR" 2>/dev/null || die "tapvs run exited early"
  sleep 0.1
done
[ $ready = 1 ] || die "servers or director not ready after 10 s"

# --- the client: 6 HTTP requests (one connection each), then a UDP datagram, then the timed loop ---
ip netns exec "$NS_C" "$PY" - "$N_TIMED" >"$WORK/client.out" 2>"$WORK/client.err" <<'PYEOF'
import socket, sys, time, urllib.request
def get():
    with urllib.request.urlopen("http://192.168.1.10/", timeout=5) as r:
        return r.read().decode().strip()
print("http", " ".join(get() for _ in range(6)))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(3)
reply = "none"
for _ in range(3):   # the first datagram may wait for ARP; UDP gives no retransmission of its own
    try:
        u.sendto(b"ping", ("192.168.1.10", 5300))
        reply = u.recvfrom(2048)[0].decode()
        break
    except socket.timeout:
        pass
print("udp", reply.replace(" ", "_"))
n = int(sys.argv[1])
if n:
    t0 = time.monotonic()
    seen = {}
    for _ in range(n):
        who = get()
        seen[who] = seen.get(who, 0) + 1
    dt = time.monotonic() - t0
    print("timed %d %.3f %s" % (n, dt, ",".join("%s=%d" % kv for kv in sorted(seen.items()))))
PYEOF
client_rc=$?
cat "$WORK/client.out"
[ $client_rc = 0 ] || { cat "$WORK/client.err"; die "client failed"; }

if [ "$MODE" = dr ]; then
  # The ARP for the VIP on the real servers' segment: only the director answers (its eth1 MAC);
  # a real server with arp_ignore=0 would answer too (the guide's "ARP problem").
  arp_macs=$(ip netns exec "$NS_R" "$PY" - <<'PYEOF'
import socket, struct, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(("eth1", 0))
mac = s.getsockname()[4]
vip = socket.inet_aton("192.168.1.10")
req = b"\xff" * 6 + mac + b"\x08\x06" + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac,
                                                    socket.inet_aton("172.16.0.1"), b"\0" * 6, vip)
s.settimeout(0.1)
seen = set()
for _ in range(2):
    s.send(req)
    end = time.monotonic() + 0.75
    while time.monotonic() < end:
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02" and f[28:32] == vip:
            seen.add(f[22:28].hex(":"))
print(" ".join(sorted(seen)))
PYEOF
)
  [ "$arp_macs" = "02:00:00:00:01:01" ] && echo "dr: ARP for the VIP answered by the director alone ($arp_macs)" ||
    { echo "FAIL: ARP for the VIP on the servers' segment answered by '$arp_macs', want only 02:00:00:00:01:01"; fail=1; }
fi

get() {  # N HTTP requests, one connection each: the servers' names on one line
  ip netns exec "$NS_C" "$PY" - "$1" <<'PYEOF'
import sys, urllib.request
def get():
    with urllib.request.urlopen("http://192.168.1.10/", timeout=5) as r:
        return r.read().decode().strip()
print(" ".join(get() for _ in range(int(sys.argv[1]))))
PYEOF
}
# A change through the control socket while recording: .212 quiesced, the next two requests go to
# rs1, and the recording's director.conf carries the command so that the replay decides the same.
TAPVS_SOCKET=$WORK/ctl1/tapvs.sock "$TAPVSADM" -e -t 192.168.1.10:80 -r 172.16.10.212:80 $FWD -w 0 ||
  { echo "FAIL: tapvsadm -e during the recording"; fail=1; }
h=$(get 2)
[ "$h" = "rs1 rs1" ] || { echo "FAIL: after -w 0 during the recording, HTTP '$h', want rs1 rs1"; fail=1; }

# --- stop the director (SIGTERM: it prints its counters and flushes the recording) ---
kill -TERM "$DIRECTOR"
for _ in $(seq 50); do kill -0 "$DIRECTOR" 2>/dev/null || break; sleep 0.1; done
wait "$DIRECTOR"; drc=$?
[ $drc = 0 ] || die "tapvs run exited $drc on SIGTERM"
echo "--- director:"; cat "$WORK/director.err"; cat "$WORK/director.out"

# rr: the kernel head-inserts dests (ip_vs_ctl.c __ip_vs_update_dest: list_add_rcu), and rr starts from
# the list head (ip_vs_rr.c), so the last added, 172.16.10.212 = rs2, gets the first connection.
http=$(awk '$1 == "http" { $1 = ""; print substr($0, 2) }' "$WORK/client.out")
[ "$http" = "rs2 rs1 rs2 rs1 rs2 rs1" ] || { echo "FAIL: HTTP replies in order '$http', want rr 'rs2 rs1 rs2 rs1 rs2 rs1'"; fail=1; }
udp=$(awk '$1 == "udp" { print $2 }' "$WORK/client.out")
[ "$udp" = "rs2_ping" ] || { echo "FAIL: UDP reply '$udp', want 'rs2_ping' (rr, first UDP connection)"; fail=1; }

# --- replay of the recording makes the same decisions ---
grep -q '^@[0-9.]* ipvsadm -e -t 192.168.1.10:80 -r 172.16.10.212:80 .* -w 0$' "$WORK/rec/director.conf" ||
  { echo "FAIL: the recording's director.conf lacks the -e given through the socket:"; cat "$WORK/rec/director.conf"; fail=1; }
epoch=$(sed -n 's/^#.* --epoch \([0-9.]*\) .*/\1/p' "$WORK/rec/director.conf")
"$TAPVS" replay --config "$WORK/rec/director.conf" --epoch "$epoch" --port eth0="$WORK/rec/eth0.in.pcap" \
  --port eth1="$WORK/rec/eth1.in.pcap" --out "$WORK/replayed" -q >"$WORK/replay.out" 2>&1 ||
  { cat "$WORK/replay.out"; die "tapvs replay failed"; }
decisions() { grep '"event":"schedule"' "$1" | sed 's/^{"t":[0-9.]*,//'; }
live_n=$(decisions "$WORK/rec/trace.jsonl" | wc -l)
want_n=$((6 + 1 + N_TIMED + 2))
[ "$live_n" = "$want_n" ] || { echo "FAIL: $live_n schedule decisions recorded, want $want_n"; fail=1; }
if ! diff <(decisions "$WORK/rec/trace.jsonl") <(decisions "$WORK/replayed/trace.jsonl") >"$WORK/decisions.diff"; then
  echo "FAIL: replay of the recording decided differently:"; head -n 20 "$WORK/decisions.diff"; fail=1
else
  echo "replay of the recording: the same $live_n schedule decisions"
fi

if [ "$MODE" = dr ]; then
  # Replies bypass the director: it sent no TCP/UDP to the client side and received none from a VIP.
  through=$(grep -c -E '"event":"tx","port":"eth0",.*"proto":"(TCP|UDP)"' "$WORK/rec/trace.jsonl")
  back=$(grep -c -E '"event":"rx","port":"eth1",.*"proto":"(TCP|UDP)","src":"192\.168\.1\.10:' "$WORK/rec/trace.jsonl")
  sent=$(grep -c -E '"event":"tx","port":"eth1",.*"proto":"TCP","src":"192\.168\.1\.50:' "$WORK/rec/trace.jsonl")
  if [ "$through" = 0 ] && [ "$back" = 0 ] && [ "$sent" -gt 0 ]; then
    echo "dr: $sent client segments forwarded by MAC; no reply passed the director"
  else
    echo "FAIL: dr replies: director sent $through TCP/UDP frames to the client side, saw $back from the VIP (forwarded $sent)"; fail=1
  fi
fi

# --- a second run, driven by tapvsadm over the control socket ---
SOCK=$WORK/ctl/tapvs.sock
export TAPVS_SOCKET=$SOCK
ip netns exec "$NS_B" "$TAPVS" run --config "$WORK/director.conf" --port eth0="$TAP0" --port eth1="$TAP1" \
  --socket "$SOCK" ${TAPVS_E2E_NO_OFFLOADS:+--no-offloads} >"$WORK/director2.out" 2>"$WORK/director2.err" &
DIRECTOR2=$!
PIDS+=($DIRECTOR2)
for _ in $(seq 100); do
  [ -S "$SOCK" ] && "$TAPVSADM" -L -n >/dev/null 2>&1 && break
  kill -0 "$DIRECTOR2" 2>/dev/null || { cat "$WORK/director2.err"; die "second tapvs run exited early"; }
  sleep 0.1
done
"$TAPVSADM" -L -n >/dev/null 2>&1 || die "tapvsadm cannot reach the second director at $SOCK"
[ "$(stat -c %a "$SOCK")" = 600 ] || { echo "FAIL: control socket mode $(stat -c %a "$SOCK"), want 600"; fail=1; }
# dest lines of one service in `tapvsadm -L -n ...` output: "ADDR:PORT col4 col5 ..."
dest_cols() { awk -v svc="$1" '$1 != "->" { on = ($1 == "TCP" || $1 == "UDP") && $1 " " $2 == svc } on && $1 == "->" { $1 = ""; print substr($0, 2) }'; }
h=$(get 6)
[ "$h" = "rs2 rs1 rs2 rs1 rs2 rs1" ] || { echo "FAIL: second run HTTP '$h', want rr"; fail=1; }
# --rate: the estimator samples every 2 s; one tick after the burst the service shows it. The
# director sees replies only in NAT (OutPPS 0 for DR, whose replies bypass it).
sleep 2.1
"$TAPVSADM" -L -n --rate >"$WORK/rate.txt"; echo "--- tapvsadm -L -n --rate:"; cat "$WORK/rate.txt"
read -r cps inpps outpps < <(awk '$1 == "TCP" && $2 == "192.168.1.10:80" { print $3, $4, $5 }' "$WORK/rate.txt")
if [ "$MODE" = nat ]; then out_ok=$([ "${outpps:-0}" -ge 1 ] && echo 1); else out_ok=$([ "${outpps:-x}" = 0 ] && echo 1); fi
[ "${cps:-0}" -ge 1 ] && [ "${inpps:-0}" -ge 1 ] && [ -n "$out_ok" ] ||
  { echo "FAIL: --rate CPS '$cps' InPPS '$inpps' OutPPS '$outpps' after 6 connections"; fail=1; }
"$TAPVSADM" -L -n >"$WORK/l1.txt"; echo "--- tapvsadm -L -n:"; cat "$WORK/l1.txt"
# each dest had 3 connections; all are closed or closing (none ESTABLISHED): ActiveConn + InActConn = 3
got=$(dest_cols "TCP 192.168.1.10:80" <"$WORK/l1.txt" | awk '{ print $1, $4 + $5 }' | sort | tr '\n' ' ')
[ "$got" = "172.16.10.100:80 3 172.16.10.212:80 3 " ] || { echo "FAIL: -L -n connections per dest '$got', want 3 each"; fail=1; }
"$TAPVSADM" -L -n -c >"$WORK/lc.txt"; echo "--- tapvsadm -L -n -c:"; cat "$WORK/lc.txt"
got=$(awk '$1 == "TCP" && $5 == "192.168.1.10:80" { print $6 }' "$WORK/lc.txt" | sort | uniq -c | awk '{ print $2, $1 }' | tr '\n' ' ')
[ "$got" = "172.16.10.100:80 3 172.16.10.212:80 3 " ] || { echo "FAIL: -L -n -c entries per dest '$got', want 3 each"; fail=1; }
"$TAPVSADM" -L -n --stats >"$WORK/l2.txt"; echo "--- tapvsadm -L -n --stats:"; cat "$WORK/l2.txt"
got=$(awk '$1 == "TCP" && $2 == "192.168.1.10:80" { print $3 }' "$WORK/l2.txt")
[ "$got" = 6 ] || { echo "FAIL: --stats service Conns '$got', want 6"; fail=1; }
got=$(dest_cols "TCP 192.168.1.10:80" <"$WORK/l2.txt" | awk '{ print $1, $2 }' | sort | tr '\n' ' ')
[ "$got" = "172.16.10.100:80 3 172.16.10.212:80 3 " ] || { echo "FAIL: --stats Conns per dest '$got', want 3 each"; fail=1; }
# the same binary named ipvsadm answers the same; -h is ipvsadm's usage, naming argv[0]
ln -s "$TAPVSADM" "$WORK/ipvsadm"
"$WORK/ipvsadm" -L -n | cmp -s - "$WORK/l1.txt" || { echo "FAIL: tapvsadm linked as ipvsadm lists differently"; fail=1; }
"$TAPVS" ctl -L -n | cmp -s - "$WORK/l1.txt" && "$TAPVS" ctl ipvsadm -L -n | cmp -s - "$WORK/l1.txt" ||
  { echo "FAIL: tapvs ctl -L -n lists differently"; fail=1; }
"$WORK/ipvsadm" -h >"$WORK/usage.txt"; rc=$?
[ $rc = 0 ] && head -n 1 "$WORK/usage.txt" | grep -q '^ipvsadm v1.31 ' && grep -q "^  $WORK/ipvsadm -A" "$WORK/usage.txt" ||
  { echo "FAIL: ipvsadm -h gave status $rc:"; head -n 3 "$WORK/usage.txt"; fail=1; }
# host lines through the socket
"$TAPVSADM" sysctl -w net.ipv4.ip_forward=1 >/dev/null || { echo "FAIL: tapvsadm sysctl -w"; fail=1; }
"$TAPVS" ctl sysctl -w net.ipv4.conf.eth0.arp_announce=2 >/dev/null &&
  [ "$("$TAPVS" ctl sysctl -n net.ipv4.conf.eth0.arp_announce)" = 2 ] || { echo "FAIL: tapvs ctl sysctl"; fail=1; }
got=$("$TAPVSADM" cat /proc/sys/net/ipv4/ip_forward)
[ "$got" = 1 ] || { echo "FAIL: tapvsadm cat ip_forward gave '$got'"; fail=1; }
# a mistake: ipvsadm's message and status
"$TAPVSADM" -a -t 192.168.1.10:80 -r 172.16.10.100:80 -m >/dev/null 2>"$WORK/dup.err"; rc=$?
[ $rc = 255 ] && [ "$(cat "$WORK/dup.err")" = "Destination already exists" ] ||
  { echo "FAIL: duplicate -a gave status $rc, '$(cat "$WORK/dup.err")'"; fail=1; }
# The mistakes of IPVS_NOTES.md section 9 through the tapvsadm binary: ipvsadm's stderr, byte for
# byte, and its exit status (255 for the kernel's refusals, 2 for ipvsadm's own, 1 for a missing -L service).
while IFS='|' read -r want_rc want_err args; do
  # shellcheck disable=SC2086
  "$TAPVSADM" $args >"$WORK/m.out" 2>"$WORK/m.err"; rc=$?
  printf '%s\n' "$want_err" | cmp -s - "$WORK/m.err" && [ "$rc" = "$want_rc" ] && [ ! -s "$WORK/m.out" ] ||
    { echo "FAIL: tapvsadm $args: status $rc, stderr '$(cat "$WORK/m.err")', want $want_rc '$want_err'"; fail=1; }
done <<'MISTAKES'
255|Service already exists|-A -t 192.168.1.10:80 -s rr
255|Scheduler or persistence engine not found|-A -t 192.168.1.10:81 -s nosuch
255|No such service|-E -t 192.168.1.10:82 -s rr
255|No such service|-D -t 192.168.1.10:82
255|No such service|-Z -t 192.168.1.10:82
255|Service not defined|-a -t 192.168.1.10:82 -r 172.16.10.100:80 -m
255|Destination already exists|-a -t 192.168.1.10:80 -r 172.16.10.100:80 -m
255|No such destination|-e -t 192.168.1.10:80 -r 172.16.10.99:80 -m
255|No such destination|-d -t 192.168.1.10:80 -r 172.16.10.99:80
1|No such service|-L -n -t 192.168.1.10:82
255|Numerical result out of range|-a -t 192.168.1.10:80 -r 172.16.10.99:80 -m -y 10
2|You need to supply the 'service-address' option for the 'add-service' command|-A -s rr
2|Zero port specified for non-persistent service|-A -t 192.168.1.10 -s rr
2|illegal weight specified|-a -t 192.168.1.10:80 -r 172.16.10.99:80 -w 70000
2|One-Packet Scheduling is only for UDP virtual services|-A -t 192.168.1.10:99 -s rr -o
2|invalid option `-D'|-A -D -t 192.168.1.10:99
2|illegal virtual server address[:port] specified|-A -t 192.168.1.300:80
MISTAKES
[ "$(dest_cols "TCP 192.168.1.10:80" < <("$TAPVSADM" -L -n) | wc -l)" = 2 ] || { echo "FAIL: a refused command changed the table"; fail=1; }

# -e -w 0 quiesces .212: new connections all go to rs1
"$TAPVSADM" -e -t 192.168.1.10:80 -r 172.16.10.212:80 -m -w 0 || { echo "FAIL: tapvsadm -e -w 0"; fail=1; }
got=$(dest_cols "TCP 192.168.1.10:80" < <("$TAPVSADM" -L -n) | awk '$1 == "172.16.10.212:80" { print $3 }')
[ "$got" = 0 ] || { echo "FAIL: weight of .212 after -e -w 0 is '$got'"; fail=1; }
h=$(get 4)
[ "$h" = "rs1 rs1 rs1 rs1" ] || { echo "FAIL: after quiescing .212, HTTP '$h', want all rs1"; fail=1; }
# -d removes it
"$TAPVSADM" -d -t 192.168.1.10:80 -r 172.16.10.212:80 || { echo "FAIL: tapvsadm -d"; fail=1; }
got=$(dest_cols "TCP 192.168.1.10:80" < <("$TAPVSADM" -L -n) | awk '{ print $1 }' | tr '\n' ' ')
[ "$got" = "172.16.10.100:80 " ] || { echo "FAIL: dests after -d '$got', want only 172.16.10.100:80"; fail=1; }
h=$(get 2)
[ "$h" = "rs1 rs1" ] || { echo "FAIL: after -d, HTTP '$h', want rs1 rs1"; fail=1; }
# -S | -R round-trips (after -C, so -R really rebuilds the table)
"$TAPVSADM" -S -n >"$WORK/save1.txt" || { echo "FAIL: tapvsadm -S -n"; fail=1; }
[ "$(grep -c '^-A' "$WORK/save1.txt")" = 2 ] || { echo "FAIL: -S -n saved:"; cat "$WORK/save1.txt"; fail=1; }
"$TAPVSADM" -C && [ -z "$("$TAPVSADM" -S -n)" ] || { echo "FAIL: tapvsadm -C left rules"; fail=1; }
"$TAPVSADM" -R <"$WORK/save1.txt" || { echo "FAIL: tapvsadm -R"; fail=1; }
"$TAPVSADM" -S -n >"$WORK/save2.txt"
diff "$WORK/save1.txt" "$WORK/save2.txt" >/dev/null || { echo "FAIL: -S after -R differs:"; diff "$WORK/save1.txt" "$WORK/save2.txt"; fail=1; }
h=$(get 2)
[ "$h" = "rs1 rs1" ] || { echo "FAIL: after -R, HTTP '$h', want rs1 rs1"; fail=1; }

# Bulk TCP at full MTU with the kernel's offloads on (this run has no --record, so its TAPs carry
# partial checksums and GSO frames): 8 MiB down over HTTP (NAT: through the director; DR: straight
# from the real server) and 8 MiB up to :5001 (through the director either way), checked by SHA-256.
"$TAPVSADM" -A -t 192.168.1.10:5001 -s rr && "$TAPVSADM" -a -t 192.168.1.10:5001 -r 172.16.10.100:5001 $FWD ||
  { echo "FAIL: tapvsadm -A/-a for :5001"; fail=1; }
want_sha=$(sha256sum "$WORK/www1/big.bin" | cut -d' ' -f1)
ip netns exec "$NS_C" "$PY" - "$WORK/www1/big.bin" >"$WORK/bulk.out" 2>"$WORK/bulk.err" <<'PYEOF'
import hashlib, socket, sys, time, urllib.request
t0 = time.monotonic()
with urllib.request.urlopen("http://192.168.1.10/big.bin", timeout=20) as r:
    body = r.read()
dt = time.monotonic() - t0
print("down %d %s %.3f" % (len(body), hashlib.sha256(body).hexdigest(), dt))
data = open(sys.argv[1], "rb").read()
t0 = time.monotonic()
s = socket.create_connection(("192.168.1.10", 5001), timeout=20)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    reply += b
dt = time.monotonic() - t0
print("up %s %.3f" % (reply.decode(), dt))
PYEOF
[ $? = 0 ] || { echo "FAIL: bulk transfer:"; cat "$WORK/bulk.err"; fail=1; }
read -r _ down_n down_sha down_s < <(grep '^down' "$WORK/bulk.out")
read -r _ up_rs up_n up_sha up_s < <(grep '^up' "$WORK/bulk.out")
size=$((8 << 20))
[ "${down_n:-}" = $size ] && [ "${down_sha:-}" = "$want_sha" ] || { echo "FAIL: download got ${down_n:-nothing} bytes, sha ${down_sha:-}"; fail=1; }
[ "${up_rs:-}" = rs1 ] && [ "${up_n:-}" = $size ] && [ "${up_sha:-}" = "$want_sha" ] ||
  { echo "FAIL: upload: real server saw '${up_rs:-} ${up_n:-} ${up_sha:-}'"; fail=1; }
[ -n "${up_s:-}" ] && echo "bulk: 8 MiB down in ${down_s}s ($(awk -v s="$down_s" 'BEGIN { printf "%.0f", 8 * 8 / s }') Mbit/s), up in ${up_s}s ($(awk -v s="$up_s" 'BEGIN { printf "%.0f", 8 * 8 / s }') Mbit/s), SHA-256 equal"
# Measurements (scripts/bench-live.sh sets TAPVS_E2E_BENCH=SECONDS; needs iperf3): bulk TCP up
# (client -> real server, through the director in both modes) and down (NAT: through it; DR: not),
# 64-byte UDP datagrams up (received by the real server per second), and HTTP connections per second.
if [ -n "${TAPVS_E2E_BENCH:-}" ] && command -v iperf3 >/dev/null; then
  T=$TAPVS_E2E_BENCH
  # DR: bound to the VIP, so that its UDP answers leave from the address the client sent to
  [ "$MODE" = dr ] && bind=(-B 192.168.1.10) || bind=()
  ip netns exec "$NS_1" iperf3 -s -p 5201 "${bind[@]}" -D --pidfile "$WORK/iperf3.pid" >/dev/null 2>&1
  for _ in $(seq 50); do [ -s "$WORK/iperf3.pid" ] && break; sleep 0.1; done
  [ -s "$WORK/iperf3.pid" ] && PIDS+=("$(cat "$WORK/iperf3.pid")")
  # iperf3's control and data connections must meet the same server: one real server here (MACHINE_NOTES)
  "$TAPVSADM" -A -t 192.168.1.10:5201 -s sh && "$TAPVSADM" -a -t 192.168.1.10:5201 -r 172.16.10.100:5201 $FWD &&
    "$TAPVSADM" -A -u 192.168.1.10:5201 -s sh && "$TAPVSADM" -a -u 192.168.1.10:5201 -r 172.16.10.100:5201 $FWD
  sleep 0.5
  iperf() { ip netns exec "$NS_C" iperf3 -c 192.168.1.10 -p 5201 -t "$T" -J "$@" 2>/dev/null; }
  json() { "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
  up=$(iperf | json 'round(d["end"]["sum_received"]["bits_per_second"] / 1e9, 2)')
  down=$(iperf -R | json 'round(d["end"]["sum_received"]["bits_per_second"] / 1e9, 2)')
  small=$(iperf -u -b 0 -l 64 | json '"%d sent/s, %d received/s" % (d["end"]["sum"]["packets"] / d["end"]["sum"]["seconds"], (d["end"]["sum"]["packets"] - d["end"]["sum"]["lost_packets"]) / d["end"]["sum"]["seconds"])')
  conns=$(ip netns exec "$NS_C" "$PY" - "$T" <<'PYEOF'
import sys, time, urllib.request
n, end = 0, time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    urllib.request.urlopen("http://192.168.1.10/", timeout=5).read()
    n += 1
print("%d" % (n / float(sys.argv[1])))
PYEOF
)
  offl=$(grep -q 'offloads on' "$WORK/director2.err" && echo on || echo off)
  echo "bench: $MODE offloads $offl: TCP up ${up} Gbit/s, down ${down} Gbit/s; UDP 64 B up: ${small}; HTTP ${conns} conn/s (one Python client)"
fi

kill -TERM "$DIRECTOR2"
for _ in $(seq 50); do kill -0 "$DIRECTOR2" 2>/dev/null || break; sleep 0.1; done
wait "$DIRECTOR2"; drc=$?
[ $drc = 0 ] || { echo "FAIL: second tapvs run exited $drc on SIGTERM"; fail=1; }
[ -e "$SOCK" ] && { echo "FAIL: $SOCK left behind"; fail=1; }
echo "--- second director:"; grep -E '^tapvs: port|^eth|^port' "$WORK/director2.err" "$WORK/director2.out" | sed 's/^[^:]*://'
# The upload reached the director as GSO super-frames when the TAPs have offloads: bytes per frame
# received on eth0 above a full-MTU frame.
if grep -q 'offloads on' "$WORK/director2.err"; then
  avg=$(awk '$1 == "eth0" && $3 > 0 { printf "%d", $4 / $3 }' "$WORK/director2.out")
  [ "${avg:-0}" -gt 1514 ] && echo "offloads: eth0 received ${avg} bytes per frame (GSO super-frames)" ||
    { echo "FAIL: with offloads on, eth0 averaged '${avg:-}' bytes per frame, want > 1514"; fail=1; }
fi
[ $fail = 0 ] && echo "tapvsadm over the control socket: -L -n, -c, --stats, --rate, host lines, -e -w 0, -d, -S | -R as expected"

# --- numbers ---
if [ "$N_TIMED" != 0 ]; then
  read -r _ n secs split < <(grep '^timed' "$WORK/client.out")
  frames=$(awk '$1 == "eth0" || $1 == "eth1" { s += $3 } END { print s }' "$WORK/director.out")
  echo "speed: $n HTTP requests (new TCP connection each) in $secs s: $(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') requests/s ($split); director received $frames frames in the whole run"
fi

[ $fail = 0 ] || die "see above"
echo "PASS: ${MODE}_e2e"
