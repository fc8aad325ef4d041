// Address value types: MAC, IPv4, and an IPv4 endpoint. Small, comparable, hashable, and
// formattable: fmt::format("{}", addr) is the one text of each ("02:00:00:00:00:01", "10.0.0.1",
// "10.0.0.1:80"; a width or alignment applies to the whole text); to_string() is the same.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tapvs::net {

struct MacAddr {
    std::array<std::uint8_t, 6> b{};

    static std::optional<MacAddr> parse(std::string_view text);  // "02:00:00:00:00:01"
    std::string to_string() const;
    bool is_broadcast() const noexcept;
    bool is_multicast() const noexcept { return (b[0] & 1) != 0; }
    bool is_zero() const noexcept;
    static constexpr MacAddr broadcast() noexcept { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    friend auto operator<=>(const MacAddr&, const MacAddr&) = default;
};

struct Ipv4Addr {
    std::uint32_t host_order = 0;

    static std::optional<Ipv4Addr> parse(std::string_view text);  // dotted quad only
    std::string to_string() const;
    bool is_zero() const noexcept { return host_order == 0; }
    bool is_multicast() const noexcept { return (host_order >> 28) == 0xe; }
    bool is_limited_broadcast() const noexcept { return host_order == 0xffffffffu; }
    bool is_loopback() const noexcept { return (host_order >> 24) == 127; }
    friend auto operator<=>(Ipv4Addr, Ipv4Addr) = default;
};

constexpr Ipv4Addr ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
    return Ipv4Addr{(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
}

// A prefix length 0..32 as a host-order mask.
constexpr std::uint32_t prefix_mask(int len) noexcept {
    return len <= 0 ? 0u : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1u);
}
// The prefix length of a contiguous mask, or -1 when the mask has holes.
int mask_prefix_len(std::uint32_t mask) noexcept;

struct Endpoint {
    Ipv4Addr addr;
    std::uint16_t port = 0;
    std::string to_string() const;  // "1.2.3.4:80"
    friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

}  // namespace tapvs::net

// One formatter per address type: the text goes through fmt's string formatter, so "{:>15}" pads it.
template <>
struct fmt::formatter<tapvs::net::Ipv4Addr> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(tapvs::net::Ipv4Addr a, FormatContext& ctx) const {
        const std::uint32_t h = a.host_order;
        char buf[16];
        const auto r = fmt::format_to_n(buf, sizeof buf, "{}.{}.{}.{}", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
        return fmt::formatter<std::string_view>::format(std::string_view(buf, r.size), ctx);
    }
};

template <>
struct fmt::formatter<tapvs::net::MacAddr> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tapvs::net::MacAddr& m, FormatContext& ctx) const {
        const auto& b = m.b;
        char buf[17];
        const auto r = fmt::format_to_n(buf, sizeof buf, "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3],
                                        b[4], b[5]);
        return fmt::formatter<std::string_view>::format(std::string_view(buf, r.size), ctx);
    }
};

template <>
struct fmt::formatter<tapvs::net::Endpoint> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const tapvs::net::Endpoint& e, FormatContext& ctx) const {
        char buf[21];
        const auto r = fmt::format_to_n(buf, sizeof buf, "{}:{}", e.addr, e.port);
        return fmt::formatter<std::string_view>::format(std::string_view(buf, r.size), ctx);
    }
};

template <>
struct std::hash<tapvs::net::Ipv4Addr> {
    std::size_t operator()(tapvs::net::Ipv4Addr a) const noexcept { return std::hash<std::uint32_t>{}(a.host_order); }
};
