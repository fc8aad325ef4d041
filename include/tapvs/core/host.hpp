// The director as a host: its ports (each a MAC, IPv4 addresses and an MTU), routes, neighbours
// (the ARP cache, neigh.hpp), sysctls and the mangle MARK rules fwmark services use. Pure data and lookups; the
// engine (engine.hpp) moves frames through it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapvs/core/mark.hpp"
#include "tapvs/core/neigh.hpp"
#include "tapvs/core/port_id.hpp"
#include "tapvs/net/addr.hpp"

namespace tapvs::core {

struct PortAddr {
    net::Ipv4Addr addr;
    int prefix_len = 32;
    std::string label;
    bool contains(net::Ipv4Addr a) const noexcept {
        return (a.host_order & net::prefix_mask(prefix_len)) == (addr.host_order & net::prefix_mask(prefix_len));
    }
};

// net.ipv4.conf.{all,default,IF}.NAME: the per-interface sysctls tapvs knows, typed. Unset: never
// written (`sysctl` shows 0). The kernel acts on max(conf.all, conf.IF) for those it reads
// (IN_DEV_ARP_IGNORE, IN_DEV_ARP_ANNOUNCE, IN_DEV_RPFILTER): Host::conf().
struct InterfaceConf {
    std::optional<int> arp_ignore, arp_announce, rp_filter, arp_filter, proxy_arp, send_redirects, accept_redirects,
        accept_source_route, forwarding, log_martians;
    using Field = std::optional<int> InterfaceConf::*;
    // The field a sysctl name ("arp_ignore") stands for; nullptr when it is none of them.
    static Field field(std::string_view name) noexcept;
};

struct Port {
    std::string name;
    net::MacAddr mac;
    int mtu = 1500;
    bool up = false;
    bool loopback = false;  // "lo": addresses are local, no frames go in or out
    std::vector<PortAddr> addrs;  // the first is the primary
    InterfaceConf conf;           // net.ipv4.conf.NAME.*
};

// One route. Connected routes come from the ports' addresses (proto kernel); static ones from
// `ip route add` / `route add`.
struct Route {
    net::Ipv4Addr dst;
    int prefix_len = 0;
    std::optional<net::Ipv4Addr> via;
    PortId port = kNoPort;
    bool connected = false;
    bool matches(net::Ipv4Addr a) const noexcept {
        return (a.host_order & net::prefix_mask(prefix_len)) == dst.host_order;
    }
};

// Host-level sysctls tapvs acts on (the rest are stored and shown).
struct HostSysctl {
    bool ip_forward = false;              // net.ipv4.ip_forward
    bool icmp_echo_ignore_all = false;    // net.ipv4.icmp_echo_ignore_all
    bool icmp_echo_ignore_broadcasts = true;
};

class Host {
public:
    explicit Host(NeighParams neigh = {}) : neigh_(neigh) {}

    // Ports: made on first mention by name (a config line, or --port at run time).
    PortId port_id(std::string_view name);  // creates it when unknown
    std::optional<PortId> find_port(std::string_view name) const noexcept;
    // Reading never changes generation(); every edit_*() bumps it: what a connection cached about
    // routing, and the flat route table, are stale after a change to a port or a route.
    Port& edit_port(PortId id) noexcept {
        ++gen_;
        return ports_[id];
    }
    const Port& port(PortId id) const noexcept { return ports_[id]; }
    const std::vector<Port>& ports() const noexcept { return ports_; }

    // Is `a` one of the host's own addresses (any port, or loopback 127/8)? Sets *on to its port.
    bool is_local(net::Ipv4Addr a, PortId* on = nullptr) const noexcept;
    // Is `a` a broadcast address of a connected subnet (or 255.255.255.255)?
    bool is_broadcast(net::Ipv4Addr a) const noexcept;
    // Longest-prefix match over up ports' routes; nullptr when none.
    const Route* route(net::Ipv4Addr dst) const noexcept;
    // The source address for a packet the host originates toward `dst` out of `port`
    // (inet_select_addr: an address of that port on the same subnet, else its primary).
    net::Ipv4Addr source_for(PortId port, net::Ipv4Addr dst) const noexcept;

    // The neighbours (ARP cache). Its create()/erase() move generation() too.
    NeighTable& neigh() noexcept { return neigh_; }
    const NeighTable& neigh() const noexcept { return neigh_; }

    // fwmark from the mangle PREROUTING rules (first matching rule's effect, iptables order).
    std::uint32_t mark_for(PortId in, std::uint8_t protocol, net::Ipv4Addr src, net::Ipv4Addr dst,
                           std::uint16_t sport, std::uint16_t dport) const noexcept;

    HostSysctl& sysctl() noexcept { return sysctl_; }
    const HostSysctl& sysctl() const noexcept { return sysctl_; }
    // Every other known sysctl, by dotted key (shown by `sysctl KEY`).
    std::map<std::string, std::string>& sysctl_values() noexcept { return sysctl_values_; }
    const std::map<std::string, std::string>& sysctl_values() const noexcept { return sysctl_values_; }
    // net.ipv4.conf.DEV.*: DEV "all", "default", a port's name, or another interface's (kept, and
    // the port's own once a port of that name is made).
    InterfaceConf& conf_of(std::string_view dev);
    const InterfaceConf* find_conf(std::string_view dev) const noexcept;
    // What the kernel acts on for `port`: max(conf.all, conf.PORT) of field `f`; `fallback` when
    // neither was ever set. No string work: this is on the packet path (ARP).
    int conf(PortId port, InterfaceConf::Field f, int fallback) const noexcept {
        const std::optional<int>& all = conf_all_.*f;
        const std::optional<int>& own = ports_[port].conf.*f;
        if (!all && !own) return fallback;
        return std::max(all.value_or(0), own.value_or(0));
    }

    std::vector<Route>& edit_routes() noexcept {
        ++gen_;
        return routes_;
    }
    const std::vector<Route>& routes() const noexcept { return routes_; }
    std::vector<MarkRule>& mark_rules() noexcept { return mark_rules_; }
    const std::vector<MarkRule>& mark_rules() const noexcept { return mark_rules_; }

    // Rebuilds the connected routes after an address or link change.
    void refresh_connected_routes();
    // Changes whenever ports, addresses, routes or the set of neighbours may have changed.
    std::uint32_t generation() const noexcept { return gen_ + neigh_.generation(); }

private:
    std::vector<Port> ports_;
    std::vector<Route> routes_;  // connected first (refreshed), then static in insertion order
    NeighTable neigh_;
    std::vector<MarkRule> mark_rules_;
    HostSysctl sysctl_;
    std::map<std::string, std::string> sysctl_values_;
    InterfaceConf conf_all_, conf_default_;
    std::map<std::string, InterfaceConf, std::less<>> conf_other_;  // interfaces that are not ports (yet)
    std::uint32_t gen_ = 1;
    // Flat copies of the local and subnet-broadcast addresses, rebuilt when gen_ moved.
    void refresh_flat() const;
    mutable std::uint32_t flat_gen_ = 0;
    mutable std::vector<std::pair<std::uint32_t, PortId>> local_;
    mutable std::vector<std::uint32_t> bcast_;
};

}  // namespace tapvs::core
