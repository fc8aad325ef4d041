// `iptables` (1.8.9, the nf_tables variant Debian 12 installs as iptables): only what fwmark
// services need, `-t mangle -A|-I|-D CHAIN <match> -j MARK --set-mark V[/M]` and `-F`, parsed as
// iptables/xshared.c do_parse() parses it (a getopt_long loop with `!` inversion, add_command(),
// set_option(), command_default() loading the protocol match on demand, generic_opt_check()) with
// libxtables' messages (xtables_error: "iptables v1.8.9 (nf_tables): MSG" + the "Try" line, exit 2)
// and the extensions' own: libxt_tcp, libxt_udp, libxt_multiport, libxt_MARK (revision 2:
// skb->mark = (skb->mark & ~mask) ^ mark).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "host_parse.hpp"

namespace tapvs::ctl::detail {

namespace {

constexpr int kParameterProblem = 2;  // enum xtables_exittype
constexpr int kOtherProblem = 1;

class Ipt {
public:
    Ipt(std::string_view program, const IpvsadmContext& ctx)
        : prefix_(fmt::format("iptables v1.8.9 ({}): ", program == "iptables-legacy" ? "legacy" : "nf_tables")),
          ctx_(ctx) {}

    // xtables_error(PARAMETER_PROBLEM, ...) -> message, then exit_tryhelp(2)
    Err<Reply> param(std::string_view msg) const {
        return fail(kParameterProblem, fmt::format("{}{}\n{}", prefix_, msg, kTryHelp));
    }
    static Err<Reply> unsupported(std::string_view what) {
        return fail(kParameterProblem, fmt::format("iptables: {} is not supported by tapvs", what));
    }
    const IpvsadmContext& ctx() const { return ctx_; }
    const std::string& prefix() const { return prefix_; }
    static constexpr std::string_view kTryHelp = "Try `iptables -h' or 'iptables --help' for more information.";

private:
    std::string prefix_;
    const IpvsadmContext& ctx_;
};

enum class Cmd : std::uint8_t { none, append, insert, del, flush, zero, delete_chain, policy };

char cmd_char(Cmd c) {
    switch (c) {
        case Cmd::append: return 'A';
        case Cmd::insert: return 'I';
        case Cmd::del: return 'D';
        case Cmd::flush: return 'F';
        case Cmd::zero: return 'Z';
        case Cmd::delete_chain: return 'X';
        case Cmd::policy: return 'P';
        case Cmd::none: break;
    }
    return '?';
}

// xshared.c optflags[] order (the order generic_opt_check() reports in).
constexpr std::string_view kOptFlags = "nsdpjvxio";

struct PortSpec {
    std::vector<std::uint16_t> ports;
    bool set = false;
};

struct Rule {
    Cmd cmd = Cmd::none;
    std::string chain;
    std::optional<std::uint32_t> rulenum;
    std::string policy;
    std::string table = "filter";
    std::string options;  // the optflags seen ("multiple -%c flags not allowed")
    std::optional<std::string> protocol;
    bool proto_invert = false;
    std::uint8_t proto = 0;
    std::optional<std::string> src, dst;
    bool src_invert = false, dst_invert = false;
    std::string in_iface;
    bool in_invert = false;
    std::string jump;
    // matches, in load order
    bool tcp = false, udp = false, multiport = false, proto_used = false;
    PortSpec sport, dport;         // tcp/udp --sport/--dport
    PortSpec msports, mdports;     // multiport --sports/--dports
    bool multiport_any = false;    // multiport option seen
    // MARK target (revision 2)
    std::vector<std::string> mark_opts;  // option names used, in order
    std::uint32_t mark = 0, mask = 0xffffffff;
};

bool has_arg(const std::vector<std::string>& args, std::size_t k) {  // xshared.c xs_has_arg()
    return k < args.size() && !args[k].empty() && args[k][0] != '-' && args[k][0] != '!';
}

// libxtables xtables_strtoul() with end == NULL (the strict form): strtoumax(s, &end, 0) over the
// whole word, no ERANGE, min <= value <= max (max 0: no maximum). strtoul takes a '-' and negates,
// so a '-' after the leading blanks is refused first.
std::optional<std::uint64_t> xtables_strtoul(std::string_view word, std::uint64_t min, std::uint64_t max) {
    const std::string_view s = clib::c_str(word);
    std::size_t p = 0;
    while (p < s.size() && clib::isspace(s[p])) ++p;
    if (p < s.size() && s[p] == '-') return std::nullopt;
    const auto n = clib::strtoul(s, 0);  // strtoumax: uintmax_t is unsigned long on LP64
    if (!n.whole() || n.value < min || (max != 0 && n.value > max)) return std::nullopt;
    return n.value;
}

// libxtables xtables_parse_protocol() for the names libxtables itself knows (xtables_chain_protos).
std::optional<std::uint8_t> parse_protocol(std::string_view s) {
    if (auto n = xtables_strtoul(s, 0, 255)) return static_cast<std::uint8_t>(*n);
    static constexpr std::pair<std::string_view, std::uint8_t> kProtos[] = {
        {"all", 0},     {"tcp", 6},     {"udp", 17},     {"udplite", 136}, {"icmp", 1},
        {"icmpv6", 58}, {"ipv6-icmp", 58}, {"esp", 50},  {"ah", 51},       {"sctp", 132},
        {"mh", 135},    {"ipv6-mh", 135}, {"gre", 47},   {"ipip", 4},      {"igmp", 2},
        {"dccp", 33}};
    for (auto [name, num] : kProtos)
        if (s == name) return num;
    return std::nullopt;
}

Result<std::uint16_t, Reply> parse_port(const Ipt& ipt, std::string_view s, std::string_view proto) {
    if (auto n = xtables_strtoul(s, 0, 65535)) return static_cast<std::uint16_t>(*n);
    if (ipt.ctx().resolver) {
        if (auto p = ipt.ctx().resolver->service(s, proto)) return *p;
    }
    return ipt.param(fmt::format("invalid port/service `{}' specified", s));
}

// libxtables __numeric_to_ipaddr(): 1..4 parts of 0..255 (base 0), a short form is a network
// ("10" is 10.0.0.0); a mask needs all four.
std::optional<net::Ipv4Addr> xt_numeric(std::string_view s, bool is_mask) {
    std::uint32_t v = 0;
    std::size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        const auto dot = s.find('.', pos);
        const std::string_view part = i == 3 ? s.substr(pos) : s.substr(pos, dot == std::string_view::npos ? dot : dot - pos);
        if (i < 3 && dot == std::string_view::npos && is_mask) return std::nullopt;
        auto n = xtables_strtoul(part, 0, 255);
        if (!n) return std::nullopt;
        v |= static_cast<std::uint32_t>(*n) << (24 - 8 * i);
        if (i < 3 && dot == std::string_view::npos) return net::Ipv4Addr{v};
        pos = dot + 1;
    }
    return net::Ipv4Addr{v};
}

// xtables_ipparse_multiple() for one address: ADDR[/MASK], the address ANDed with the mask.
Result<std::pair<net::Ipv4Addr, int>, Reply> parse_host(const Ipt& ipt, std::string_view spec) {
    if (spec.find(',') != std::string_view::npos) return Ipt::unsupported("several addresses in one -s/-d");
    std::string_view host = spec;
    int len = 32;
    if (const auto slash = spec.rfind('/'); slash != std::string_view::npos) {
        host = spec.substr(0, slash);
        const std::string_view m = spec.substr(slash + 1);
        if (m.find('.') != std::string_view::npos) {
            auto mask = xt_numeric(m, true);
            if (!mask) return ipt.param(fmt::format("invalid mask `{}' specified", m));
            len = mask_len(*mask);
            if (len < 0) return Ipt::unsupported(fmt::format("the non-contiguous mask `{}'", m));
        } else {
            auto bits = xtables_strtoul(m, 0, 32);
            if (!bits) return ipt.param(fmt::format("invalid mask `{}' specified", m));
            len = static_cast<int>(*bits);
        }
    }
    std::optional<net::Ipv4Addr> addr = xt_numeric(host, false);
    if (!addr && ipt.ctx().resolver) addr = ipt.ctx().resolver->host(host);
    if (!addr) return ipt.param(fmt::format("host/network `{}' not found", host));
    return std::pair{net::Ipv4Addr{addr->host_order & net::prefix_mask(len)}, len};
}

bool builtin_chain(std::string_view table, std::string_view chain) {
    auto in = [&](std::initializer_list<std::string_view> l) {
        return std::find(l.begin(), l.end(), chain) != l.end();
    };
    if (table == "filter" || table == "security") return in({"INPUT", "FORWARD", "OUTPUT"});
    if (table == "mangle") return in({"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"});
    if (table == "nat") return in({"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"});
    if (table == "raw") return in({"PREROUTING", "OUTPUT"});
    return false;
}

// One option as getopt_long() would return it.
struct Opt {
    std::string shown;  // as typed, for messages ("--dport", "-t")
    std::string name;   // long name without dashes, or the short letter
    bool is_long = false;
    std::optional<std::string> attached;  // "-tmangle", "--table=mangle"
};

class Parser {
public:
    Parser(const Ipt& ipt, Args args) : ipt_(ipt), args_(args.begin(), args.end()) {}

    MultiResult run();

private:
    const Ipt& ipt_;
    std::vector<std::string> args_;  // a copy: bundled flags ("-nv") are rewritten in place
    std::size_t i_ = 0;
    bool invert_ = false;
    Rule r_;

    // The argument of an option that requires one: attached, else the next word (getopt takes it
    // whatever it looks like).
    std::optional<std::string> required(const Opt& o) {
        if (o.attached) return o.attached;
        if (i_ < args_.size()) return args_[i_++];
        return std::nullopt;
    }
    // "F::"-style optional argument: attached, else the next word when xs_has_arg().
    std::optional<std::string> optional_arg(const Opt& o) {
        if (o.attached) return o.attached;
        if (has_arg(args_, i_)) return args_[i_++];
        return std::nullopt;
    }

    std::optional<Err<Reply>> add_command(Cmd c) {  // xshared.c add_command()
        if (invert_) return ipt_.param("unexpected '!' flag");
        if (r_.cmd != Cmd::none)
            return ipt_.param(fmt::format("Cannot use -{} with -{}", cmd_char(c), cmd_char(r_.cmd)));
        r_.cmd = c;
        return std::nullopt;
    }
    std::optional<Err<Reply>> set_option(char opt) {  // xshared.c set_option()
        if (r_.options.find(opt) != std::string::npos)
            return ipt_.param(fmt::format("multiple -{} flags not allowed", opt));
        r_.options += opt;
        if (invert_ && std::string_view("sdpio").find(opt) == std::string_view::npos)
            return ipt_.param(fmt::format("cannot have ! before -{}", opt));
        return std::nullopt;
    }

    std::optional<Err<Reply>> base_option(const Opt& o, char c);
    // Extension options; nullopt result + false = not an option of any loaded extension.
    bool extension_option(const Opt& o, std::optional<Err<Reply>>& err);
    std::optional<Err<Reply>> port_option(const Opt& o, bool source, std::string_view ext);
    std::optional<Err<Reply>> multiport_option(const Opt& o, std::string_view which);
    std::optional<Err<Reply>> mark_option(const Opt& o);
    MultiResult finish();
};

// Long names of the base options (xshared.c / iptables.c original_opts[]).
char long_to_short(std::string_view n) {
    static constexpr std::pair<std::string_view, char> kLong[] = {
        {"append", 'A'},  {"delete", 'D'},       {"check", 'C'},        {"insert", 'I'},     {"replace", 'R'},
        {"list", 'L'},    {"list-rules", 'S'},   {"flush", 'F'},        {"zero", 'Z'},       {"new-chain", 'N'},
        {"delete-chain", 'X'}, {"rename-chain", 'E'}, {"policy", 'P'},  {"source", 's'},     {"src", 's'},
        {"destination", 'd'}, {"dst", 'd'},      {"protocol", 'p'},     {"in-interface", 'i'}, {"jump", 'j'},
        {"table", 't'},   {"match", 'm'},        {"numeric", 'n'},      {"out-interface", 'o'}, {"verbose", 'v'},
        {"wait", 'w'},    {"wait-interval", 'W'}, {"exact", 'x'},       {"fragments", 'f'},  {"fragment", 'f'},
        {"version", 'V'}, {"help", 'h'},         {"line-numbers", '0'}, {"modprobe", 'M'},   {"set-counters", 'c'},
        {"goto", 'g'},    {"ipv4", '4'},         {"ipv6", '6'}};
    for (auto [name, c] : kLong)
        if (n == name) return c;
    return '\0';
}

std::optional<Err<Reply>> Parser::base_option(const Opt& o, char c) {
    auto need = [&]() -> Result<std::string, Reply> {
        auto v = required(o);
        if (!v) return ipt_.param(fmt::format("option \"{}\" requires an argument", o.shown));
        return *v;
    };
    switch (c) {
        case 'A':
        case 'I':
        case 'D': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (auto e = add_command(c == 'A' ? Cmd::append : c == 'I' ? Cmd::insert : Cmd::del)) return e;
            r_.chain = *v;
            if (c != 'A' && has_arg(args_, i_)) {
                auto n = xtables_strtoul(args_[i_], 1, 0x7fffffff);  // parse_rulenumber(): 1..INT_MAX
                if (!n) return ipt_.param(fmt::format("Invalid rule number `{}'", args_[i_]));
                r_.rulenum = static_cast<std::uint32_t>(*n);
                ++i_;
            }
            return std::nullopt;
        }
        case 'F':
        case 'Z':
        case 'X': {
            if (auto e = add_command(c == 'F' ? Cmd::flush : c == 'Z' ? Cmd::zero : Cmd::delete_chain)) return e;
            if (auto v = optional_arg(o)) r_.chain = *v;
            if (c == 'Z' && has_arg(args_, i_)) return Ipt::unsupported("zeroing one rule (-Z CHAIN RULENUM)");
            return std::nullopt;
        }
        case 'P': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (auto e = add_command(Cmd::policy)) return e;
            r_.chain = *v;
            if (!has_arg(args_, i_)) return ipt_.param("-P requires a chain and a policy");
            r_.policy = args_[i_++];
            return std::nullopt;
        }
        case 'C':
        case 'R':
        case 'L':
        case 'S':
        case 'N':
        case 'E': return Ipt::unsupported(fmt::format("`iptables -{}'", c));
        case 't': {
            if (invert_) return ipt_.param("unexpected ! flag before --table");
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            r_.table = *v;
            return std::nullopt;
        }
        case 'p': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (auto e = set_option('p')) return e;
            std::string p = *v;
            std::transform(p.begin(), p.end(), p.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            auto num = parse_protocol(p);
            if (!num) return ipt_.param(fmt::format("unknown protocol \"{}\" specified", p));
            if (*num == 0 && invert_) return ipt_.param("rule would never match protocol");
            r_.protocol = p;
            r_.proto = *num;
            r_.proto_invert = invert_;
            return std::nullopt;
        }
        case 's':
        case 'd': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (auto e = set_option(c)) return e;
            (c == 's' ? r_.src : r_.dst) = *v;
            (c == 's' ? r_.src_invert : r_.dst_invert) = invert_;
            return std::nullopt;
        }
        case 'i': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (v->empty()) return ipt_.param("Empty interface is likely to be undesired");
            if (auto e = set_option('i')) return e;
            if (v->size() >= 16)
                return ipt_.param(fmt::format("interface name `{}' must be shorter than IFNAMSIZ (15)", *v));
            r_.in_iface = *v;
            r_.in_invert = invert_;
            return std::nullopt;
        }
        case 'j': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (auto e = set_option('j')) return e;
            if (v->empty()) return ipt_.param("Invalid target name (too short)");
            r_.jump = *v;
            return std::nullopt;
        }
        case 'm': {
            if (invert_) return ipt_.param("unexpected ! flag before --match");
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            if (*v == "tcp") {
                r_.tcp = true;
            } else if (*v == "udp") {
                r_.udp = true;
            } else if (*v == "multiport") {
                r_.multiport = true;
            } else {
                return Ipt::unsupported(fmt::format("the match `{}'", *v));
            }
            return std::nullopt;
        }
        case 'n':
        case 'x':
        case 'v':
            if (c == 'v' && r_.options.find('v') != std::string::npos) return std::nullopt;  // -vv
            return set_option(c);
        case 'w':
            if (auto v = optional_arg(o)) {
                // parse_wait_time(): sscanf(arg, "%i", &wait) == 1, i.e. strtol(base 0) read a number
                if (!clib::strtol(*v, 0).converted()) return ipt_.param("wait seconds not numeric");
            }
            return std::nullopt;
        case 'W':
            if (auto v = optional_arg(o)) {
                // parse_wait_interval(): sscanf(arg, "%u", &usec) == 1
                if (!clib::strtoul(*v, 10).converted()) return ipt_.param("wait interval not numeric");
            } else {
                return ipt_.param("wait interval value required");
            }
            return std::nullopt;
        case 'M': {
            auto v = need();
            if (!v) return Err{std::move(v.error())};
            return std::nullopt;
        }
        case '4': return std::nullopt;
        case '6': return fail(kParameterProblem, std::string(Ipt::kTryHelp));
        case 'o': return Ipt::unsupported("matching the output interface (-o)");
        case 'f': return Ipt::unsupported("matching fragments (-f)");
        case 'c': return Ipt::unsupported("setting counters (-c)");
        case 'g': return Ipt::unsupported("jumping with --goto");
        case '0': return Ipt::unsupported("--line-numbers");
        case 'V': return Ipt::unsupported("printing the version (-V)");
        case 'h': return Ipt::unsupported("printing help (-h)");
        default: break;
    }
    return ipt_.param(fmt::format("unknown option \"{}\"", o.shown));
}

std::optional<Err<Reply>> Parser::port_option(const Opt& o, bool source, std::string_view ext) {
    PortSpec& spec = source ? r_.sport : r_.dport;
    if (spec.set) {
        if (ext == "tcp")  // libxt_tcp.c tcp_parse()
            return ipt_.param(fmt::format("Only one `--{}' allowed", source ? "source-port" : "destination-port"));
        return ipt_.param(fmt::format("{}: option \"--{}\" can only be used once.", ext, o.name));
    }
    auto v = required(o);
    if (!v) return ipt_.param(fmt::format("option \"{}\" requires an argument", o.shown));
    if (invert_) return Ipt::unsupported(fmt::format("an inverted port match (! {})", o.shown));
    if (v->find(':') != std::string::npos) return Ipt::unsupported(fmt::format("the port range `{}'", *v));
    auto port = parse_port(ipt_, *v, ext);
    if (!port) return Err{std::move(port.error())};
    spec.ports = {*port};
    spec.set = true;
    return std::nullopt;
}

std::optional<Err<Reply>> Parser::multiport_option(const Opt& o, std::string_view which) {
    if (r_.multiport_any) {
        return ipt_.param(fmt::format("multiport: option \"--{}\" can only be used once.", o.name));
    }
    r_.multiport_any = true;
    auto v = required(o);
    if (!v) return ipt_.param(fmt::format("option \"{}\" requires an argument", o.shown));
    // libxt_multiport.c check_proto()
    if (r_.proto_invert) return ipt_.param("multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
    std::string_view proto;
    if (r_.proto == 6) {
        proto = "tcp";
    } else if (r_.proto == 17) {
        proto = "udp";
    } else if (r_.proto == 0) {
        return ipt_.param("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
    } else if (r_.proto == 136 || r_.proto == 132 || r_.proto == 33) {
        return Ipt::unsupported("multiport over protocols other than tcp and udp");
    } else {
        return ipt_.param("multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
    }
    if (which == "ports") return Ipt::unsupported("multiport --ports (source or destination)");
    if (invert_) return Ipt::unsupported(fmt::format("an inverted multiport match (! {})", o.shown));
    PortSpec& spec = which == "sports" ? r_.msports : r_.mdports;
    std::string_view rest = *v;
    for (;;) {
        if (spec.ports.size() == 15) return ipt_.param("too many ports specified");  // XT_MULTI_PORTS
        const auto comma = rest.find(',');
        const std::string_view one = rest.substr(0, comma);
        if (one.find(':') != std::string_view::npos) return Ipt::unsupported(fmt::format("the port range `{}'", one));
        auto port = parse_port(ipt_, one, proto);
        if (!port) return Err{std::move(port.error())};
        spec.ports.push_back(*port);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    spec.set = true;
    return std::nullopt;
}

std::optional<Err<Reply>> Parser::mark_option(const Opt& o) {
    if (std::find(r_.mark_opts.begin(), r_.mark_opts.end(), o.name) != r_.mark_opts.end())
        return ipt_.param(fmt::format("MARK: option \"--{}\" can only be used once.", o.name));
    if (invert_) return ipt_.param(fmt::format("MARK: option \"--{}\" cannot be inverted.", o.name));
    auto v = required(o);
    if (!v) return ipt_.param(fmt::format("MARK: option \"--{}\" requires an argument.", o.name));
    r_.mark_opts.push_back(o.name);
    if (o.name == "set-mark" || o.name == "set-xmark") {
        // xtables_parse_mark_mask(): MARK[/MASK], each strtoul base 0
        const auto slash = v->find('/');
        auto m = xtables_strtoul(std::string_view(*v).substr(0, slash), 0, 0xffffffffu);
        std::optional<std::uint64_t> k = 0xffffffffu;
        if (slash != std::string::npos) k = xtables_strtoul(std::string_view(*v).substr(slash + 1), 0, 0xffffffffu);
        if (!m || !k)
            return ipt_.param(fmt::format("MARK: Bad value for \"{}\" option: \"{}\"", o.name, *v));
        const auto mark = static_cast<std::uint32_t>(*m);
        const auto mask = static_cast<std::uint32_t>(*k);
        r_.mark = mark;
        r_.mask = o.name == "set-mark" ? mark | mask : mask;  // libxt_MARK.c mark_tg_parse()
        return std::nullopt;
    }
    auto n = xtables_strtoul(*v, 0, 0xffffffffu);
    if (!n)
        return ipt_.param(fmt::format("MARK: bad value for option \"--{}\", or out of range (0-4294967295).", o.name));
    const auto val = static_cast<std::uint32_t>(*n);
    if (o.name == "and-mark") {
        r_.mark = 0;
        r_.mask = ~val;
    } else if (o.name == "or-mark") {
        r_.mark = val;
        r_.mask = val;
    } else {  // xor-mark
        r_.mark = val;
        r_.mask = 0;
    }
    return std::nullopt;
}

bool Parser::extension_option(const Opt& o, std::optional<Err<Reply>>& err) {
    if (!o.is_long) return false;
    const std::string& n = o.name;
    if (r_.jump == "MARK" && (n == "set-mark" || n == "set-xmark" || n == "and-mark" || n == "or-mark" || n == "xor-mark")) {
        err = mark_option(o);
        return true;
    }
    if (r_.multiport) {
        if (n == "source-ports" || n == "sports") {
            err = multiport_option(o, "sports");
            return true;
        }
        if (n == "destination-ports" || n == "dports") {
            err = multiport_option(o, "dports");
            return true;
        }
        if (n == "ports") {
            err = multiport_option(o, "ports");
            return true;
        }
    }
    if (r_.tcp || r_.udp) {
        const std::string_view ext = r_.tcp ? "tcp" : "udp";
        if (n == "source-port" || n == "sport") {
            err = port_option(o, true, ext);
            return true;
        }
        if (n == "destination-port" || n == "dport") {
            err = port_option(o, false, ext);
            return true;
        }
        if (r_.tcp && (n == "syn" || n == "tcp-flags" || n == "tcp-option")) {
            err = Ipt::unsupported(fmt::format("the tcp option `--{}'", n));
            return true;
        }
    }
    return false;
}

MultiResult Parser::run() {
    while (i_ < args_.size()) {
        const std::string& a = args_[i_++];
        if (a == "--") {
            if (i_ < args_.size()) return ipt_.param("unknown arguments found on commandline");
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            if (a == "!") {  // xshared.c do_parse(), case 1
                if (invert_) return ipt_.param("multiple consecutive ! not allowed");
                invert_ = true;
                continue;
            }
            return fail(kParameterProblem, fmt::format("Bad argument `{}'\n{}", a, Ipt::kTryHelp));
        }
        Opt o;
        std::optional<Err<Reply>> err;
        if (a[1] == '-') {
            o.is_long = true;
            const auto eq = a.find('=');
            o.name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (eq != std::string::npos) o.attached = a.substr(eq + 1);
            o.shown = a;
            if (const char c = long_to_short(o.name)) {
                err = base_option(o, c);
            } else if (!extension_option(o, err)) {
                // command_default(): load the protocol's match on demand, then retry
                if (!r_.proto_used && r_.protocol && !r_.proto_invert && (r_.proto == 6 || r_.proto == 17)) {
                    r_.proto_used = true;
                    (r_.proto == 6 ? r_.tcp : r_.udp) = true;
                    --i_;
                    continue;
                }
                r_.proto_used = r_.proto_used || r_.protocol.has_value();
                err = ipt_.param(fmt::format("unknown option \"{}\"", o.shown));
            }
        } else {
            const char c = a[1];
            o.name = std::string(1, c);
            o.shown = a.substr(0, 2);
            if (a.size() > 2) o.attached = a.substr(2);
            static constexpr std::string_view kFlags = "46fhnvxV";  // short options without an argument
            if (kFlags.find(c) != std::string_view::npos && o.attached) {
                err = base_option(Opt{o.shown, o.name, false, std::nullopt}, c);
                if (!err) {  // bundled flags: "-nv" is "-n" then "-v"
                    invert_ = false;
                    args_[--i_] = "-" + *o.attached;
                    continue;
                }
            } else if (std::string_view("ACDEFILNPRSXZcdgijmopstwWM46fhnvxV").find(c) != std::string_view::npos) {
                err = base_option(o, c);
            } else {
                err = ipt_.param(fmt::format("unknown option \"-{}\"", c));
            }
        }
        if (err) return std::move(*err);
        invert_ = false;
    }
    return finish();
}

MultiResult Parser::finish() {
    // xtables_option_mfcall() / _tfcall(): the extensions' final checks
    if (r_.multiport && !r_.multiport_any) return ipt_.param("no ports specified");  // multiport_check()
    if (r_.jump == "MARK") {
        if (r_.mark_opts.empty())
            return ipt_.param("MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required");
        if (r_.mark_opts.size() > 1) {
            // xtables_options_fcheck(): entries in table order against the others in id order
            static constexpr std::string_view kTable[] = {"set-xmark", "set-mark", "and-mark", "or-mark", "xor-mark"};
            static constexpr std::string_view kIds[] = {"set-mark", "and-mark", "or-mark", "xor-mark", "set-xmark"};
            auto used = [&](std::string_view n) {
                return std::find(r_.mark_opts.begin(), r_.mark_opts.end(), n) != r_.mark_opts.end();
            };
            for (auto entry : kTable) {
                if (!used(entry)) continue;
                for (auto other : kIds) {
                    if (other != entry && used(other))
                        return ipt_.param(fmt::format("MARK: option \"--{}\" cannot be used together with \"--{}\".",
                                                      entry, other));
                }
            }
        }
    }
    if (r_.cmd == Cmd::none) return ipt_.param("no command specified");
    if (invert_) return ipt_.param("nothing appropriate following !");
    // ipv4_post_parse(): the addresses
    std::optional<std::pair<net::Ipv4Addr, int>> src, dst;
    if (r_.src) {
        auto h = parse_host(ipt_, *r_.src);
        if (!h) return Err{std::move(h.error())};
        src = *h;
    }
    if (r_.dst) {
        auto h = parse_host(ipt_, *r_.dst);
        if (!h) return Err{std::move(h.error())};
        dst = *h;
    }
    const bool rule_cmd = r_.cmd == Cmd::append || r_.cmd == Cmd::insert || (r_.cmd == Cmd::del && !r_.rulenum);
    // generic_opt_check(): commands_v_options[]
    for (char opt : kOptFlags) {
        if (r_.options.find(opt) == std::string::npos) continue;
        const bool legal = rule_cmd ? (opt != 'n' && opt != 'x') : opt == 'v';
        if (!legal) return ipt_.param(fmt::format("Illegal option `-{}' with this command", opt));
    }
    if (r_.chain.size() >= 29)
        return ipt_.param(fmt::format("chain name `{}' too long (must be under 29 chars)", r_.chain));
    if (rule_cmd && (r_.chain == "POSTROUTING" || r_.chain == "OUTPUT") && !r_.in_iface.empty())
        return ipt_.param(fmt::format("Can't use -i with {}\n", r_.chain));

    static constexpr std::string_view kTables[] = {"filter", "mangle", "nat", "raw", "security"};
    if (std::find(std::begin(kTables), std::end(kTables), r_.table) == std::end(kTables))
        return fail(kOtherProblem, fmt::format("{}table '{}' does not exist", ipt_.prefix(), r_.table));
    const bool mangle = r_.table == "mangle";
    auto no_chain = [&] { return fail(kOtherProblem, "iptables: No chain/target/match by that name."); };

    switch (r_.cmd) {
        case Cmd::flush:
        case Cmd::zero:
        case Cmd::delete_chain: {
            if (!r_.chain.empty() && !builtin_chain(r_.table, r_.chain)) return no_chain();
            if (r_.cmd == Cmd::delete_chain && !r_.chain.empty())
                return Ipt::unsupported("deleting a built-in chain (-X CHAIN)");
            // tapvs keeps rules in the mangle table only: elsewhere there is nothing to flush,
            // no user chain to delete and no counter it shows.
            if (r_.cmd == Cmd::flush && mangle) {
                cmd::MarkRule rule;
                rule.op = cmd::MarkRule::Op::flush;
                rule.chain = r_.chain;
                return Commands{rule};
            }
            return Commands{};
        }
        case Cmd::policy:
            if (!builtin_chain(r_.table, r_.chain)) return no_chain();
            if (r_.policy == "ACCEPT") return Commands{};  // the policy every built-in chain has
            return Ipt::unsupported(fmt::format("the policy `{}'", r_.policy));
        default: break;
    }
    if (r_.cmd == Cmd::del && r_.rulenum) return Ipt::unsupported("deleting a rule by number (-D CHAIN RULENUM)");
    if (r_.cmd == Cmd::insert && r_.rulenum && *r_.rulenum != 1)
        return Ipt::unsupported("inserting at a rule number other than 1");
    if (r_.jump.empty()) return Ipt::unsupported("a rule without -j MARK");
    if (r_.jump != "MARK") return Ipt::unsupported(fmt::format("the target `{}'", r_.jump));
    if (!mangle) return Ipt::unsupported(fmt::format("-j MARK in the `{}' table (use -t mangle)", r_.table));
    if (!builtin_chain(r_.table, r_.chain)) return no_chain();
    if (r_.proto_invert) return Ipt::unsupported("an inverted protocol match (! -p)");
    if (r_.in_invert) return Ipt::unsupported("an inverted input interface (! -i)");
    if ((r_.sport.set && r_.msports.set) || (r_.dport.set && r_.mdports.set))
        return Ipt::unsupported("a port match given both by --sport/--dport and by multiport");

    cmd::MarkRule rule;
    rule.op = r_.cmd == Cmd::append ? cmd::MarkRule::Op::append
              : r_.cmd == Cmd::insert ? cmd::MarkRule::Op::insert
                                      : cmd::MarkRule::Op::del;
    rule.chain = r_.chain;
    rule.match.protocol = r_.proto;
    rule.match.src = src;
    rule.match.dst = dst;
    rule.match.src_invert = src && r_.src_invert;
    rule.match.dst_invert = dst && r_.dst_invert;
    rule.match.sports = r_.sport.set ? r_.sport.ports : r_.msports.ports;
    rule.match.dports = r_.dport.set ? r_.dport.ports : r_.mdports.ports;
    rule.match.in_iface = r_.in_iface;
    rule.mark = r_.mark;
    rule.mask = r_.mask;
    return Commands{rule};
}

}  // namespace

MultiResult parse_iptables(std::string_view program, Args args, const IpvsadmContext& ctx) {
    const Ipt ipt(program, ctx);
    return Parser(ipt, args).run();
}

}  // namespace tapvs::ctl::detail
