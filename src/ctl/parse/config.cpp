// The configuration language: one command per (logical) line, dispatched on the program's name,
// and the file reader (timed lines, `ipvsadm -R` restore sections, all-or-nothing parsing).
#include "tapvs/ctl/config.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "host_parse.hpp"

namespace tapvs::ctl {

namespace {

constexpr int kNotFound = 127;  // what sh answers for a program it cannot run

std::vector<std::string> texts(std::span<const Word> words) {
    std::vector<std::string> out;
    out.reserve(words.size());
    for (const Word& w : words) out.push_back(w.text);
    return out;
}

// A shell variable assignment before the command ("A=1 cmd"): NAME=... with NAME [A-Za-z_][A-Za-z0-9_]*.
bool assignment(std::string_view w) {
    const auto eq = w.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    for (std::size_t i = 0; i < eq; ++i) {
        const char c = w[i];
        const bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

// `@SECONDS`: a finite, non-negative number.
std::optional<double> parse_at(std::string_view w) {
    w.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (w.empty() || ec != std::errc{} || end != w.data() + w.size() || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
}

std::string trim_newline(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

}  // namespace

std::string ConfigError::to_string() const { return fmt::format("{}:{}: {}", file, line, message); }

Result<std::vector<Command>, Reply> parse_command_multi(std::span<const Word> words, const IpvsadmContext& ctx) {
    if (words.empty()) return std::vector<Command>{};
    if (words[0].redirect) return detail::fail(1, "tapvs: a line may not start with a redirection");
    const std::string& program = words[0].text;
    if (assignment(program))
        return detail::fail(1, fmt::format("tapvs: the variable assignment `{}' is not supported", program));
    const std::string_view name = program_name(program);
    if (name == "echo") return detail::parse_echo(words);
    for (const Word& w : words) {
        if (w.redirect)
            return detail::fail(1, fmt::format("{}: output redirection is not supported by tapvs "
                                               "(only `echo VALUE > /proc/sys/...' is)",
                                               program));
    }
    const std::vector<std::string> all = texts(words);
    const std::span<const std::string> args(all.data() + 1, all.size() - 1);
    if (is_ipvsadm(name)) {
        IpvsadmContext c = ctx;
        c.program = program;  // ipvsadm prints argv[0] in its usage text
        auto r = parse_ipvsadm(args, c);
        if (!r) return Err{std::move(r.error())};
        return std::vector<Command>{std::move(*r)};
    }
    if (name == "ip") return detail::parse_ip(args, ctx);
    if (name == "ifconfig") return detail::parse_ifconfig(args, ctx);
    if (name == "route") return detail::parse_route(args, ctx);
    if (name == "sysctl") return detail::parse_sysctl(args);
    if (name == "cat") return detail::parse_cat(args);
    if (is_iptables(name))
        return detail::parse_iptables(name, args, ctx);
    return detail::fail(kNotFound, fmt::format("{}: command not supported by tapvs", program));
}

Result<std::vector<Command>, Reply> parse_command_multi(std::span<const std::string> words, const IpvsadmContext& ctx) {
    std::vector<Word> w;
    w.reserve(words.size());
    for (const std::string& s : words) w.push_back(Word{s, s == ">"});
    return parse_command_multi(std::span<const Word>(w), ctx);
}

Result<Command, Reply> parse_command(std::span<const std::string> words, const IpvsadmContext& ctx) {
    auto r = parse_command_multi(words, ctx);
    if (!r) return Err{std::move(r.error())};
    if (r->size() != 1)
        return detail::fail(1, fmt::format("tapvs: this line gives {} commands where one is expected", r->size()));
    return std::move(r->front());
}

Result<std::vector<ConfigLine>, ConfigError> parse_config(std::string_view text, std::string_view filename,
                                                          const IpvsadmContext& ctx) {
    const std::string file(filename);
    std::vector<ConfigLine> out;
    auto error = [&](int line, std::string message, int status) {
        return Err{ConfigError{file, line, std::move(message), status}};
    };
    // `@SECONDS` before a command: a timed line.
    auto timed = [&](int line, std::string_view first, std::optional<double>& at) -> std::optional<ConfigError> {
        at = parse_at(first);
        if (!at)
            return ConfigError{file, line, fmt::format("tapvs: bad time `{}': a timed line starts with @SECONDS", first), 2};
        return std::nullopt;
    };

    CommandReader reader(text);
    std::optional<IpvsadmContext> restore;  // set by `ipvsadm -R`: the rest is its input
    while (!restore) {
        auto next = reader.next();
        if (!next) return error(next.error().line, next.error().message, 2);
        if (!*next) return out;
        const LogicalLine& l = **next;
        std::span<const Word> words(l.words);
        std::optional<double> at;
        if (!words[0].redirect && !words[0].text.empty() && words[0].text[0] == '@') {
            if (auto e = timed(l.line, words[0].text, at)) return Err{std::move(*e)};
            words = words.subspan(1);
            if (words.empty()) return error(l.line, fmt::format("tapvs: `{}' is not followed by a command", l.words[0].text), 2);
        }
        auto cmds = parse_command_multi(words, ctx);
        if (!cmds) {
            const Reply& e = cmds.error();
            return error(l.line, trim_newline(e.err.empty() ? e.out : e.err), e.status);
        }
        for (Command& c : *cmds) {
            if (std::holds_alternative<cmd::Restore>(c)) {
                restore = ctx;
                restore->program = words[0].text;
                continue;
            }
            out.push_back(ConfigLine{l.line, at, std::move(c)});
        }
    }

    // The restore lines, read as `ipvsadm -R` reads its input (config_stream.c, through
    // split_ipvsadm_restore()): words at blanks, no quoting, no comments, the word "ipvsadm" dropped.
    std::string_view rest = reader.rest();
    for (int line = reader.line(); !rest.empty(); ++line) {
        const auto nl = rest.find('\n');
        const std::string one(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        for (std::vector<std::string>& args : split_ipvsadm_restore(one + "\n")) {
            std::span<const std::string> a(args);
            std::optional<double> at;
            if (!a.empty() && !a[0].empty() && a[0][0] == '@') {
                if (auto e = timed(line, a[0], at)) return Err{std::move(*e)};
                a = a.subspan(1);
                if (a.empty()) return error(line, fmt::format("tapvs: `{}' is not followed by a command", args[0]), 2);
            }
            auto r = parse_ipvsadm(a, *restore);
            if (!r) return error(line, trim_newline(r.error().err.empty() ? r.error().out : r.error().err), r.error().status);
            if (std::holds_alternative<cmd::Restore>(*r)) continue;  // -R within -R reads nothing more
            out.push_back(ConfigLine{line, at, std::move(*r)});
        }
    }
    return out;
}

}  // namespace tapvs::ctl
