#!/usr/bin/env bash
# End-to-end LVS-NAT through `tapvs run` (root only; exit 77 = skipped).
#
#   client ns (192.168.1.50/24, gw .10) -- bridge C -- TAP eth0 [tapvs] TAP eth1 -- bridge S -- rs1 ns (172.16.10.100/16)
#                                                                                            \- rs2 ns (172.16.10.212/16)
# The bridges, the TAPs and the bridge-side veth ends live in a namespace of their own, so the root
# namespace (its iptables, bridge netfilter, interfaces) is never touched. Every name carries a random
# suffix; the EXIT trap kills what it started (by pid) and deletes every namespace and device it made.
#
# Checks: HTTP requests alternate between the two real servers in rr order; a UDP datagram to a UDP
# virtual service is answered by a real server; `tapvs replay` of the --record files makes the same
# scheduling decisions as the live run. Prints HTTP requests/s through the director and frames/s.
#
# usage: nat_e2e.sh TAPVS_BINARY [SOURCE_DIR]    (env: TAPVS_E2E_REQUESTS=200 timed requests, 0 = none)
set -uo pipefail

TAPVS=${1:?usage: nat_e2e.sh TAPVS_BINARY}
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

S=$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')   # 6 hex digits: names stay <= 15 chars
NS_B=tvb$S NS_C=tvc$S NS_1=tvr1$S NS_2=tvr2$S
BR_C=tvbc$S BR_S=tvbs$S TAP0=tvt0$S TAP1=tvt1$S
WORK=$(mktemp -d /tmp/tapvs-nat-e2e.XXXXXX)
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
for ns in "$NS_B" "$NS_C" "$NS_1" "$NS_2"; do
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

# veth: bridge end in NS_B, eth0 in the host namespace.
host() {  # ns bridge veth-name addr/len gateway
  local ns=$1 br=$2 v=$3 addr=$4 gw=$5
  ip -n "$NS_B" link add "$v" type veth peer name eth0 netns "$ns" || die "veth $v"
  ip -n "$NS_B" link set "$v" master "$br" up
  ip -n "$ns" addr add "$addr" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$gw"
}
host "$NS_C" "$BR_C" tvvc$S 192.168.1.50/24 192.168.1.10
host "$NS_1" "$BR_S" tvv1$S 172.16.10.100/16 172.16.10.12
host "$NS_2" "$BR_S" tvv2$S 172.16.10.212/16 172.16.10.12

# --- real servers: HTTP on :80 and UDP on :5300, each naming itself ---
for i in 1 2; do
  ns_var=NS_$i
  mkdir -p "$WORK/www$i"
  echo "rs$i" > "$WORK/www$i/index.html"
  ip netns exec "${!ns_var}" "$PY" -m http.server 80 --directory "$WORK/www$i" >"$WORK/http$i.log" 2>&1 &
  PIDS+=($!)
  ip netns exec "${!ns_var}" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5300))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(sys.argv[1].encode() + b" " + data, peer)
' "rs$i" >"$WORK/udp$i.log" 2>&1 &
  PIDS+=($!)
done

# --- the director: the guide's NAT config, no static neighbours (ARP must work), MACs of its own ---
cat >"$WORK/director.conf" <<CONF
ip link set dev eth0 address 02:00:00:00:01:00
ip link set dev eth1 address 02:00:00:00:01:01
ifconfig eth0 192.168.1.10 netmask 255.255.255.0 up
ifconfig eth1 172.16.10.12 netmask 255.255.0.0 up
echo 1 > /proc/sys/net/ipv4/ip_forward
ipvsadm -A -t 192.168.1.10:80 -s rr
ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.100:80 -m
ipvsadm -a -t 192.168.1.10:80 -r 172.16.10.212:80 -m
ipvsadm -A -u 192.168.1.10:5300 -s rr
ipvsadm -a -u 192.168.1.10:5300 -r 172.16.10.100:5300 -m
ipvsadm -a -u 192.168.1.10:5300 -r 172.16.10.212:5300 -m
CONF
ip netns exec "$NS_B" "$TAPVS" run --config "$WORK/director.conf" --port eth0="$TAP0" --port eth1="$TAP1" \
  --record "$WORK/rec" >"$WORK/director.out" 2>"$WORK/director.err" &
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
"$TAPVS" replay --config "$WORK/director.conf" --port eth0="$WORK/rec/eth0.in.pcap" --port eth1="$WORK/rec/eth1.in.pcap" \
  --out "$WORK/replayed" -q >"$WORK/replay.out" 2>&1 || { cat "$WORK/replay.out"; die "tapvs replay failed"; }
decisions() { grep '"event":"schedule"' "$1" | sed 's/^{"t":[0-9.]*,//'; }
live_n=$(decisions "$WORK/rec/trace.jsonl" | wc -l)
want_n=$((6 + 1 + N_TIMED))
[ "$live_n" = "$want_n" ] || { echo "FAIL: $live_n schedule decisions recorded, want $want_n"; fail=1; }
if ! diff <(decisions "$WORK/rec/trace.jsonl") <(decisions "$WORK/replayed/trace.jsonl") >"$WORK/decisions.diff"; then
  echo "FAIL: replay of the recording decided differently:"; head -n 20 "$WORK/decisions.diff"; fail=1
else
  echo "replay of the recording: the same $live_n schedule decisions"
fi

# --- numbers ---
if [ "$N_TIMED" != 0 ]; then
  read -r _ n secs split < <(grep '^timed' "$WORK/client.out")
  frames=$(awk '$1 == "eth0" || $1 == "eth1" { s += $3 } END { print s }' "$WORK/director.out")
  echo "speed: $n HTTP requests (new TCP connection each) in $secs s: $(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') requests/s ($split); director received $frames frames in the whole run"
fi

[ $fail = 0 ] || die "see above"
echo "PASS: nat_e2e"
