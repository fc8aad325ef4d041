#include "tapvs/net/addr.hpp"

#include <charconv>

#include <fmt/format.h>

namespace tapvs::net {

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
    // Six groups of one or two hex digits separated by ':' (as `ip link` accepts).
    MacAddr m;
    std::size_t pos = 0;
    for (int i = 0; i < 6; ++i) {
        int value = 0;
        int digits = 0;
        while (pos < text.size() && digits < 2 && hex_digit(text[pos]) >= 0) {
            value = value * 16 + hex_digit(text[pos]);
            ++pos;
            ++digits;
        }
        if (digits == 0) return std::nullopt;
        m.b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
        if (i < 5) {
            if (pos >= text.size() || text[pos] != ':') return std::nullopt;
            ++pos;
        }
    }
    if (pos != text.size()) return std::nullopt;
    return m;
}

std::string MacAddr::to_string() const { return fmt::format("{}", *this); }

bool MacAddr::is_broadcast() const noexcept { return *this == broadcast(); }
bool MacAddr::is_zero() const noexcept { return *this == MacAddr{}; }

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) {
    std::uint32_t value = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 4; ++i) {
        if (p == end || *p < '0' || *p > '9') return std::nullopt;
        unsigned octet = 0;
        auto [next, ec] = std::from_chars(p, end, octet);
        if (ec != std::errc{} || octet > 255 || next - p > 3) return std::nullopt;
        value = (value << 8) | octet;
        p = next;
        if (i < 3) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
    }
    if (p != end) return std::nullopt;
    return Ipv4Addr{value};
}

std::string Ipv4Addr::to_string() const { return fmt::format("{}", *this); }

int mask_prefix_len(std::uint32_t mask) noexcept {
    int len = 0;
    while (len < 32 && (mask & (0x80000000u >> len)) != 0) ++len;
    return prefix_mask(len) == mask ? len : -1;
}

std::string Endpoint::to_string() const { return fmt::format("{}", *this); }

}  // namespace tapvs::net
