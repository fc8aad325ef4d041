// route (net-tools 2.10): route.c main() (getopt, then add|del|flush) and lib/inet_sr.c
// INET_setroute(), with its sanity checks and exit codes (E_USAGE 4, E_OPTERR 3 -> route's own
// usage and 4, E_LOOKUP 6, E_SOCK 7), plus the kernel's SIOCADDRT/SIOCDELRT check
// (net/ipv4/fib_frontend.c rtentry_to_fib_config(): a network route needs a mask that covers it).
#include <fmt/format.h>

#include "host_parse.hpp"

namespace tapvs::ctl::detail {

namespace {

constexpr int kUsage = 4;   // E_USAGE
constexpr int kLookup = 6;  // E_LOOKUP
constexpr int kSock = 7;    // E_SOCK

constexpr std::string_view kRouteUsage =
    "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n"
    "       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.\n"
    "\n"
    "       route {-h|--help} [<AF>]              Detailed usage syntax for specified AF.\n"
    "       route {-V|--version}                  Display version/author and exit.\n"
    "\n"
    "        -v, --verbose            be verbose\n"
    "        -n, --numeric            don't resolve names\n"
    "        -e, --extend             display other/more information\n"
    "        -F, --fib                display Forwarding Information Base (default)\n"
    "        -C, --cache              display routing cache instead of FIB\n"
    "\n"
    "  <AF>=Use -4, -6, '-A <af>' or '--<af>'; default: inet\n"
    "  List of possible address families (which support routing):\n"
    "    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) \n"
    "    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) \n"
    "    ddp (Appletalk DDP) x25 (CCITT X.25) \n";

constexpr std::string_view kInetUsage =
    "Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]\n"
    "       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]\n"
    "                              [netmask N] [mss Mss] [window W] [irtt I]\n"
    "                              [mod] [dyn] [reinstate] [[dev] If]\n"
    "       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject\n"
    "       inet_route [-FC] flush      NOT supported\n";

Err<Reply> route_usage(std::string_view before = {}) {  // usage(): exit(E_USAGE)
    return fail(kUsage, fmt::format("{}{}", before, kRouteUsage));
}
Err<Reply> inet_usage(std::string_view before = {}) {  // lib/inet_sr.c usage(): return E_USAGE
    return fail(kUsage, fmt::format("{}{}", before, kInetUsage));
}
Err<Reply> opterr(std::string_view msg) {  // return E_OPTERR -> main() prints usage()
    return route_usage(fmt::format("{}\n", msg));
}
Err<Reply> unsupported(std::string_view what) {
    return fail(1, fmt::format("route: {} is not supported by tapvs", what));
}

struct Resolved {
    net::Ipv4Addr addr;
    bool net = false;  // INET_resolve() returned 1: "default" (or a /etc/networks name)
};
// lib/inet.c INET_resolve()
std::optional<Resolved> resolve(std::string_view name, const IpvsadmContext& ctx) {
    if (name == "default") return Resolved{net::Ipv4Addr{}, true};
    if (auto a = clib::inet_aton(name)) return Resolved{net::Ipv4Addr{*a}, false};
    if (ctx.resolver) {
        if (auto a = ctx.resolver->host(name)) return Resolved{*a, false};
    }
    return std::nullopt;
}

enum class Action : std::uint8_t { add, del };

MultiResult setroute(Action action, Args args, const IpvsadmContext& ctx) {
    std::size_t i = 0;
    int xflag = 0;  // 1: -net, 2: -host
    if (i < args.size() && (args[i] == "-net" || args[i] == "-host")) xflag = args[i++] == "-net" ? 1 : 2;
    if (i >= args.size()) return inet_usage();
    std::string target = args[i++];
    std::string netmask_text = "default";
    std::optional<std::uint32_t> genmask;
    // "Special hack for /prefix syntax" (INET_getnetmask)
    if (const auto slash = target.find('/'); slash != std::string::npos) {
        auto len = inet_getnetmask_prefix(std::string_view(target).substr(slash + 1));
        if (!len) return inet_usage();
        const auto n = static_cast<int>(std::min<std::uint64_t>(*len, 32));
        netmask_text = fmt::format("/{}", *len);
        genmask = net::prefix_mask(n);
        target.resize(slash);
    }
    auto dst = resolve(target, ctx);
    if (!dst) return fail(1, fmt::format("{}: Unknown host", target));
    bool isnet = xflag == 1 || (xflag == 0 && dst->net);

    std::optional<net::Ipv4Addr> gw;
    std::string dev;
    for (; i < args.size(); ++i) {
        const std::string& w = args[i];
        if (w == "netmask") {
            if (++i >= args.size() || (genmask && *genmask != 0)) return inet_usage();
            netmask_text = args[i];
            auto m = resolve(args[i], ctx);
            if (!m) return fail(kLookup, fmt::format("{}: Unknown host", args[i]));
            genmask = m->addr.host_order;
        } else if (w == "gw" || w == "gateway") {
            if (++i >= args.size() || gw) return inet_usage();
            auto g = resolve(args[i], ctx);
            if (!g) return fail(kLookup, fmt::format("{}: Unknown host", args[i]));
            if (g->net) return opterr(fmt::format("route: {}: cannot use a NETWORK as gateway!", args[i]));
            gw = g->addr;
        } else if (w == "device" || w == "dev") {
            if (++i >= args.size() || !dev.empty()) return inet_usage();
            dev = args[i];
        } else if (w == "metric" || w == "mss" || w == "mtu" || w == "window" || w == "irtt" || w == "reject" ||
                   w == "mod" || w == "dyn" || w == "reinstate") {
            return unsupported(fmt::format("the route option `{}'", w));
        } else {
            // nothing matches: the device name, which must be last (to catch typos)
            if (!dev.empty() || i + 1 < args.size()) return inet_usage();
            dev = w;
        }
    }
    // sanity checks
    if (genmask && *genmask != 0) {
        const std::uint32_t inv = ~*genmask;
        // any mask on a host route, even 255.255.255.255 (~mask is then 0, not 0xffffffff)
        if (!isnet) return opterr(fmt::format("route: netmask {:08x} doesn't make sense with host route", inv));
        if ((inv & (inv + 1)) != 0) return opterr(fmt::format("route: bogus netmask {}", netmask_text));
        if ((dst->addr.host_order & inv) != 0) return opterr("route: netmask doesn't match route address");
    }
    int len = 32;
    if (isnet) {
        const std::uint32_t mask = genmask.value_or(0);
        if ((dst->addr.host_order & ~mask) != 0)  // rtentry_to_fib_config(): bad_mask()
            return fail(kSock, fmt::format("{}: Invalid argument", action == Action::add ? "SIOCADDRT" : "SIOCDELRT"));
        len = mask_len(net::Ipv4Addr{mask});
    }
    if (action == Action::del) return Commands{cmd::RouteDel{dst->addr, len, gw, dev}};
    return Commands{cmd::RouteAdd{dst->addr, len, gw, dev, false}};
}

}  // namespace

MultiResult parse_route(Args args, const IpvsadmContext& ctx) {
    // route.c main(): getopt_long("A:eCFhnN64Vv?") with the GNU permutation; "-net" and "-host"
    // are hidden from getopt and stay in place.
    std::vector<std::string> rest;
    bool help = false, cache = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            break;
        }
        if (a == "-net" || a == "-host" || a.size() < 2 || a[0] != '-') {
            rest.push_back(a);
            continue;
        }
        if (a[1] == '-') {
            const std::string_view n = std::string_view(a).substr(2);
            if (n == "extend" || n == "verbose" || n == "numeric" || n == "symbolic" || n == "fib" || n == "inet") continue;
            if (n == "cache") {
                cache = true;
            } else if (n == "help") {
                help = true;
            } else if (n == "version") {
                return unsupported("printing the version");
            } else if (n == "protocol" || n.substr(0, 9) == "protocol=") {
                const std::string af = n.size() > 9 ? std::string(n.substr(9)) : (++i < args.size() ? args[i] : "");
                if (af != "inet") return unsupported(fmt::format("the address family `{}'", af));
            } else if (n == "inet6" || n == "ax25" || n == "netrom" || n == "rose" || n == "ipx" || n == "ddp" ||
                       n == "x25") {
                return unsupported(fmt::format("the address family `{}'", n));
            } else {
                return route_usage(fmt::format("route: unrecognized option '{}'\n", a));
            }
            continue;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            const char c = a[k];
            if (c == 'n' || c == 'N' || c == 'v' || c == 'e' || c == 'F' || c == '4') continue;
            if (c == 'C') {
                cache = true;
            } else if (c == 'h' || c == '?') {
                help = true;
            } else if (c == 'V') {
                return unsupported("printing the version");
            } else if (c == '6') {
                return unsupported("the address family `inet6'");
            } else if (c == 'A') {
                std::string af = a.substr(k + 1);
                if (af.empty()) {
                    if (++i >= args.size()) return route_usage("route: option requires an argument -- 'A'\n");
                    af = args[i];
                }
                if (af != "inet") return unsupported(fmt::format("the address family `{}'", af));
                break;
            } else {
                // getopt's complaint, then case '?': opt_h++ -> usage()
                return route_usage(fmt::format("route: invalid option -- '{}'\n", c));
            }
        }
    }
    if (help) return route_usage();
    if (rest.empty()) return unsupported("showing the routing table (use `ip route show')");
    const std::string& action = rest[0];
    const Args spec(rest.data() + 1, rest.size() - 1);
    if (action != "add" && action != "del" && action != "delete") {
        if (action == "flush") return inet_usage("Flushing `inet' routing table not supported\n");
        return route_usage();
    }
    if (cache) return inet_usage("Modifying `inet' routing cache not supported\n");
    return setroute(action == "add" ? Action::add : Action::del, spec, ctx);
}

}  // namespace tapvs::ctl::detail
