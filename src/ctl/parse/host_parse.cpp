// The shared helpers of host_parse.hpp.
#include "host_parse.hpp"

#include <limits>

namespace tapvs::ctl::detail {

Err<Reply> fail(int status, std::string err) {
    if (err.empty() || err.back() != '\n') err += '\n';
    return Err{Reply{status, "", std::move(err)}};
}

std::optional<std::uint32_t> get_unsigned(std::string_view s, int base) {
    const auto n = clib::strtoul(s, base);
    if (!n.whole() || n.value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    return static_cast<std::uint32_t>(n.value);
}

std::optional<int> get_integer(std::string_view s, int base) {
    const auto n = clib::strtol(s, base);
    if (!n.whole() || n.value < std::numeric_limits<int>::min() || n.value > std::numeric_limits<int>::max())
        return std::nullopt;
    return static_cast<int>(n.value);
}

std::optional<net::Ipv4Addr> get_addr_ipv4(std::string_view whole) {
    std::string_view cp = clib::c_str(whole);
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        const auto n = clib::strtoul(cp, 0);
        if (n.value > 255) return std::nullopt;  // bogus network value
        if (!n.converted()) return std::nullopt;  // no digits
        value |= static_cast<std::uint32_t>(n.value) << (24 - 8 * i);
        if (n.at_nul()) break;
        if (i == 3 || cp[n.end] != '.') return std::nullopt;  // extra characters
        cp.remove_prefix(n.end + 1);
    }
    return net::Ipv4Addr{value};
}

std::optional<std::uint64_t> inet_getnetmask_prefix(std::string_view s) {
    const auto n = clib::strtoul(s, 0);
    if (!n.at_nul()) return std::nullopt;
    return n.value;
}

int mask_len(net::Ipv4Addr mask) { return net::mask_prefix_len(mask.host_order); }

bool matches(std::string_view word, std::string_view full) {
    return !word.empty() && word.size() <= full.size() && full.substr(0, word.size()) == word;
}

bool valid_ifname(std::string_view name) {
    if (name.empty() || name.size() >= 16) return false;
    for (char c : name)
        if (c == '/' || clib::isspace(c)) return false;
    return true;
}

}  // namespace tapvs::ctl::detail
