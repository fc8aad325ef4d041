// sysctl (procps-ng 4.0, sysctl.c: main(), ReadSetting(), WriteSetting(), slashdot()), and the
// two shell spellings of the same thing: `echo V > /proc/sys/a/b/c` and `cat /proc/sys/a/b/c`.
#include <algorithm>

#include <fmt/format.h>

#include "host_parse.hpp"
#include "tapvs/ctl/config.hpp"

namespace tapvs::ctl {

namespace {

constexpr std::string_view kProcSys = "/proc/sys/";

// procps sysctl.c slashdot(): the first separator tells the spelling; when it is not already
// `to`, every '.' and '/' after it swap (so a dotted interface name survives the trip).
std::string slashdot(std::string_view key, char from, char to) {
    std::string s(key);
    const auto first = s.find_first_of("/.");
    if (first == std::string::npos || s[first] == to) return s;
    for (std::size_t i = first; i < s.size(); ++i) {
        if (s[i] == from) {
            s[i] = to;
        } else if (s[i] == to) {
            s[i] = from;
        }
    }
    return s;
}

// ip_vs_ctl.c vs_vars[] (Documentation/networking/ipvs-sysctl.rst) and the two the lblc/lblcr
// schedulers register (ip_vs_lblc.c, ip_vs_lblcr.c).
constexpr std::string_view kVsKeys[] = {
    "am_droprate",       "amemthresh",         "backup_only",   "cache_bypass",        "conn_reuse_mode",
    "conntrack",         "drop_entry",         "drop_packet",   "est_cpulist",         "est_nice",
    "expire_nodest_conn", "expire_quiescent_template", "ignore_tunneled", "lblc_expiration", "lblcr_expiration",
    "nat_icmp_send",     "pmtu_disc",          "run_estimation", "schedule_icmp",      "secure_tcp",
    "sloppy_sctp",       "sloppy_tcp",         "snat_reroute",  "sync_persist_mode",   "sync_ports",
    "sync_qlen_max",     "sync_refresh_period", "sync_retries", "sync_sock_size",      "sync_threshold",
    "sync_version"};
// net/ipv4/devinet.c devinet_vars[] that LVS set-ups touch.
constexpr std::string_view kConfKeys[] = {"send_redirects", "rp_filter",      "arp_ignore",  "arp_announce",
                                          "accept_redirects", "forwarding",   "arp_filter",  "proxy_arp",
                                          "log_martians",   "accept_source_route"};

bool in(std::span<const std::string_view> list, std::string_view w) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

// "all", "default" or an interface name; in the dotted key a '.' of the name is spelled '/'.
bool conf_dir(std::string_view d) {
    if (d == "all" || d == "default") return true;
    if (d.find('.') != std::string_view::npos) return false;  // a separator: not one directory
    std::string name(d);
    std::replace(name.begin(), name.end(), '/', '.');
    return detail::valid_ifname(name);
}

}  // namespace

std::string sysctl_dotted(std::string_view key) { return slashdot(key, '/', '.'); }
std::string sysctl_proc_path(std::string_view key) {
    return std::string(kProcSys) + slashdot(key, '.', '/');
}

bool known_sysctl(std::string_view key) {
    if (key == "net.ipv4.ip_forward") return true;
    constexpr std::string_view kVs = "net.ipv4.vs.";
    if (key.substr(0, kVs.size()) == kVs) return in(kVsKeys, key.substr(kVs.size()));
    constexpr std::string_view kConf = "net.ipv4.conf.";
    if (key.substr(0, kConf.size()) == kConf) {
        const std::string_view rest = key.substr(kConf.size());
        const auto dot = rest.rfind('.');
        if (dot == std::string_view::npos) return false;
        return conf_dir(rest.substr(0, dot)) && in(kConfKeys, rest.substr(dot + 1));
    }
    return false;
}

bool known_sysctl_dir(std::string_view key) {
    if (key == "net" || key == "net.ipv4" || key == "net.ipv4.vs" || key == "net.ipv4.conf") return true;
    constexpr std::string_view kConf = "net.ipv4.conf.";
    if (key.substr(0, kConf.size()) == kConf) {
        const std::string_view d = key.substr(kConf.size());
        return d.find('.') == std::string_view::npos && conf_dir(d);
    }
    return false;
}

namespace detail {

namespace {

constexpr std::string_view kSysctlUsage =
    "\n"
    "Usage:\n"
    " sysctl [options] [variable[=value] ...]\n"
    "\n"
    "Options:\n"
    "  -a, --all            display all variables\n"
    "  -A                   alias of -a\n"
    "  -X                   alias of -a\n"
    "      --deprecated     include deprecated parameters to listing\n"
    "      --dry-run        Print the key and values but do not write\n"
    "  -b, --binary         print value without new line\n"
    "  -e, --ignore         ignore unknown variables errors\n"
    "  -N, --names          print variable names without values\n"
    "  -n, --values         print only values of the given variable(s)\n"
    "  -p, --load[=<file>]  read values from file\n"
    "  -f                   alias of -p\n"
    "      --system         read values from all system directories\n"
    "  -r, --pattern <expression>\n"
    "                       select setting that match expression\n"
    "  -q, --quiet          do not echo variable set\n"
    "  -w, --write          enable writing a value to variable\n"
    "  -o                   does nothing\n"
    "  -x                   does nothing\n"
    "  -d                   alias of -h\n"
    "\n"
    " -h, --help     display this help and exit\n"
    " -V, --version  output version information and exit\n"
    "\n"
    "For more details see sysctl(8).\n";

Err<Reply> unsupported(std::string_view tool, std::string_view what, int status = 1) {
    return fail(status, fmt::format("{}: {} is not supported by tapvs", tool, what));
}

// A /proc/sys path -> its dotted key; nullopt when it is not a plain path under /proc/sys.
std::optional<std::string> proc_key(std::string_view path) {
    if (path.substr(0, kProcSys.size()) != kProcSys) return std::nullopt;
    std::string_view rel = path.substr(kProcSys.size());
    while (!rel.empty() && rel.back() == '/') rel.remove_suffix(1);
    if (rel.empty()) return std::nullopt;
    std::size_t pos = 0;
    for (;;) {
        const auto slash = rel.find('/', pos);
        const std::string_view part = rel.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
        if (part.empty() || part == "." || part == "..") return std::nullopt;
        if (slash == std::string_view::npos) break;
        pos = slash + 1;
    }
    return slashdot(rel, '/', '.');
}

}  // namespace

MultiResult parse_sysctl(Args args) {
    if (args.empty()) return fail(1, std::string(kSysctlUsage));  // Usage(stderr)
    bool write = false, ignore = false, quiet = false, values = false;
    std::vector<std::string_view> vars;
    // getopt_long("bneNwfp::qoxaAXr:Vdh"), arguments permuted
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            for (++i; i < args.size(); ++i) vars.emplace_back(args[i]);
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            vars.emplace_back(a);
            continue;
        }
        if (a[1] == '-') {
            const std::string_view n = std::string_view(a).substr(2);
            if (n == "write") {
                write = true;
            } else if (n == "ignore") {
                ignore = true;
            } else if (n == "values") {
                values = true;  // print the bare value
            } else if (n == "quiet") {
                quiet = true;   // print nothing for writes
            } else if (n == "all" || n == "deprecated" || n == "dry-run" || n == "binary" || n == "names" ||
                       n.substr(0, 4) == "load" || n == "system" || n == "pattern" || n.substr(0, 8) == "pattern=" ||
                       n == "help" || n == "version") {
                return unsupported("sysctl", fmt::format("the option `{}'", a));
            } else {
                return fail(0, fmt::format("sysctl: unrecognized option '{}'\n{}", a, kSysctlUsage));
            }
            continue;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            const char c = a[k];
            switch (c) {
                case 'w': write = true; break;
                case 'e': ignore = true; break;
                case 'n': values = true; break;
                case 'q': quiet = true; break;
                case 'o':
                case 'x': break;
                case 'b':
                case 'N':
                case 'a':
                case 'A':
                case 'X':
                case 'f':
                case 'p':
                case 'r':
                case 'V':
                case 'd':
                case 'h': return unsupported("sysctl", fmt::format("the option `-{}'", c));
                default:  // getopt's message, then Usage(stdout) and exit 0
                    return Err{Reply{0, std::string(kSysctlUsage),
                                     fmt::format("sysctl: invalid option -- '{}'\n", c)}};
            }
        }
    }
    if (vars.empty()) return fail(1, "sysctl: no variables specified\nTry `sysctl --help' for more information.");

    Commands out;
    for (std::string_view v : vars) {
        const auto eq = v.find('=');
        if (write || eq != std::string_view::npos) {  // WriteSetting()
            if (eq == std::string_view::npos)
                return fail(255, fmt::format("sysctl: \"{}\" must be of the form name=value", v));
            if (eq == 0) return fail(254, fmt::format("sysctl: malformed setting \"{}\"", v));
            const std::string_view name = v.substr(0, eq);
            const std::string key = sysctl_dotted(name);
            if (!known_sysctl(key)) {
                if (ignore) continue;
                if (known_sysctl_dir(key))
                    return fail(1, fmt::format("sysctl: setting key \"{}\": Is a directory", key));
                return fail(255, fmt::format("sysctl: cannot stat {}: No such file or directory", sysctl_proc_path(name)));
            }
            out.push_back(cmd::SysctlSet{key, std::string(v.substr(eq + 1)), quiet});
        } else {  // ReadSetting()
            const std::string key = sysctl_dotted(v);
            if (!known_sysctl(key)) {
                if (known_sysctl_dir(key)) return unsupported("sysctl", fmt::format("listing the directory `{}'", key));
                if (ignore) continue;
                return fail(1, fmt::format("sysctl: cannot stat {}: No such file or directory", sysctl_proc_path(v)));
            }
            out.push_back(cmd::SysctlGet{key, values});
        }
    }
    return out;
}

MultiResult parse_echo(std::span<const Word> words) {
    // words[0] is the command name. bash's echo: leading -n / -e / -E words are options.
    std::vector<std::string_view> text;
    std::optional<std::string_view> target;
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i].redirect) {
            if (i + 1 >= words.size() || words[i + 1].redirect)
                return fail(2, "syntax error: redirection `>' without a file name");
            if (target) return unsupported("echo", "a second redirection");
            target = words[++i].text;
            continue;
        }
        text.push_back(words[i].text);
    }
    if (!target) return unsupported("echo", "printing text (only `echo VALUE > /proc/sys/...' is read)");
    bool escapes = false;
    std::size_t first = 0;
    for (; first < text.size(); ++first) {
        const std::string_view w = text[first];
        if (w.size() < 2 || w[0] != '-' || w.find_first_not_of("neE", 1) != std::string_view::npos) break;
        for (char c : w.substr(1)) {
            if (c == 'e') escapes = true;
            if (c == 'E') escapes = false;
        }
    }
    std::string value;
    for (std::size_t i = first; i < text.size(); ++i) {
        if (i > first) value += ' ';
        value += text[i];
    }
    if (escapes && value.find('\\') != std::string::npos) return unsupported("echo", "`echo -e' with escapes");
    auto key = proc_key(*target);
    if (!key) return unsupported("echo", fmt::format("writing to `{}' (only /proc/sys/... is)", *target));
    if (!known_sysctl(*key)) {
        if (known_sysctl_dir(*key)) return fail(1, fmt::format("bash: {}: Is a directory", *target));
        return fail(1, fmt::format("bash: {}: No such file or directory", *target));
    }
    return Commands{cmd::SysctlSet{*key, value, /*quiet=*/true}};  // a redirection prints nothing
}

MultiResult parse_cat(Args args) {
    if (args.empty()) return unsupported("cat", "reading standard input");
    Commands out;
    for (const std::string& a : args) {
        if (a.size() > 1 && a[0] == '-') return unsupported("cat", fmt::format("the option `{}'", a));
        auto key = proc_key(a);
        if (!key) return unsupported("cat", fmt::format("reading `{}' (only /proc/sys/... is)", a));
        if (!known_sysctl(*key)) {
            if (known_sysctl_dir(*key)) return fail(1, fmt::format("cat: {}: Is a directory", a));
            return fail(1, fmt::format("cat: {}: No such file or directory", a));
        }
        out.push_back(cmd::SysctlGet{*key, /*value_only=*/true});  // the file holds the bare value
    }
    return out;
}

}  // namespace detail

}  // namespace tapvs::ctl
