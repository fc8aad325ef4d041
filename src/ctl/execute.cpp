// ctl::execute(): the one door into the engine. ipvsadm commands go to execute_ipvsadm()
// (ipvs_text.cpp); host commands (ip, ifconfig, route, sysctl, iptables) are carried out here with
// the messages iproute2, procps and iptables print for the same mistakes.
#include "tapvs/ctl/execute.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include "tapvs/ctl/ipvs_text.hpp"

namespace tapvs::ctl {

namespace {

using core::Engine;
using core::Host;
using core::PortId;

Reply fail(std::string msg, int status = 2) { return Reply{status, {}, std::move(msg) + "\n"}; }

// "eth0:0" is an alias label of the device "eth0".
bool is_alias(std::string_view dev) { return dev.find(':') != std::string_view::npos; }
std::string base_dev(std::string_view dev) { return std::string(dev.substr(0, dev.find(':'))); }

std::optional<long> to_int(std::string_view s) {
    long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// net.ipv4.vs.* that the data path reads (Documentation/networking/ipvs-sysctl.rst).
int* ipvs_sysctl(core::IpvsSysctl& s, std::string_view name) {
    struct Entry {
        std::string_view name;
        int core::IpvsSysctl::*field;
    };
    static constexpr Entry kTable[] = {
        {"expire_nodest_conn", &core::IpvsSysctl::expire_nodest_conn},
        {"expire_quiescent_template", &core::IpvsSysctl::expire_quiescent_template},
        {"conn_reuse_mode", &core::IpvsSysctl::conn_reuse_mode},
        {"sloppy_tcp", &core::IpvsSysctl::sloppy_tcp},
        {"secure_tcp", &core::IpvsSysctl::secure_tcp},
        {"pmtu_disc", &core::IpvsSysctl::pmtu_disc},
        {"cache_bypass", &core::IpvsSysctl::cache_bypass},
        {"nat_icmp_send", &core::IpvsSysctl::nat_icmp_send},
        {"snat_reroute", &core::IpvsSysctl::snat_reroute},
        {"lblc_expiration", &core::IpvsSysctl::lblc_expiration_s},
        {"lblcr_expiration", &core::IpvsSysctl::lblcr_expiration_s},
    };
    for (const auto& e : kTable)
        if (e.name == name) return &(s.*e.field);
    return nullptr;
}

// net.ipv4.conf.DEV.NAME as its interface and typed field (a '.' of the interface's name is spelled
// '/' in the dotted key); nullopt for any other key.
struct ConfKey {
    std::string dev;
    core::InterfaceConf::Field field;
};
std::optional<ConfKey> conf_key(std::string_view key) {
    constexpr std::string_view conf = "net.ipv4.conf.";
    if (!key.starts_with(conf)) return std::nullopt;
    key.remove_prefix(conf.size());
    const auto dot = key.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    auto field = core::InterfaceConf::field(key.substr(dot + 1));
    if (!field) return std::nullopt;
    std::string dev(key.substr(0, dot));
    std::replace(dev.begin(), dev.end(), '/', '.');
    return ConfKey{std::move(dev), field};
}

std::string sysctl_value(const Engine& e, const std::string& key) {
    const Host& h = e.host();
    if (key == "net.ipv4.ip_forward") return h.sysctl().ip_forward ? "1" : "0";
    if (key == "net.ipv4.icmp_echo_ignore_all") return h.sysctl().icmp_echo_ignore_all ? "1" : "0";
    if (key == "net.ipv4.icmp_echo_ignore_broadcasts") return h.sysctl().icmp_echo_ignore_broadcasts ? "1" : "0";
    constexpr std::string_view vs = "net.ipv4.vs.";
    if (key.starts_with(vs)) {
        auto& s = const_cast<core::IpvsSysctl&>(e.ipvs().sysctl());
        if (int* v = ipvs_sysctl(s, std::string_view(key).substr(vs.size()))) return std::to_string(*v);
    }
    if (const auto ck = conf_key(key)) {
        const core::InterfaceConf* c = h.find_conf(ck->dev);
        return c && (c->*ck->field) ? std::to_string(*(c->*ck->field)) : "0";
    }
    auto it = h.sysctl_values().find(key);
    if (it != h.sysctl_values().end()) return it->second;
    return "0";  // a known key never set: the kernel's default for the ones tapvs stores is 0
}

Reply sysctl_set(Engine& e, const cmd::SysctlSet& c) {
    auto v = to_int(c.value);
    if (!v) return fail(fmt::format("sysctl: setting key \"{}\": Invalid argument", c.key), 255);
    Host& h = e.host();
    const int iv = static_cast<int>(*v);
    constexpr std::string_view vs = "net.ipv4.vs.";
    if (c.key == "net.ipv4.ip_forward" || c.key == "net.ipv4.conf.all.forwarding") {
        h.sysctl().ip_forward = iv != 0;
    } else if (c.key == "net.ipv4.icmp_echo_ignore_all") {
        h.sysctl().icmp_echo_ignore_all = iv != 0;
    } else if (c.key == "net.ipv4.icmp_echo_ignore_broadcasts") {
        h.sysctl().icmp_echo_ignore_broadcasts = iv != 0;
    } else if (c.key.starts_with(vs)) {
        if (int* field = ipvs_sysctl(e.ipvs().sysctl(), std::string_view(c.key).substr(vs.size()))) *field = iv;
        h.sysctl_values()[c.key] = std::to_string(iv);
    } else if (const auto ck = conf_key(c.key)) {
        h.conf_of(ck->dev).*ck->field = iv;
    } else {
        h.sysctl_values()[c.key] = std::to_string(iv);
    }
    if (c.quiet) return {};
    return Reply{0, fmt::format("{} = {}\n", c.key, iv), {}};
}

bool same_match(const core::MarkRule& a, const core::MarkRule& b) {
    return a.chain == b.chain && a.match == b.match && a.mark == b.mark && a.mask == b.mask;
}

Reply mark_rule(Engine& e, const cmd::MarkRule& c) {
    auto& rules = e.host().mark_rules();
    switch (c.op) {
        case cmd::MarkRule::Op::append: rules.push_back(c); break;
        case cmd::MarkRule::Op::insert: rules.insert(rules.begin(), c); break;
        case cmd::MarkRule::Op::del: {
            auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& r) { return same_match(r, c); });
            if (it == rules.end())
                return fail("iptables: Bad rule (does a matching rule exist in that chain?).", 1);
            rules.erase(it);
            break;
        }
        case cmd::MarkRule::Op::flush:
            std::erase_if(rules, [&](const auto& r) { return c.chain.empty() || r.chain == c.chain; });
            break;
    }
    return {};
}

std::string link_line(const core::Port& p, std::size_t idx) {
    std::string flags = p.loopback ? "LOOPBACK" : "BROADCAST,MULTICAST";
    if (p.up) flags += ",UP,LOWER_UP";
    return fmt::format("{}: {}: <{}> mtu {} state {}\n    link/{} {} brd {}\n", idx + 1, p.name, flags, p.mtu,
                       p.loopback ? "UNKNOWN" : p.up ? "UP" : "DOWN", p.loopback ? "loopback" : "ether",
                       p.loopback ? "00:00:00:00:00:00" : p.mac.to_string(),
                       p.loopback ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff");
}

Reply show(const Engine& e, const cmd::Show& c) {
    const Host& h = e.host();
    std::string out;
    auto wanted = [&](const core::Port& p) { return c.dev.empty() || p.name == c.dev; };
    if (!c.dev.empty() && !h.find_port(c.dev) && c.what != cmd::Show::What::route &&
        c.what != cmd::Show::What::neigh)
        return fail(fmt::format("Device \"{}\" does not exist.", c.dev), 1);
    switch (c.what) {
        case cmd::Show::What::link:
        case cmd::Show::What::addr:
            for (std::size_t i = 0; i < h.ports().size(); ++i) {
                const auto& p = h.ports()[i];
                if (!wanted(p)) continue;
                out += link_line(p, i);
                if (c.what == cmd::Show::What::link) continue;
                for (const auto& a : p.addrs) {
                    std::string brd;
                    if (!p.loopback && a.prefix_len < 31)
                        brd = " brd " + net::Ipv4Addr{a.addr.host_order | ~net::prefix_mask(a.prefix_len)}.to_string();
                    out += fmt::format("    inet {}/{}{} scope {} {}\n       valid_lft forever preferred_lft forever\n",
                                       a.addr, a.prefix_len, brd, p.loopback ? "host" : "global",
                                       a.label.empty() ? p.name : a.label);
                }
            }
            break;
        case cmd::Show::What::route:
            for (const auto& r : h.routes()) {
                if (r.port != core::kNoPort && !c.dev.empty() && h.port(r.port).name != c.dev) continue;
                std::string dst = r.prefix_len == 0 ? "default" : fmt::format("{}/{}", r.dst, r.prefix_len);
                if (r.prefix_len == 32 && !r.connected) dst = r.dst.to_string();
                std::string via = r.via ? " via " + r.via->to_string() : "";
                std::string dev = r.port != core::kNoPort ? " dev " + h.port(r.port).name : "";
                std::string tail = r.connected
                                       ? " proto kernel scope link src " + h.source_for(r.port, r.dst).to_string()
                                       : "";
                out += fmt::format("{}{}{}{} \n", dst, via, dev, tail);
            }
            break;
        case cmd::Show::What::neigh: {
            std::vector<const core::Neighbour*> all;
            h.neigh().for_each([&](const core::Neighbour& n) { all.push_back(&n); });
            std::sort(all.begin(), all.end(), [](auto* a, auto* b) {
                return std::pair(a->port, a->addr) < std::pair(b->port, b->addr);
            });
            for (const auto* n : all) {
                if (!c.dev.empty() && h.port(n->port).name != c.dev) continue;
                const char* state = n->state == core::NeighState::permanent   ? "PERMANENT"
                                    : n->state == core::NeighState::reachable ? "REACHABLE"
                                    : n->state == core::NeighState::failed    ? "FAILED"
                                                                              : "INCOMPLETE";
                std::string ll = (n->state == core::NeighState::reachable || n->state == core::NeighState::permanent)
                                     ? " lladdr " + n->mac.to_string()
                                     : "";
                out += fmt::format("{} dev {}{} {}\n", n->addr, h.port(n->port).name, ll, state);
            }
            break;
        }
    }
    return Reply{0, std::move(out), {}};
}

}  // namespace

bool is_ipvsadm_command(const Command& c) noexcept {
    return std::visit(
        [](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            return std::is_same_v<T, cmd::AddService> || std::is_same_v<T, cmd::EditService> ||
                   std::is_same_v<T, cmd::DelService> || std::is_same_v<T, cmd::Flush> ||
                   std::is_same_v<T, cmd::AddDest> || std::is_same_v<T, cmd::EditDest> ||
                   std::is_same_v<T, cmd::DelDest> || std::is_same_v<T, cmd::Zero> ||
                   std::is_same_v<T, cmd::SetTimeout> || std::is_same_v<T, cmd::List> ||
                   std::is_same_v<T, cmd::Save> || std::is_same_v<T, cmd::Restore> ||
                   std::is_same_v<T, cmd::StartDaemon> || std::is_same_v<T, cmd::StopDaemon> ||
                   std::is_same_v<T, cmd::Help> || std::is_same_v<T, cmd::Version>;
        },
        c);
}

Reply execute_host(Engine& e, const Command& command) {
    Host& h = e.host();
    return std::visit(
        [&](const auto& c) -> Reply {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, cmd::AddrAdd>) {
                core::Port& p = h.edit_port(h.port_id(base_dev(c.dev)));
                if (c.replace_label) {
                    // ifconfig IF[:N] ADDR (SIOCSIFADDR): the address carrying this label changes.
                    auto it = std::find_if(p.addrs.begin(), p.addrs.end(),
                                           [&](const core::PortAddr& a) { return a.label == c.label; });
                    if (it != p.addrs.end()) {
                        *it = core::PortAddr{c.addr, c.prefix_len, c.label};
                        h.refresh_connected_routes();
                        return {};
                    }
                }
                for (const auto& a : p.addrs)
                    if (a.addr == c.addr && a.prefix_len == c.prefix_len)
                        return fail("Error: ipv4: Address already assigned.");
                p.addrs.push_back(core::PortAddr{c.addr, c.prefix_len, c.label});
                h.refresh_connected_routes();
                return {};
            } else if constexpr (std::is_same_v<T, cmd::AddrDel>) {
                auto id = h.find_port(base_dev(c.dev));
                if (!id) return fail(fmt::format("Cannot find device \"{}\"", c.dev), 1);
                auto& addrs = h.edit_port(*id).addrs;
                // prefix_len -1: `ip addr del ADDR dev IF` without /LEN matches any prefix.
                auto it = std::find_if(addrs.begin(), addrs.end(), [&](const auto& a) {
                    return a.addr == c.addr && (c.prefix_len < 0 || a.prefix_len == c.prefix_len);
                });
                if (it == addrs.end()) return fail("Error: ipv4: Address not found.");
                addrs.erase(it);
                h.refresh_connected_routes();
                return {};
            } else if constexpr (std::is_same_v<T, cmd::AddrFlush>) {
                auto id = h.find_port(base_dev(c.dev));
                if (!id) return fail(fmt::format("Device \"{}\" does not exist.", c.dev), 1);
                auto& addrs = h.edit_port(*id).addrs;
                if (is_alias(c.dev)) std::erase_if(addrs, [&](const core::PortAddr& a) { return a.label == c.dev; });
                else addrs.clear();
                h.refresh_connected_routes();
                return {};
            } else if constexpr (std::is_same_v<T, cmd::LinkSet>) {
                if (is_alias(c.dev)) {
                    // ifconfig eth0:0 up|down: an alias is its address (devinet_ioctl SIOCSIFFLAGS).
                    auto id = h.find_port(base_dev(c.dev));
                    auto* addrs = id ? &h.edit_port(*id).addrs : nullptr;
                    const bool exists = addrs && std::any_of(addrs->begin(), addrs->end(),
                                                             [&](const core::PortAddr& a) { return a.label == c.dev; });
                    if (!exists) return fail("SIOCSIFFLAGS: Cannot assign requested address", 1);
                    if (c.up && !*c.up) {
                        std::erase_if(*addrs, [&](const core::PortAddr& a) { return a.label == c.dev; });
                        h.refresh_connected_routes();
                    }
                    return {};
                }
                core::Port& p = h.edit_port(h.port_id(c.dev));
                if (c.mtu) {
                    if (*c.mtu < 68) return fail("Error: mtu less than device minimum.");
                    if (*c.mtu > 65535) return fail("Error: mtu greater than device maximum.");
                    p.mtu = *c.mtu;
                }
                if (c.mac) {
                    if (c.mac->is_multicast() || c.mac->is_zero())
                        return fail("RTNETLINK answers: Cannot assign requested address");
                    p.mac = *c.mac;
                }
                if (c.up && p.up != *c.up) {
                    p.up = *c.up;
                    h.refresh_connected_routes();
                }
                return {};
            } else if constexpr (std::is_same_v<T, cmd::RouteAdd>) {
                core::Route r;
                r.dst = net::Ipv4Addr{c.dst.host_order & net::prefix_mask(c.prefix_len)};
                r.prefix_len = c.prefix_len;
                r.via = c.via;
                if (!c.dev.empty()) {
                    r.port = h.port_id(c.dev);
                } else if (c.via) {
                    const core::Route* nh = h.route(*c.via);
                    if (!nh || !nh->connected) return fail("Error: Nexthop has invalid gateway.");
                    r.port = nh->port;
                } else {
                    return fail("Error: Device for nexthop is not up.");
                }
                if (c.via) {  // the gateway must be on-link through that port
                    bool onlink = false;
                    for (const auto& a : h.port(r.port).addrs) onlink = onlink || a.contains(*c.via);
                    if (!onlink) return fail("Error: Nexthop has invalid gateway.");
                }
                auto& routes = h.edit_routes();
                auto it = std::find_if(routes.begin(), routes.end(), [&](const core::Route& x) {
                    return !x.connected && x.dst == r.dst && x.prefix_len == r.prefix_len;
                });
                if (it != routes.end()) {
                    if (!c.replace) return fail("RTNETLINK answers: File exists");
                    *it = r;
                } else {
                    routes.push_back(r);
                }
                return {};
            } else if constexpr (std::is_same_v<T, cmd::RouteDel>) {
                net::Ipv4Addr dst{c.dst.host_order & net::prefix_mask(c.prefix_len)};
                auto& routes = h.edit_routes();
                auto it = std::find_if(routes.begin(), routes.end(), [&](const core::Route& x) {
                    return x.dst == dst && x.prefix_len == c.prefix_len && (!c.via || x.via == c.via) &&
                           (c.dev.empty() || (x.port != core::kNoPort && h.port(x.port).name == c.dev));
                });
                if (it == routes.end()) return fail("RTNETLINK answers: No such process");
                routes.erase(it);
                return {};
            } else if constexpr (std::is_same_v<T, cmd::NeighAdd>) {
                PortId port = h.port_id(c.dev);
                core::Neighbour* n = h.neigh().find(port, c.addr);
                if (n && !c.replace && n->state == core::NeighState::permanent)
                    return fail("RTNETLINK answers: File exists");
                core::Neighbour& m = n ? *n : h.neigh().create(port, c.addr);
                m.mac = c.mac;
                m.state = core::NeighState::permanent;
                return {};
            } else if constexpr (std::is_same_v<T, cmd::NeighDel>) {
                auto id = h.find_port(c.dev);
                if (!id || !h.neigh().erase(*id, c.addr)) return fail("RTNETLINK answers: No such file or directory");
                return {};
            } else if constexpr (std::is_same_v<T, cmd::SysctlSet>) {
                return sysctl_set(e, c);
            } else if constexpr (std::is_same_v<T, cmd::SysctlGet>) {
                std::string v = sysctl_value(e, c.key);
                return Reply{0, c.value_only ? v + "\n" : fmt::format("{} = {}\n", c.key, v), {}};
            } else if constexpr (std::is_same_v<T, cmd::MarkRule>) {
                return mark_rule(e, c);
            } else if constexpr (std::is_same_v<T, cmd::Show>) {
                return show(e, c);
            } else {
                return fail("tapvs: not a host command");
            }
        },
        command);
}

Reply execute(Engine& e, const Command& cmd, core::Timestamp now, const IpvsadmContext& ctx) {
    if (is_ipvsadm_command(cmd)) return execute_ipvsadm(e.ipvs(), cmd, now, ctx);
    return execute_host(e, cmd);
}

}  // namespace tapvs::ctl
