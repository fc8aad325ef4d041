#include "tapvs/core/host.hpp"

#include <algorithm>
#include <charconv>

namespace tapvs::core {

PortId Host::port_id(std::string_view name) {
    if (auto id = find_port(name)) return *id;
    Port p;
    p.name = std::string(name);
    p.loopback = name == "lo";
    if (auto it = conf_other_.find(name); it != conf_other_.end()) {  // set before the port was made
        p.conf = it->second;
        conf_other_.erase(it);
    }
    p.up = p.loopback;
    p.mtu = p.loopback ? 65536 : 1500;
    // A locally administered MAC of the director's own ("02:74:76" = 't' 'v'), distinct per port.
    // The director never uses a TAP netdev's MAC (see MACHINE_NOTES.md).
    const auto n = static_cast<std::uint16_t>(ports_.size() + 1);
    p.mac = net::MacAddr{{0x02, 0x74, 0x76, 0x00, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
    ports_.push_back(std::move(p));
    ++gen_;
    return static_cast<PortId>(ports_.size() - 1);
}

std::optional<PortId> Host::find_port(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < ports_.size(); ++i)
        if (ports_[i].name == name) return static_cast<PortId>(i);
    return std::nullopt;
}

void Host::refresh_flat() const {
    local_.clear();
    bcast_.clear();
    for (std::size_t i = 0; i < ports_.size(); ++i)
        for (const auto& pa : ports_[i].addrs) {
            local_.emplace_back(pa.addr.host_order, static_cast<PortId>(i));
            if (pa.prefix_len < 31) bcast_.push_back(pa.addr.host_order | ~net::prefix_mask(pa.prefix_len));
        }
    flat_gen_ = gen_;
}

bool Host::is_local(net::Ipv4Addr a, PortId* on) const noexcept {
    if (a.is_loopback()) {
        if (on) *on = kNoPort;
        return true;
    }
    if (flat_gen_ != gen_) refresh_flat();
    for (const auto& [addr, port] : local_)
        if (addr == a.host_order) {
            if (on) *on = port;
            return true;
        }
    return false;
}

bool Host::is_broadcast(net::Ipv4Addr a) const noexcept {
    if (a.is_limited_broadcast()) return true;
    if (flat_gen_ != gen_) refresh_flat();
    for (std::uint32_t b : bcast_)
        if (b == a.host_order) return true;
    return false;
}

const Route* Host::route(net::Ipv4Addr dst) const noexcept {
    const Route* best = nullptr;
    for (const auto& r : routes_) {
        if (r.port == kNoPort || !ports_[r.port].up || ports_[r.port].loopback) continue;
        if (!r.matches(dst)) continue;
        if (!best || r.prefix_len > best->prefix_len) best = &r;
    }
    return best;
}

net::Ipv4Addr Host::source_for(PortId port, net::Ipv4Addr dst) const noexcept {
    const Port& p = ports_[port];
    for (const auto& pa : p.addrs)
        if (pa.contains(dst)) return pa.addr;
    if (!p.addrs.empty()) return p.addrs.front().addr;
    for (const auto& q : ports_)  // inet_select_addr() falls back to any address of the host
        if (!q.loopback && !q.addrs.empty()) return q.addrs.front().addr;
    return {};
}

namespace {
bool prefix_match(const std::optional<std::pair<net::Ipv4Addr, int>>& want, bool invert, net::Ipv4Addr a) {
    if (!want) return true;
    std::uint32_t m = net::prefix_mask(want->second);
    bool hit = (a.host_order & m) == (want->first.host_order & m);
    return hit != invert;
}
bool port_match(const std::vector<std::uint16_t>& want, std::uint16_t p) {
    return want.empty() || std::find(want.begin(), want.end(), p) != want.end();
}
}  // namespace

// iptables -t mangle PREROUTING, -j MARK: every matching rule applies in order (MARK is a
// non-terminating target), each doing mark = (mark & ~mask) ^ value.
std::uint32_t Host::mark_for(PortId in, std::uint8_t protocol, net::Ipv4Addr src, net::Ipv4Addr dst,
                             std::uint16_t sport, std::uint16_t dport) const noexcept {
    std::uint32_t mark = 0;
    for (const auto& r : mark_rules_) {
        if (r.chain != "PREROUTING") continue;
        const auto& m = r.match;
        if (m.protocol != 0 && m.protocol != protocol) continue;
        if (!prefix_match(m.src, m.src_invert, src) || !prefix_match(m.dst, m.dst_invert, dst)) continue;
        if (!m.sports.empty() || !m.dports.empty()) {
            if (protocol != 6 && protocol != 17) continue;
            if (!port_match(m.sports, sport) || !port_match(m.dports, dport)) continue;
        }
        if (!m.in_iface.empty() && (in >= ports_.size() || ports_[in].name != m.in_iface)) continue;
        mark = (mark & ~r.mask) ^ r.mark;
    }
    return mark;
}

InterfaceConf::Field InterfaceConf::field(std::string_view name) noexcept {
    static constexpr std::pair<std::string_view, Field> kFields[] = {
        {"arp_ignore", &InterfaceConf::arp_ignore},
        {"arp_announce", &InterfaceConf::arp_announce},
        {"rp_filter", &InterfaceConf::rp_filter},
        {"arp_filter", &InterfaceConf::arp_filter},
        {"proxy_arp", &InterfaceConf::proxy_arp},
        {"send_redirects", &InterfaceConf::send_redirects},
        {"accept_redirects", &InterfaceConf::accept_redirects},
        {"accept_source_route", &InterfaceConf::accept_source_route},
        {"forwarding", &InterfaceConf::forwarding},
        {"log_martians", &InterfaceConf::log_martians},
    };
    for (const auto& [n, f] : kFields)
        if (n == name) return f;
    return nullptr;
}

InterfaceConf& Host::conf_of(std::string_view dev) {
    if (dev == "all") return conf_all_;
    if (dev == "default") return conf_default_;
    if (auto id = find_port(dev)) return ports_[*id].conf;
    auto it = conf_other_.find(dev);
    if (it == conf_other_.end()) it = conf_other_.emplace(std::string(dev), InterfaceConf{}).first;
    return it->second;
}

const InterfaceConf* Host::find_conf(std::string_view dev) const noexcept {
    if (dev == "all") return &conf_all_;
    if (dev == "default") return &conf_default_;
    if (auto id = find_port(dev)) return &ports_[*id].conf;
    auto it = conf_other_.find(dev);
    return it == conf_other_.end() ? nullptr : &it->second;
}

void Host::refresh_connected_routes() {
    ++gen_;
    std::erase_if(routes_, [](const Route& r) { return r.connected; });
    std::vector<Route> connected;
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        if (ports_[i].loopback) continue;
        for (const auto& pa : ports_[i].addrs) {
            Route r;
            r.dst = net::Ipv4Addr{pa.addr.host_order & net::prefix_mask(pa.prefix_len)};
            r.prefix_len = pa.prefix_len;
            r.port = static_cast<PortId>(i);
            r.connected = true;
            bool dup = std::any_of(connected.begin(), connected.end(), [&](const Route& c) {
                return c.dst == r.dst && c.prefix_len == r.prefix_len && c.port == r.port;
            });
            if (!dup) connected.push_back(r);
        }
    }
    routes_.insert(routes_.begin(), connected.begin(), connected.end());
}

}  // namespace tapvs::core
