// The command language as data: one struct per command form. Every front end (the config file,
// tapvsadm, replay's timed lines, labs, the grader) parses text into a Command with ONE parser
// (ctl/config.hpp, ctl/ipvsadm.hpp), and ctl::execute() is the only door into the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tapvs/core/ipvs_user.hpp"
#include "tapvs/core/mark.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::ctl {

// ipvsadm.c FMT_* bits for -L.
struct ListOptions {
    bool numeric = false;          // -n
    bool connection = false;       // -c
    bool stats = false;            // --stats
    bool rate = false;             // --rate
    bool thresholds = false;       // --thresholds
    bool persistent_conn = false;  // --persistent-conn
    bool timeout = false;          // --timeout
    bool daemon = false;           // --daemon
    bool nosort = false;           // --nosort
    bool exact = false;            // -X / --exact
    bool tun_info = false;         // --tun-info
    friend bool operator==(const ListOptions&, const ListOptions&) = default;
};

namespace cmd {

// ---- ipvsadm (ipvsadm.c CMD_*) ----
struct AddService { core::ServiceUser svc; };                       // -A
struct EditService { core::ServiceUser svc; };                      // -E
struct DelService { core::ServiceKey svc; };                        // -D
struct Flush {};                                                    // -C
struct AddDest { core::ServiceKey svc; core::DestUser dest; };      // -a
struct EditDest { core::ServiceKey svc; core::DestUser dest; };     // -e
struct DelDest { core::ServiceKey svc; core::DestUser dest; };      // -d
struct Zero { std::optional<core::ServiceKey> svc; };               // -Z
struct SetTimeout { std::uint32_t tcp = 0, tcpfin = 0, udp = 0; };  // --set
struct List { ListOptions opts; std::optional<core::ServiceKey> svc; };  // -L / -l
struct Save { bool numeric = false; };                              // -S
struct Restore {};                                                  // -R: the lines that follow
struct StartDaemon { std::string state; std::string mcast_interface; int syncid = 0; };
struct StopDaemon { std::string state; };
struct Help {};     // -h: usage on stdout, exit 0
struct Version {};  // -v

// ---- the director host: ip / ifconfig / route / sysctl / echo > /proc/sys / iptables ----
struct AddrAdd {
    std::string dev;    // the port ("eth0"); "lo" is the loopback
    std::string label;  // "eth0:0" for ifconfig aliases, else empty
    net::Ipv4Addr addr;
    int prefix_len = 32;
    std::optional<net::Ipv4Addr> broadcast;
    bool replace_label = false;  // ifconfig: the address carrying this label (or the device's own) is replaced
};
struct AddrDel { std::string dev; net::Ipv4Addr addr; int prefix_len = 32; };
struct AddrFlush { std::string dev; };
struct LinkSet {
    std::string dev;
    std::optional<bool> up;
    std::optional<net::MacAddr> mac;
    std::optional<int> mtu;
};
struct RouteAdd {
    net::Ipv4Addr dst;  // 0.0.0.0/0 for "default"
    int prefix_len = 0;
    std::optional<net::Ipv4Addr> via;
    std::string dev;    // empty: found from `via`
    bool replace = false;
};
struct RouteDel { net::Ipv4Addr dst; int prefix_len = 0; std::optional<net::Ipv4Addr> via; std::string dev; };
struct NeighAdd { net::Ipv4Addr addr; net::MacAddr mac; std::string dev; bool replace = false; };
struct NeighDel { net::Ipv4Addr addr; std::string dev; };
struct SysctlSet {
    std::string key;     // dotted: "net.ipv4.ip_forward"
    std::string value;
    bool quiet = false;  // `echo V > /proc/sys/...` and `sysctl -q` print nothing; `sysctl -w` prints "key = value"
};
struct SysctlGet {
    std::string key;
    bool value_only = false;  // `sysctl -n KEY` and `cat /proc/sys/...` print the bare value
};

// iptables -t mangle ... -j MARK --set-mark N[/MASK]: the rule (core/mark.hpp) and what to do with it.
using MarkMatch = core::MarkMatch;
struct MarkRule : core::MarkRule {
    enum class Op : std::uint8_t { append, insert, del, flush } op = Op::append;
};

// `ip addr show`, `ip route`, `ip neigh`, `ip link`: print the host's tables.
struct Show { enum class What : std::uint8_t { addr, link, route, neigh } what = What::addr; std::string dev; };

}  // namespace cmd

using Command = std::variant<
    cmd::AddService, cmd::EditService, cmd::DelService, cmd::Flush, cmd::AddDest, cmd::EditDest, cmd::DelDest,
    cmd::Zero, cmd::SetTimeout, cmd::List, cmd::Save, cmd::Restore, cmd::StartDaemon, cmd::StopDaemon,
    cmd::Help, cmd::Version,
    cmd::AddrAdd, cmd::AddrDel, cmd::AddrFlush, cmd::LinkSet, cmd::RouteAdd, cmd::RouteDel, cmd::NeighAdd,
    cmd::NeighDel, cmd::SysctlSet, cmd::SysctlGet, cmd::MarkRule, cmd::Show>;

// What a command prints and its exit status, exactly as the real tool would.
struct Reply {
    int status = 0;
    std::string out;  // stdout
    std::string err;  // stderr
};

}  // namespace tapvs::ctl
