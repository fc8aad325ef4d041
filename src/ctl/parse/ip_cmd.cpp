// `ip` (iproute2): address, link, route and neigh, parsed as ip/ip.c, ip/ipaddress.c
// (ipaddr_modify, ipaddr_list_flush_or_save), ip/iplink.c (iplink_parse), ip/iproute.c
// (iproute_modify) and ip/ipneigh.c (ipneigh_modify) parse them, with lib/utils.c's messages
// (get_prefix, get_addr, invarg, duparg, duparg2, incomplete_command) and exit statuses
// (exit(-1) -> 255; do_cmd() returns -(result), so "return -1" -> 1 and "return -2" -> 2).

#include <fmt/format.h>

#include "host_parse.hpp"

namespace tapvs::ctl::detail {

namespace {

constexpr int kExitMinus1 = 255;  // exit(-1)

Err<Reply> unsupported(std::string_view what) {
    return fail(1, fmt::format("ip: {} is not supported by tapvs", what));
}
Err<Reply> invarg(std::string_view msg, std::string_view arg) {  // lib/utils.c invarg()
    return fail(kExitMinus1, fmt::format("Error: argument \"{}\" is wrong: {}\n", arg, msg));
}
Err<Reply> duparg(std::string_view key, std::string_view arg) {  // lib/utils.c duparg()
    return fail(kExitMinus1, fmt::format("Error: duplicate \"{}\": \"{}\" is the second value.", key, arg));
}
Err<Reply> duparg2(std::string_view key, std::string_view arg) {  // lib/utils.c duparg2()
    return fail(kExitMinus1, fmt::format("Error: either \"{}\" is duplicate, or \"{}\" is a garbage.", key, arg));
}
Err<Reply> incomplete() {  // lib/utils.c incomplete_command()
    return fail(kExitMinus1, "Command line is not complete. Try option \"help\"");
}

constexpr std::string_view kIpUsage =
    "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"
    "       ip [ ip-OPTIONS ] -batch filename\n"
    "where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |\n"
    "                   macsec | maddress | monitor | mptcp | mroute | mrule |\n"
    "                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n"
    "                   ntbl | route | rule | sr | stats | tap | tcpmetrics |\n"
    "                   token | tunnel | tuntap | vrf | xfrm }\n"
    "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n"
    "                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n"
    "                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n"
    "                    -4 | -6 | -M | -B | -0 |\n"
    "                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n"
    "                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n"
    "                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n"
    "                    -c[olor]}\n";
constexpr std::string_view kAddrUsage =
    "Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n"
    "                                                      [ CONFFLAG-LIST ]\n"
    "       ip address del IFADDR dev IFNAME [mngtmpaddr]\n"
    "       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]\n"
    "                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]\n"
    "       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]\n"
    "                         [ nomaster ]\n"
    "                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]\n"
    "                         [ label LABEL ] [up] [ vrf NAME ] ]\n"
    "       ip address {showdump|restore}\n";
constexpr std::string_view kLinkUsage =
    "Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n"
    "       ip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]\n"
    "       ip link set { DEVICE | dev DEVICE | group DEVGROUP }\n"
    "                       [ { up | down } ]\n"
    "                       [ address LLADDR ]\n"
    "                       [ mtu MTU ]\n"
    "       ip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]\n";
constexpr std::string_view kRouteUsage =
    "Usage: ip route { list | flush } SELECTOR\n"
    "       ip route save SELECTOR\n"
    "       ip route restore\n"
    "       ip route showdump\n"
    "       ip route get [ ROUTE_GET_FLAGS ] ADDRESS\n"
    "                            [ from ADDRESS iif STRING ]\n"
    "                            [ oif STRING ] [ tos TOS ]\n"
    "                            [ mark NUMBER ] [ vrf NAME ]\n"
    "                            [ uid NUMBER ] [ ipproto PROTOCOL ]\n"
    "                            [ sport NUMBER ] [ dport NUMBER ]\n"
    "       ip route { add | del | change | append | replace } ROUTE\n"
    "SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]\n"
    "            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]\n"
    "            [ type TYPE ] [ scope SCOPE ]\n"
    "ROUTE := NODE_SPEC [ INFO_SPEC ]\n"
    "NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]\n"
    "             [ table TABLE_ID ] [ proto RTPROTO ]\n"
    "             [ scope SCOPE ] [ metric METRIC ]\n"
    "             [ ttl-propagate { enabled | disabled } ]\n"
    "INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...\n"
    "NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]\n"
    "\t    [ dev STRING ] [ weight NUMBER ] NHFLAGS\n";
constexpr std::string_view kNeighUsage =
    "Usage: ip neigh { add | del | change | replace }\n"
    "                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR }\n"
    "                [ dev DEV ] [ router ] [ extern_learn ] [ protocol PROTO ]\n"
    "\n"
    "       ip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n"
    "                                 [ vrf NAME ]\n"
    "       ip neigh get { ADDR | proxy ADDR } dev DEV\n"
    "\n"
    "STATE := { delay | failed | incomplete | noarp | none |\n"
    "           permanent | probe | reachable | stale }\n";

Err<Reply> usage(std::string_view text) { return fail(kExitMinus1, std::string(text)); }

// AF_UNSPEC until an address fixes it (req.ifa.ifa_family / req.r.rtm_family).
enum class Family : std::uint8_t { unspec, inet };
std::string_view family_verbose(Family f) { return f == Family::unspec ? "any valid" : "inet"; }

// inet_prefix for AF_INET. `wild`: "default", "all", "any" (bitlen -2 in iproute2).
struct Prefix {
    net::Ipv4Addr addr;
    int len = 32;
    bool len_given = false;
    bool wild = false;
};

// lib/utils.c get_prefix() for AF_INET/AF_UNSPEC: ADDR[/LEN] where LEN is a number (base 0) or a
// contiguous dotted mask; "default" is 0/0.
Result<Prefix, Reply> get_prefix(std::string_view arg, Family& family) {
    const Family asked = family;
    auto bad = [&] {
        return fail(1, fmt::format("Error: {} prefix is expected rather than \"{}\".", family_verbose(asked), arg));
    };
    const auto slash = arg.find('/');
    const std::string_view a = arg.substr(0, slash);
    Prefix p;
    if (a == "default" || a == "all" || a == "any") {
        p.wild = true;
        p.len = 0;
        p.len_given = a == "default";
        if (slash != std::string_view::npos) return bad();
    } else if (a.find(':') != std::string_view::npos) {
        if (family == Family::inet) return bad();
        return unsupported(fmt::format("the IPv6 prefix \"{}\"", arg));
    } else {
        auto addr = get_addr_ipv4(a);
        if (!addr) return bad();
        p.addr = *addr;
    }
    if (slash != std::string_view::npos) {
        const std::string_view m = arg.substr(slash + 1);
        int plen = -1;
        if (auto n = get_unsigned(m)) {  // get_netmask()
            plen = *n > 32 ? 33 : static_cast<int>(*n);
        } else if (auto mask = get_addr_ipv4(m)) {
            plen = mask_len(*mask);
        }
        if (plen < 0 || plen > 32) return bad();
        p.len = plen;
        p.len_given = true;
    }
    if (!p.wild) family = Family::inet;  // "default" leaves it open (get_addr_1(): addr->family = family)
    return p;
}

// lib/utils.c get_addr() for AF_INET/AF_UNSPEC.
Result<net::Ipv4Addr, Reply> get_addr(std::string_view arg, Family& family) {
    auto bad = [&] {
        return fail(1, fmt::format("Error: {} address is expected rather than \"{}\".", family_verbose(family), arg));
    };
    if (arg.find(':') != std::string_view::npos) {
        if (family == Family::inet) return bad();
        return unsupported(fmt::format("the IPv6 address \"{}\"", arg));
    }
    auto addr = get_addr_ipv4(arg);
    if (!addr) return bad();
    family = Family::inet;
    return *addr;
}

// lib/ll_addr.c ll_addr_a2n() for Ethernet.
Result<net::MacAddr, Reply> get_lladdr(std::string_view arg) {
    auto mac = net::MacAddr::parse(arg);
    if (!mac) return fail(1, fmt::format("\"{}\" is invalid lladdr.", arg));
    return *mac;
}

// lib/rt_names.c rtnl_rtscope_a2n(): a name or a number 0..255.
std::optional<int> rtscope(std::string_view s) {
    if (s == "global" || s == "universe") return 0;
    if (s == "site") return 200;
    if (s == "link") return 253;
    if (s == "host") return 254;
    if (s == "nowhere") return 255;
    if (auto n = get_unsigned(s); n && *n <= 255) return static_cast<int>(*n);  // strtoul(arg, &end, 0)
    return std::nullopt;
}

// Cursor over one object's arguments; next() is NEXT_ARG().
class Cursor {
public:
    explicit Cursor(Args a) : a_(a) {}
    bool done() const { return i_ >= a_.size(); }
    const std::string& cur() const { return a_[i_]; }
    void advance() { ++i_; }
    bool next() {  // NEXT_ARG(): false when the command line ends
        ++i_;
        return i_ < a_.size();
    }

private:
    Args a_;
    std::size_t i_ = 0;
};

// ---- ip address ----

MultiResult addr_modify(bool del, Args args, Family family) {
    Cursor c(args);
    std::string dev, label;
    std::optional<Prefix> local;
    enum class Brd : std::uint8_t { none, addr, plus, minus } brd = Brd::none;
    net::Ipv4Addr brd_addr;
    std::optional<int> scope;
    bool valid_lft = false, preferred_lft = false;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (w == "peer" || w == "remote") {
            return unsupported("a peer address (`peer')");
        } else if (matches(w, "broadcast") || w == "brd") {
            if (!c.next()) return incomplete();
            if (brd != Brd::none) return duparg("broadcast", c.cur());
            if (c.cur() == "+") {
                brd = Brd::plus;
            } else if (c.cur() == "-") {
                brd = Brd::minus;
            } else {
                auto a = get_addr(c.cur(), family);
                if (!a) return Err{std::move(a.error())};
                brd = Brd::addr;
                brd_addr = *a;
            }
        } else if (w == "anycast") {
            return unsupported("an anycast address");
        } else if (w == "scope") {
            if (!c.next()) return incomplete();
            scope = rtscope(c.cur());
            if (!scope) return invarg("invalid scope value.", c.cur());
        } else if (w == "dev") {
            if (!c.next()) return incomplete();
            dev = c.cur();
        } else if (w == "label") {
            if (!c.next()) return incomplete();
            label = c.cur();
        } else if (matches(w, "valid_lft") || matches(w, "preferred_lft")) {
            const bool valid = matches(w, "valid_lft");
            if (valid ? valid_lft : preferred_lft) return duparg(valid ? "valid_lft" : "preferred_lft", w);
            (valid ? valid_lft : preferred_lft) = true;
            if (!c.next()) return incomplete();
            if (c.cur() != "forever") {  // set_lifetime(): get_u32()
                if (!get_unsigned(c.cur())) return invarg(valid ? "valid_lft value" : "preferred_lft value", c.cur());
                return unsupported("an address lifetime other than `forever'");
            }
        } else if (w == "home" || w == "nodad" || w == "mngtmpaddr" || w == "noprefixroute" || w == "autojoin" ||
                   w == "optimistic" || w == "metric" || w == "priority" || w == "proto") {
            return unsupported(fmt::format("the address option `{}'", w));
        } else {
            if (w == "local" && !c.next()) return incomplete();
            if (matches(c.cur(), "help")) return usage(kAddrUsage);
            if (local) return duparg2("local", c.cur());
            auto p = get_prefix(c.cur(), family);
            if (!p) return Err{std::move(p.error())};
            local = *p;
        }
    }
    if (dev.empty()) return fail(1, "Not enough information: \"dev\" argument is required.");
    if (!label.empty() && label != dev && !(label.size() > dev.size() && label.compare(0, dev.size(), dev) == 0 &&
                                             label[dev.size()] == ':'))
        return fail(1, fmt::format("\"label\" ({}) must match \"dev\" ({}) or be prefixed by \"dev\" with a colon.",
                                   label, dev));
    if (!local || local->wild) {
        if (del) return unsupported("`ip address del' without an address");
        return fail(2, "RTNETLINK answers: Invalid argument");
    }
    if (del) {
        if (!label.empty() && label != dev) return unsupported("`ip address del' with a label");
        return Commands{cmd::AddrDel{dev, local->addr, local->len_given ? local->len : -1}};
    }
    // ipaddress.c default_scope(): host for 127/8, else global.
    const int default_scope = (local->addr.host_order >> 24) == 127 ? 254 : 0;
    if (scope && *scope != default_scope) return unsupported(fmt::format("the address scope {}", *scope));
    cmd::AddrAdd add;
    add.dev = dev;
    add.label = label == dev ? std::string() : label;
    add.addr = local->addr;
    add.prefix_len = local->len;
    if (brd == Brd::addr) {
        add.broadcast = brd_addr;
    } else if ((brd == Brd::plus || brd == Brd::minus) && local->len <= 30) {
        const std::uint32_t host = ~net::prefix_mask(local->len);
        add.broadcast = net::Ipv4Addr{brd == Brd::plus ? local->addr.host_order | host : local->addr.host_order & ~host};
    }
    return Commands{add};
}

// The words ipaddr_list_flush_or_save() takes as filters; tapvs filters by device only.
bool addr_filter_keyword(std::string_view w) {
    static constexpr std::string_view kWords[] = {
        "to", "scope", "up", "dynamic", "permanent", "secondary", "temporary", "primary", "tentative",
        "-tentative", "deprecated", "-deprecated", "home", "nodad", "mngtmpaddr", "noprefixroute", "autojoin",
        "dadfailed", "-dadfailed", "label", "group", "master", "nomaster", "vrf", "type", "proto"};
    for (auto k : kWords)
        if (w == k) return true;
    return false;
}

enum class ListAction : std::uint8_t { show, flush };

MultiResult addr_list(Args args, ListAction action, cmd::Show::What what, std::string_view object_usage) {
    if (action == ListAction::flush && args.empty()) return fail(1, "Flush requires arguments.");
    Cursor c(args);
    std::string dev;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (addr_filter_keyword(w)) return unsupported(fmt::format("the filter `{}'", w));
        if (w == "dev") {
            if (!c.next()) return incomplete();
        } else if (matches(w, "help")) {
            return usage(object_usage);
        }
        if (!dev.empty()) return duparg2("dev", c.cur());
        dev = c.cur();
    }
    if (action == ListAction::flush) {
        if (dev.empty()) return unsupported("`ip address flush' without a device");
        return Commands{cmd::AddrFlush{dev}};
    }
    return Commands{cmd::Show{what, dev}};
}

MultiResult do_ipaddr(Args args, Family family) {
    if (args.empty()) return addr_list(args, ListAction::show, cmd::Show::What::addr, kAddrUsage);
    const std::string& w = args[0];
    const Args rest = args.subspan(1);
    if (matches(w, "add")) return addr_modify(false, rest, family);
    if (matches(w, "change") || w == "chg" || matches(w, "replace"))
        return unsupported(fmt::format("`ip address {}'", w));
    if (matches(w, "delete")) return addr_modify(true, rest, family);
    if (matches(w, "list") || matches(w, "show") || matches(w, "lst"))
        return addr_list(rest, ListAction::show, cmd::Show::What::addr, kAddrUsage);
    if (matches(w, "flush")) return addr_list(rest, ListAction::flush, cmd::Show::What::addr, kAddrUsage);
    if (matches(w, "save") || matches(w, "showdump") || matches(w, "restore"))
        return unsupported(fmt::format("`ip address {}'", w));
    if (matches(w, "help")) return usage(kAddrUsage);
    return fail(kExitMinus1, fmt::format("Command \"{}\" is unknown, try \"ip address help\".", w));
}

// ---- ip link ----

bool link_keyword(std::string_view w) {  // iplink_parse() keywords tapvs does not model
    static constexpr std::string_view kWords[] = {
        "name", "index", "broadcast", "brd", "peer", "qlen", "txqueuelen", "xdpgeneric", "xdpdrv", "xdpoffload",
        "xdp", "netns", "multicast", "allmulticast", "promisc", "trailers", "arp", "carrier", "vf", "master",
        "nomaster", "vrf", "dynamic", "group", "mode", "state", "numtxqueues", "numrxqueues", "addrgenmode",
        "link-netns", "link-netnsid", "protodown", "protodown_reason", "gso_max_size", "gso_max_segs",
        "gro_max_size", "alias", "type", "link", "parentdev"};
    for (auto k : kWords)
        if (w == k) return true;
    return false;
}

MultiResult link_set(Args args) {
    Cursor c(args);
    cmd::LinkSet ls;
    bool have_mtu = false;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (w == "up") {
            ls.up = true;
        } else if (w == "down") {
            ls.up = false;
        } else if (w == "address") {
            if (!c.next()) return incomplete();
            auto mac = get_lladdr(c.cur());
            if (!mac) return Err{std::move(mac.error())};
            ls.mac = *mac;
        } else if (w == "mtu") {
            if (!c.next()) return incomplete();
            if (have_mtu) return duparg("mtu", c.cur());
            auto v = get_integer(c.cur());
            if (!v) return invarg("Invalid \"mtu\" value\n", c.cur());
            ls.mtu = *v;
            have_mtu = true;
        } else if (link_keyword(w)) {
            return unsupported(fmt::format("`ip link set ... {}'", w));
        } else {
            if (w == "dev") {
                if (!c.next()) return incomplete();
            } else if (matches(w, "help")) {
                return usage(kLinkUsage);
            }
            if (!ls.dev.empty()) return duparg2("dev", c.cur());
            if (!valid_ifname(c.cur())) return invarg("\"dev\" not a valid ifname", c.cur());
            ls.dev = c.cur();
        }
    }
    if (ls.dev.empty()) return fail(kExitMinus1, "Not enough information: \"dev\" argument is required.");
    return Commands{ls};
}

MultiResult do_iplink(Args args) {
    if (args.empty()) return Commands{cmd::Show{cmd::Show::What::link, ""}};
    const std::string& w = args[0];
    const Args rest = args.subspan(1);
    if (matches(w, "add")) return unsupported("`ip link add'");
    if (matches(w, "set") || matches(w, "change")) return link_set(rest);
    if (matches(w, "replace") || matches(w, "delete")) return unsupported(fmt::format("`ip link {}'", w));
    if (matches(w, "show") || matches(w, "lst") || matches(w, "list"))
        return addr_list(rest, ListAction::show, cmd::Show::What::link, kLinkUsage);
    if (matches(w, "xstats") || matches(w, "afstats") || matches(w, "property"))
        return unsupported(fmt::format("`ip link {}'", w));
    if (matches(w, "help")) return usage(kLinkUsage);
    return fail(kExitMinus1, fmt::format("Command \"{}\" is unknown, try \"ip link help\".", w));
}

// ---- ip route ----

bool route_keyword(std::string_view w) {  // iproute_modify() options tapvs does not model
    static constexpr std::string_view kExact[] = {"src", "as", "from", "tos", "expires", "preference", "scope",
                                                  "mtu", "hoplimit", "advmss", "rtt", "rto_min", "onlink",
                                                  "nexthop", "nhid", "vrf", "encap", "ttl-propagate",
                                                  "fastopen_no_cookie"};
    for (auto k : kExact)
        if (w == k) return true;
    static constexpr std::string_view kPrefix[] = {"dsfield", "metric", "priority", "reordering", "window",
                                                   "cwnd", "initcwnd", "initrwnd", "features", "quickack",
                                                   "congctl", "rttvar", "ssthresh", "realms", "protocol", "pref"};
    for (auto k : kPrefix)
        if (matches(w, k)) return true;
    return false;
}

// lib/rt_names.c rtnl_rtntype_a2n()
bool rtntype(std::string_view w) {
    static constexpr std::string_view kTypes[] = {"local",     "nat",  "broadcast", "brd",         "anycast",
                                                  "multicast", "prohibit", "unreachable", "blackhole", "xresolve",
                                                  "unicast",   "throw"};
    for (auto k : kTypes)
        if (w == k) return true;
    return false;
}

enum class RouteOp : std::uint8_t { add, replace, del };

MultiResult route_modify(RouteOp op, Args args, Family family) {
    Cursor c(args);
    std::optional<Prefix> dst;
    std::optional<net::Ipv4Addr> via;
    std::string dev;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (w == "via") {
            if (via) return invarg("use nexthop syntax to specify multiple via\n", w);
            if (!c.next()) return incomplete();
            if (c.cur() == "inet") {
                if (!c.next()) return incomplete();
            } else if (c.cur() == "inet6" || c.cur() == "mpls" || c.cur() == "bridge" || c.cur() == "link") {
                return unsupported(fmt::format("`via {}'", c.cur()));
            }
            auto a = get_addr(c.cur(), family);
            if (!a) return Err{std::move(a.error())};
            via = *a;
        } else if (w == "dev" || w == "oif") {
            if (!c.next()) return incomplete();
            dev = c.cur();
        } else if (matches(w, "table")) {
            if (!c.next()) return incomplete();
            if (c.cur() != "main" && c.cur() != "254") return unsupported("a routing table other than main");
        } else if (route_keyword(w)) {
            return unsupported(fmt::format("the route option `{}'", w));
        } else {
            if (w == "to" && !c.next()) return incomplete();
            const std::string& t = c.cur();
            if ((t.empty() || t[0] < '0' || t[0] > '9') && rtntype(t)) {
                if (t != "unicast") return unsupported(fmt::format("the route type `{}'", t));
                if (!c.next()) return incomplete();
            }
            if (matches(c.cur(), "help")) return usage(kRouteUsage);
            if (dst) return duparg2("to", c.cur());
            auto p = get_prefix(c.cur(), family);
            if (!p) return Err{std::move(p.error())};
            dst = *p;
        }
    }
    if (!dst) return usage(kRouteUsage);
    // The kernel refuses host bits under the prefix (fib_table_insert: "Invalid prefix for given prefix length").
    if ((dst->addr.host_order & ~net::prefix_mask(dst->len)) != 0)
        return fail(2, "Error: Invalid prefix for given prefix length.");
    if (op == RouteOp::del) return Commands{cmd::RouteDel{dst->addr, dst->len, via, dev}};
    return Commands{cmd::RouteAdd{dst->addr, dst->len, via, dev, op == RouteOp::replace}};
}

MultiResult route_list(Args args) {
    Cursor c(args);
    std::string dev;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (w == "dev" || w == "oif") {
            if (!c.next()) return incomplete();
            dev = c.cur();
        } else if (matches(w, "table")) {
            if (!c.next()) return incomplete();
            if (c.cur() != "main" && c.cur() != "254") return unsupported("a routing table other than main");
        } else if (matches(w, "help")) {
            return usage(kRouteUsage);
        } else {
            return unsupported(fmt::format("the route filter `{}'", w));
        }
    }
    return Commands{cmd::Show{cmd::Show::What::route, dev}};
}

MultiResult do_iproute(Args args, Family family) {
    if (args.empty()) return route_list(args);
    const std::string& w = args[0];
    const Args rest = args.subspan(1);
    if (matches(w, "add")) return route_modify(RouteOp::add, rest, family);
    if (matches(w, "change") || w == "chg") return unsupported("`ip route change'");
    if (matches(w, "replace")) return route_modify(RouteOp::replace, rest, family);
    if (matches(w, "prepend") || matches(w, "append") || matches(w, "test"))
        return unsupported(fmt::format("`ip route {}'", w));
    if (matches(w, "delete")) return route_modify(RouteOp::del, rest, family);
    if (matches(w, "list") || matches(w, "show") || matches(w, "lst")) return route_list(rest);
    if (matches(w, "get") || matches(w, "flush") || matches(w, "save") || matches(w, "restore") ||
        matches(w, "showdump"))
        return unsupported(fmt::format("`ip route {}'", w));
    if (matches(w, "help")) return usage(kRouteUsage);
    return fail(kExitMinus1, fmt::format("Command \"{}\" is unknown, try \"ip route help\".", w));
}

// ---- ip neigh ----

bool nud_state(std::string_view s) {  // ipneigh.c nud_state_a2n()
    static constexpr std::string_view kStates[] = {"permanent", "reachable", "noarp", "none", "stale",
                                                   "incomplete", "delay", "probe", "failed"};
    for (auto k : kStates)
        if (s == k) return true;
    return get_unsigned(s).has_value();
}

enum class NeighOp : std::uint8_t { add, replace, del };

MultiResult neigh_modify(NeighOp op, Args args, Family family) {
    Cursor c(args);
    std::optional<net::Ipv4Addr> dst;
    std::optional<std::string> lla;
    std::string dev;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (matches(w, "lladdr")) {
            if (!c.next()) return incomplete();
            if (lla) return duparg("lladdr", c.cur());
            lla = c.cur();
        } else if (w == "nud") {
            if (!c.next()) return incomplete();
            if (!nud_state(c.cur())) return invarg("nud state is bad", c.cur());
            if (c.cur() != "permanent") return unsupported(fmt::format("`nud {}'", c.cur()));
        } else if (matches(w, "proxy") || w == "router" || matches(w, "extern_learn") || matches(w, "protocol")) {
            return unsupported(fmt::format("the neighbour option `{}'", w));
        } else if (w == "dev") {
            if (!c.next()) return incomplete();
            dev = c.cur();
        } else {
            if (w == "to" && !c.next()) return incomplete();
            if (matches(c.cur(), "help") && !c.next()) return incomplete();
            if (dst) return duparg2("to", c.cur());
            auto a = get_addr(c.cur(), family);
            if (!a) return Err{std::move(a.error())};
            dst = *a;
        }
    }
    if (dev.empty() || !dst) return fail(kExitMinus1, "Device and destination are required arguments.");
    if (op == NeighOp::del) return Commands{cmd::NeighDel{*dst, dev}};
    if (!lla || *lla == "null") return fail(2, "Error: No link layer address given.");
    auto mac = get_lladdr(*lla);
    if (!mac) return Err{std::move(mac.error())};
    return Commands{cmd::NeighAdd{*dst, *mac, dev, op == NeighOp::replace}};
}

MultiResult neigh_list(Args args) {
    Cursor c(args);
    std::string dev;
    for (; !c.done(); c.advance()) {
        const std::string& w = c.cur();
        if (w == "dev") {
            if (!c.next()) return incomplete();
            if (!dev.empty()) return duparg("dev", c.cur());
            dev = c.cur();
        } else if (matches(w, "help")) {
            return usage(kNeighUsage);
        } else {
            return unsupported(fmt::format("the neighbour filter `{}'", w));
        }
    }
    return Commands{cmd::Show{cmd::Show::What::neigh, dev}};
}

MultiResult do_ipneigh(Args args, Family family) {
    if (args.empty()) return neigh_list(args);
    const std::string& w = args[0];
    const Args rest = args.subspan(1);
    if (matches(w, "add")) return neigh_modify(NeighOp::add, rest, family);
    if (matches(w, "change") || w == "chg") return unsupported("`ip neigh change'");
    if (matches(w, "replace")) return neigh_modify(NeighOp::replace, rest, family);
    if (matches(w, "delete")) return neigh_modify(NeighOp::del, rest, family);
    if (matches(w, "get")) return unsupported("`ip neigh get'");
    if (matches(w, "show") || matches(w, "lst") || matches(w, "list")) return neigh_list(rest);
    if (matches(w, "flush")) return unsupported("`ip neigh flush'");
    if (matches(w, "help")) return usage(kNeighUsage);
    return fail(kExitMinus1, fmt::format("Command \"{}\" is unknown, try \"ip neigh help\".", w));
}

}  // namespace

MultiResult parse_ip(Args args, const IpvsadmContext&) {
    // ip.c main(): options first ("--opt" is read as "-opt"), then do_cmd() on the object.
    Family family = Family::unspec;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        std::string_view opt = args[i];
        if (opt == "--") {
            ++i;
            break;
        }
        if (opt.empty() || opt[0] != '-') break;
        if (opt.size() > 1 && opt[1] == '-') opt.remove_prefix(1);
        if (opt == "-4") {
            family = Family::inet;
        } else if (matches(opt, "-family")) {
            if (++i >= args.size()) return usage(kIpUsage);
            if (args[i] == "help") return usage(kIpUsage);
            if (args[i] == "inet") {
                family = Family::inet;
            } else if (args[i] == "inet6" || args[i] == "mpls" || args[i] == "bridge" || args[i] == "link") {
                return unsupported(fmt::format("the address family `{}'", args[i]));
            } else {
                return invarg("invalid protocol family", args[i]);
            }
        } else if (opt == "-6" || opt == "-0" || opt == "-M" || opt == "-B") {
            return unsupported(fmt::format("the option `{}'", args[i]));
        } else if (matches(opt, "-help")) {
            return usage(kIpUsage);
        } else if (matches(opt, "-loops") || matches(opt, "-human") || matches(opt, "-human-readable") ||
                   matches(opt, "-iec") || matches(opt, "-stats") || matches(opt, "-statistics") ||
                   matches(opt, "-details") || matches(opt, "-resolve") || matches(opt, "-oneline") ||
                   matches(opt, "-timestamp") || matches(opt, "-tshort") || matches(opt, "-Version") ||
                   matches(opt, "-force") || matches(opt, "-batch") || matches(opt, "-brief") ||
                   matches(opt, "-json") || matches(opt, "-pretty") || matches(opt, "-rcvbuf") ||
                   matches(opt, "-color") || matches(opt, "-netns") || matches(opt, "-Numeric") ||
                   matches(opt, "-all")) {
            return unsupported(fmt::format("the option `{}'", args[i]));
        } else {
            return fail(kExitMinus1, fmt::format("Option \"{}\" is unknown, try \"ip -help\".", opt));
        }
    }
    if (i >= args.size()) return usage(kIpUsage);
    const std::string& object = args[i];
    const Args rest = args.subspan(i + 1);
    // ip.c cmds[], in table order: the first entry the word is a prefix of wins.
    static constexpr std::string_view kObjects[] = {
        "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "ntbl",
        "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token", "tcpmetrics",
        "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf", "sr", "nexthop",
        "mptcp", "ioam", "stats", "help"};
    for (auto o : kObjects) {
        if (!matches(object, o)) continue;
        if (o == "address") return do_ipaddr(rest, family);
        if (o == "route") return do_iproute(rest, family);
        if (o == "neighbor" || o == "neighbour") return do_ipneigh(rest, family);
        if (o == "link") return do_iplink(rest);
        if (o == "help") return usage(kIpUsage);
        return unsupported(fmt::format("`ip {}'", o));
    }
    return fail(1, fmt::format("Object \"{}\" is unknown, try \"ip help\".", object));
}

}  // namespace tapvs::ctl::detail
