// ifconfig (net-tools 2.10, ifconfig.c main()): its arguments are ioctls done one after another,
// so this walks them in order and keeps what the kernel would end with (net/ipv4/devinet.c
// devinet_ioctl(): SIOCSIFADDR gives the classful prefix of inet_abc_len() and the broadcast
// addr|~mask; SIOCSIFNETMASK recomputes a broadcast still at its default; SIOCSIFBRDADDR sets it).
#include <fmt/format.h>

#include "host_parse.hpp"

namespace tapvs::ctl::detail {

namespace {

constexpr int kOptErr = 3;  // net-tools E_OPTERR

constexpr std::string_view kUsage =
    "Usage:\n"
    "  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n"
    "  [add <address>[/<prefixlen>]]\n"
    "  [del <address>[/<prefixlen>]]\n"
    "  [[-]broadcast [<address>]]  [[-]pointopoint [<address>]]\n"
    "  [netmask <address>]  [dstaddr <address>]  [tunnel <address>]\n"
    "  [outfill <NN>] [keepalive <NN>]\n"
    "  [hw <HW> <address>]  [mtu <NN>]\n"
    "  [[-]trailers]  [[-]arp]  [[-]allmulti]\n"
    "  [multicast]  [[-]promisc]\n"
    "  [mem_start <NN>]  [io_addr <NN>]  [irq <NN>]  [media <type>]\n"
    "  [txqueuelen <NN>]\n"
    "  [[-]dynamic]\n"
    "  [up|down] ...\n"
    "\n"
    "  <HW>=Hardware Type.\n"
    "  <AF>=Address family. Default: inet\n";

Err<Reply> usage(int status) { return fail(status, std::string(kUsage)); }
Err<Reply> unsupported(std::string_view what) {
    return fail(1, fmt::format("ifconfig: {} is not supported by tapvs", what));
}

// lib/inet.c INET_resolve(): "default", a dotted quad as inet_aton() reads it, else a host name.
std::optional<net::Ipv4Addr> resolve(std::string_view name, const IpvsadmContext& ctx) {
    if (name == "default") return net::Ipv4Addr{};
    if (auto a = clib::inet_aton(name)) return net::Ipv4Addr{*a};
    if (ctx.resolver) return ctx.resolver->host(name);
    return std::nullopt;
}
Err<Reply> unknown_host(std::string_view name) {  // herror(): "NAME: Unknown host"
    return fail(1, fmt::format("{}: Unknown host", name));
}

// net/ipv4/devinet.c inet_abc_len(): the classful prefix, -1 for multicast.
int inet_abc_len(net::Ipv4Addr a) {
    const std::uint32_t h = a.host_order;
    if ((h >> 24) == 0 || h == 0xffffffffu) return 0;
    if ((h & 0x80000000u) == 0) return 8;             // class A
    if ((h & 0xc0000000u) == 0x80000000u) return 16;  // class B
    if ((h & 0xe0000000u) == 0xc0000000u) return 24;  // class C
    if ((h & 0xf0000000u) == 0xf0000000u) return 32;  // class E
    return -1;                                        // class D: multicast
}

bool af_name(std::string_view w) {  // lib/af.c aftypes[] names
    static constexpr std::string_view kAf[] = {"unix", "inet", "inet6", "ax25", "netrom", "rose",
                                               "ipx",  "ddp",  "ec",    "x25",  "ash"};
    for (auto a : kAf)
        if (w == a) return true;
    return false;
}
bool hw_name(std::string_view w) {  // lib/hw.c hwtypes[] names
    static constexpr std::string_view kHw[] = {
        "loop", "slip", "cslip", "slip6", "cslip6", "adaptive", "strip", "ash", "ether", "tr", "ax25", "netrom",
        "rose", "tunnel", "ppp", "hdlc", "lapb", "arcnet", "dlci", "frad", "sit", "fddi", "hippi", "irda", "ec",
        "x25", "infiniband", "eui64"};
    for (auto h : kHw)
        if (w == h) return true;
    return false;
}
bool flag_word(std::string_view w) {  // the flag and hardware settings tapvs does not model
    static constexpr std::string_view kWords[] = {
        "arp", "-arp", "media", "port", "trailers", "-trailers", "promisc", "-promisc", "multicast", "-multicast",
        "allmulti", "-allmulti", "dynamic", "-dynamic", "keepalive", "outfill", "-broadcast", "dstaddr",
        "txqueuelen", "mem_start", "io_addr", "irq", "-pointopoint", "pointopoint", "add", "del", "tunnel"};
    for (auto k : kWords)
        if (w == k) return true;
    return false;
}

// The address labelled with the interface name, as devinet_ioctl() leaves it.
struct IfAddr {
    net::Ipv4Addr addr;
    int prefix = 32;
    std::uint32_t brd = 0;  // 0: none
};

}  // namespace

MultiResult parse_ifconfig(Args args, const IpvsadmContext& ctx) {
    std::size_t i = 0;
    for (; i < args.size() && !args[i].empty() && args[i][0] == '-'; ++i) {
        const std::string& o = args[i];
        if (o == "-a" || o == "-s" || o == "-v") continue;
        if (o == "-V" || o == "-version" || o == "--version") return unsupported("printing the version");
        if (o == "-?" || o == "-h" || o == "-help" || o == "--help") return usage(4);  // usage(E_USAGE)
        return fail(1, fmt::format("ifconfig: option `{}' not recognised.\nifconfig: `--help' gives usage information.", o));
    }
    if (i >= args.size()) return unsupported("listing interfaces (use `ip address show')");
    const std::string name = args[i++].substr(0, 15);  // safe_strncpy(ifr_name, IFNAMSIZ)
    if (i >= args.size()) return unsupported("showing an interface (use `ip address show')");
    if (af_name(args[i])) {
        if (args[i] != "inet") return unsupported(fmt::format("the address family `{}'", args[i]));
        ++i;
    }
    const auto colon = name.find(':');
    const bool alias = colon != std::string::npos;
    const std::string base = alias ? name.substr(0, colon) : name;
    bool brd_capable = base != "lo";  // IFF_BROADCAST: Ethernet yes, loopback no

    std::optional<IfAddr> ifa;
    bool flush_alias = false;
    bool did_netmask = false;
    std::optional<std::uint32_t> need_netmask;  // "ADDR/LEN": set after the loop
    cmd::LinkSet base_link;                     // mtu, hw ether, and up/down of a non-alias
    base_link.dev = base;
    std::optional<bool> alias_up;               // up/down of an alias label

    // SIOCSIFNETMASK
    auto set_netmask = [&](std::uint32_t mask) -> std::optional<Err<Reply>> {
        const int len = mask_len(net::Ipv4Addr{mask});
        if (len < 0) return fail(1, "SIOCSIFNETMASK: Invalid argument");
        if (!ifa) return unsupported("changing the netmask without setting the address");
        if (len != ifa->prefix) {
            const std::uint32_t old = net::prefix_mask(ifa->prefix);
            ifa->prefix = len;
            if (brd_capable && len < 31 && ifa->brd == (ifa->addr.host_order | ~old))
                ifa->brd = ifa->addr.host_order | ~mask;
        }
        return std::nullopt;
    };

    for (; i < args.size(); ++i) {
        const std::string& w = args[i];
        if (w == "up" || w == "down") {
            (alias ? alias_up : base_link.up) = w == "up";
        } else if (w == "mtu") {
            if (++i >= args.size()) return usage(kOptErr);
            base_link.mtu = clib::atoi(args[i]);  // atoi(); the kernel judges the value
        } else if (w == "netmask") {
            if (++i >= args.size() || did_netmask) return usage(kOptErr);
            auto m = resolve(args[i], ctx);
            if (!m) return unknown_host(args[i]);
            did_netmask = true;
            if (auto e = set_netmask(m->host_order)) return std::move(*e);
        } else if (w == "broadcast") {
            if (i + 1 < args.size()) {
                auto b = resolve(args[++i], ctx);
                if (!b) return unknown_host(args[i]);
                if (!ifa) return unsupported("setting the broadcast address without setting the address");
                ifa->brd = b->host_order;
            }
            if (!alias) brd_capable = true;  // set_flag(IFF_BROADCAST)
        } else if (w == "hw") {
            if (++i >= args.size() || !hw_name(args[i])) return usage(kOptErr);
            if (args[i] != "ether") return unsupported(fmt::format("the hardware type `{}'", args[i]));
            if (++i >= args.size()) return usage(kOptErr);
            auto mac = net::MacAddr::parse(args[i]);
            if (!mac) return fail(1, fmt::format("{}: invalid ether address.", args[i]));
            base_link.mac = *mac;
        } else if (flag_word(w)) {
            return unsupported(fmt::format("`{}'", w));
        } else {
            // The address, maybe ADDR/LEN (lib/inet.c INET_getnetmask()).
            std::string_view host = w;
            if (const auto slash = host.find('/'); slash != std::string_view::npos) {
                auto len = inet_getnetmask_prefix(host.substr(slash + 1));
                if (!len || *len > 32 || did_netmask) return usage(kOptErr);
                need_netmask = net::prefix_mask(static_cast<int>(*len));
                host = host.substr(0, slash);
            }
            auto a = resolve(host, ctx);
            if (!a) return fail(1, fmt::format("{}: Unknown host\nifconfig: `--help' gives usage information.", host));
            if (alias && name.back() == '-') return unsupported("an alias name ending in `-'");
            if (a->is_zero()) {  // SIOCSIFADDR of 0.0.0.0 removes the address
                if (!alias) return unsupported("removing an address with `ifconfig IF 0.0.0.0'");
                ifa.reset();
                flush_alias = true;
                alias_up.reset();
                continue;
            }
            const int len = inet_abc_len(*a);
            if (len < 0) return fail(1, "SIOCSIFADDR: Invalid argument");
            ifa = IfAddr{*a, len, brd_capable && len < 31 ? (a->host_order | ~net::prefix_mask(len)) : 0};
            flush_alias = false;
            if (alias) {
                alias_up.reset();  // set_flag() on a fresh alias changes nothing
            } else {
                base_link.up = true;  // ifconfig brings the interface up after SIOCSIFADDR
            }
        }
    }
    if (need_netmask) {
        if (auto e = set_netmask(*need_netmask)) return std::move(*e);
    }

    Commands out;
    if (ifa) {
        cmd::AddrAdd add;
        add.dev = base;
        add.label = alias ? name : std::string();
        add.addr = ifa->addr;
        add.prefix_len = ifa->prefix;
        if (ifa->brd != 0) add.broadcast = net::Ipv4Addr{ifa->brd};
        add.replace_label = true;  // SIOCSIFADDR sets the label's address, it does not add one
        out.push_back(add);
    }
    if (flush_alias) out.push_back(cmd::AddrFlush{name});
    if (base_link.up || base_link.mac || base_link.mtu) out.push_back(base_link);
    if (alias_up) out.push_back(cmd::LinkSet{name, alias_up, std::nullopt, std::nullopt});
    return out;
}

}  // namespace tapvs::ctl::detail
