// The one program table of the command language: which programs a line may name, how a first word
// names one (its basename: /sbin/ip is ip), and which of them is ipvsadm's command line.
#pragma once

#include <array>
#include <string_view>

namespace tapvs::ctl {

// The program a command's first word names: everything after its last '/' ("/sbin/ip" is "ip",
// "ip/" is "").
constexpr std::string_view program_name(std::string_view word0) noexcept {
    const auto slash = word0.rfind('/');
    return slash == std::string_view::npos ? word0 : word0.substr(slash + 1);
}

// The programs whose lines parse_command_multi() (ctl/config.hpp) takes, by program_name().
inline constexpr std::array<std::string_view, 11> kPrograms = {
    "ipvsadm", "tapvsadm", "ip", "ifconfig", "route", "sysctl", "echo", "cat", "iptables", "iptables-nft", "iptables-legacy"};

// A first word (a name or a path) naming one of kPrograms.
constexpr bool is_known_program(std::string_view word0) noexcept {
    const std::string_view name = program_name(word0);
    for (std::string_view p : kPrograms)
        if (name == p) return true;
    return false;
}

// ipvsadm's command line: ipvsadm, or tapvsadm (tapvs's client, which takes ipvsadm's options).
constexpr bool is_ipvsadm(std::string_view word0) noexcept {
    const std::string_view name = program_name(word0);
    return name == "ipvsadm" || name == "tapvsadm";
}

// iptables, as Debian 12 installs it: iptables, iptables-nft, iptables-legacy.
constexpr bool is_iptables(std::string_view word0) noexcept {
    const std::string_view name = program_name(word0);
    return name == "iptables" || name == "iptables-nft" || name == "iptables-legacy";
}

}  // namespace tapvs::ctl
