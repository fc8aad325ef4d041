#include "tapvs/grade/line_policy.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "tapvs/ctl/config.hpp"
#include "tapvs/ctl/programs.hpp"
#include "tapvs/lab/lab_file.hpp"
#include "tapvs/lab/topology.hpp"

namespace tapvs::grade {

namespace fs = std::filesystem;

namespace {

Verdict rejected(std::string why) { return Verdict{Verdict::Kind::rejected, std::move(why), 0, {}}; }
Verdict skipped(std::string why) { return Verdict{Verdict::Kind::skipped, std::move(why), 0, {}}; }

constexpr std::string_view kHostPrograms = "ip, ifconfig, route, sysctl, echo VALUE > /proc/sys/net/... and cat /proc/sys/net/...";
constexpr std::string_view kDirectorPrograms =
    "ipvsadm, ip, ifconfig, route, sysctl, echo VALUE > /proc/sys/net/..., cat /proc/sys/net/... and iptables -t mangle";

// Shell syntax that survives quote removal (the tokenizer refuses the unquoted forms).
std::string shell_char(const std::string& w) {
    const auto at = w.find_first_of(";&|$`<>(){}*?[]~\\\n");
    return at == std::string::npos ? std::string() : std::string(1, w[at]);
}

// The parser's "... is not supported by tapvs" messages that a submission must not do at all.
std::string why_unsupported(const std::string& message) {
    auto has = [&](std::string_view s) { return message.find(s) != std::string::npos; };
    if (has("`ip netns'") || has("option `-n") || has("option `--n"))
        return "`ip netns' and `ip -n' reach other namespaces: a submission's lines stay on their own host";
    if (has("netns'") || has("link-netns"))
        return "moves a link to another namespace: a submission's lines stay on their own host";
    if (has("`ip link add'") || has("`ip tunnel'") || has("`ip tunl'") || has("`ip tuntap'") || has("`ip tap'"))
        return "creates a link: the lab makes every host's interfaces (and the TUN lab's tunl0); a submission configures them";
    if (has("`ip link delete'") || has("`ip link del"))
        return "deletes a link the lab made";
    if (has("option `-b") || has("option `--b"))
        return "`ip -batch' reads commands from a file: write them as lines of the submission";
    std::string m = message;
    while (!m.empty() && m.back() == '\n') m.pop_back();
    return "tapvs does not model this (" + m + ")";
}

bool is_skipped_program(const std::string& p) {
    return p == "yum" || p == "dnf" || p == "apt-get" || p == "apt" || p == "modprobe" || p == "service" ||
           p == "systemctl" || p == "chkconfig";
}

Verdict skip_or_reject(const std::string& program, const std::vector<ctl::Word>& w) {
    if (program == "yum" || program == "dnf" || program == "apt-get" || program == "apt")
        return skipped("installs packages: the lab has what it needs (tapvs is the director's IPVS and its ipvsadm)");
    auto names = [&](std::string_view what) {
        return std::any_of(w.begin() + 1, w.end(), [&](const ctl::Word& x) { return x.text == what || x.text.starts_with(std::string(what) + "."); });
    };
    if (program == "modprobe") {
        for (std::size_t i = 1; i < w.size(); ++i) {
            const std::string& m = w[i].text;
            if (m.starts_with("-")) continue;
            if (m == "ip_vs" || m.starts_with("ip_vs_"))
                return skipped("loads the IPVS kernel module: the lab's director is tapvs, which needs none");
            if (m == "ipip" || m == "tunnel4")
                return skipped("loads the ipip module: the lab provides each real server's tunl0");
            return rejected(fmt::format("modprobe {}: a submission loads no kernel module (ip_vs and ipip are accepted and "
                                        "skipped)",
                                        m));
        }
        return rejected("modprobe without a module");
    }
    if (names("ipvsadm"))
        return skipped(fmt::format("a {} line for ipvsadm's service, which saves and restores the table across reboots: the "
                                   "lab applies the submission's lines directly",
                                   program));
    return rejected(fmt::format("{}: only the lines for ipvsadm's service are accepted (and skipped); the lab starts "
                                "no service",
                                program));
}

}  // namespace

const char* kind_name(Verdict::Kind k) {
    switch (k) {
        case Verdict::Kind::run: return "run";
        case Verdict::Kind::error: return "error";
        case Verdict::Kind::skipped: return "skipped";
        case Verdict::Kind::rejected: return "rejected";
    }
    return "?";
}

Verdict judge_line(const std::string& text, bool director) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            return rejected(fmt::format("holds the control character 0x{:02x}", static_cast<unsigned char>(c)));
    auto words = ctl::tokenize(text);
    if (!words) return rejected("shell syntax: " + words.error().message + " (a submission's lines are commands, never a shell)");
    auto& w = words.value();
    if (w.empty()) return skipped("empty");
    for (const auto& x : w)
        if (!x.redirect)
            if (const std::string c = shell_char(x.text); !c.empty())
                return rejected(fmt::format("shell syntax: `{}' inside quotes (`{}'): a submission's lines are run as commands, "
                                            "never by a shell, and may not hold shell syntax in any form",
                                            c, x.text));
    const std::string& given = w[0].text;
    const std::string program(ctl::program_name(given));
    if (given.find('/') != std::string::npos) {
        const std::string dir = fs::path(given).parent_path().string();
        if (dir != "/sbin" && dir != "/bin" && dir != "/usr/sbin" && dir != "/usr/bin")
            return rejected(fmt::format("runs {} from {}: a submission names its programs, or gives them from /sbin, /bin, "
                                        "/usr/sbin or /usr/bin",
                                        program, dir));
    }
    if (program == "sudo" || program == "su") return rejected(fmt::format("{}: the lines already run as root; write the command without it", program));
    const std::size_t redirects = std::count_if(w.begin(), w.end(), [](const ctl::Word& x) { return x.redirect; });
    if (redirects > 0) {
        if (program != "echo")
            return rejected("`>' writes a file: the only redirection a submission may hold is echo VALUE > /proc/sys/net/...");
        const auto r = std::find_if(w.begin(), w.end(), [](const ctl::Word& x) { return x.redirect; });
        const std::string target = r + 1 != w.end() ? (r + 1)->text : "";
        if (redirects > 1 || !lab::under_proc_sys_net(target))
            return rejected(fmt::format("echo writes to `{}': a submission writes only under /proc/sys/net", target));
    }
    if (is_skipped_program(program)) return skip_or_reject(program, w);
    const bool known = director ? ctl::is_known_program(program) : lab::is_host_program(program);
    if (!known) {
        if (!director && ctl::is_ipvsadm(program))
            return rejected("ipvsadm belongs on the director; this host is not one");
        return rejected(fmt::format("`{}' is not a program a submission runs: on {} they are {}", program,
                                    director ? "the director" : "a host", director ? kDirectorPrograms : kHostPrograms));
    }
    if (program == "echo" && redirects == 0) return rejected("echo prints text: only echo VALUE > /proc/sys/net/... is a setting");
    if (program == "cat")
        for (std::size_t i = 1; i < w.size(); ++i)
            if (!w[i].text.starts_with("-") && !lab::under_proc_sys_net(w[i].text))
                return rejected(fmt::format("cat reads `{}': a submission reads only under /proc/sys/net", w[i].text));
    if (program == "sysctl") {
        bool options = true;  // until `--'
        for (std::size_t i = 1; i < w.size(); ++i) {
            const std::string& a = w[i].text;
            if (options && a == "--") {
                options = false;
                continue;
            }
            if (options && (a == "-p" || a.starts_with("--load") || a == "-f" || a == "--system" ||
                            (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find_first_of("pf") != std::string::npos)))
                return rejected("sysctl -p loads a file: write each setting as sysctl -w KEY=VALUE");
            if (options && a.starts_with("-")) continue;
            if (!a.empty() && !std::isalpha(static_cast<unsigned char>(a[0])))
                return rejected(fmt::format("sysctl `{}': a key starts with a letter (net.ipv4....)", a));
            const std::string key = a.substr(0, a.find('='));
            if (!lab::under_proc_sys_net(ctl::sysctl_proc_path(key)))
                return rejected(fmt::format("sysctl {}: a submission sets only keys under net. (/proc/sys/net)", key));
        }
    }
    auto parsed = ctl::parse_command_multi(std::span<const ctl::Word>(w));
    if (!parsed) {
        const ctl::Reply& e = parsed.error();
        if (e.err.find("is not supported by tapvs") != std::string::npos) return rejected(why_unsupported(e.err));
        std::string m = e.err.empty() ? e.out : e.err;
        while (!m.empty() && m.back() == '\n') m.pop_back();
        return Verdict{Verdict::Kind::error, m, e.status, {}};
    }
    for (const auto& c : parsed.value())
        if (std::holds_alternative<ctl::cmd::Restore>(c))
            return rejected("ipvsadm -R reads the rules from standard input, which a submission does not have: write the "
                            "ipvsadm -A and -a lines themselves");
    return Verdict{Verdict::Kind::run, {}, 0, std::move(w)};
}

}  // namespace tapvs::grade
