// The C-library-shaped helpers of host_parse.hpp.
#include "host_parse.hpp"

#include <array>
#include <cctype>
#include <limits>

namespace tapvs::ctl::detail {

Err<Reply> fail(int status, std::string err) {
    if (err.empty() || err.back() != '\n') err += '\n';
    return Err{Reply{status, "", std::move(err)}};
}

namespace {

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

// The longest number strtoul() would read at the start of `s` (no sign handling). Returns the
// characters used (0 = no digits) and the value; `overflow` when it does not fit 64 bits.
std::size_t scan_number(std::string_view s, int base, std::uint64_t& value, bool& overflow) {
    std::size_t i = 0;
    value = 0;
    overflow = false;
    if (base == 0) {
        if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.size() > 2 && digit_value(s[2]) < 16) {
            base = 16;
            i = 2;
        } else if (!s.empty() && s[0] == '0') {
            base = 8;
        } else {
            base = 10;
        }
    } else if (base == 16 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
        i = 2;
    }
    const std::size_t start = i;
    for (; i < s.size(); ++i) {
        const int d = digit_value(s[i]);
        if (d >= base) break;
        const auto b = static_cast<std::uint64_t>(base);
        if (value > (std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(d)) / b) overflow = true;
        value = value * b + static_cast<std::uint64_t>(d);
    }
    return i == start ? 0 : i;
}

}  // namespace

std::optional<std::uint64_t> c_strtoul(std::string_view s, int base) {
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    std::uint64_t v = 0;
    bool overflow = false;
    const std::size_t n = scan_number(s, base, v, overflow);
    if (n == 0 || n != s.size() || overflow) return std::nullopt;
    return v;
}

std::optional<std::int64_t> c_strtol(std::string_view s, int base) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    std::uint64_t v = 0;
    bool overflow = false;
    const std::size_t n = scan_number(s, base, v, overflow);
    if (n == 0 || n != s.size() || overflow) return std::nullopt;
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    const auto sv = static_cast<std::int64_t>(v);
    return neg ? -sv : sv;
}

int c_atoi(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    long long v = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        v = v * 10 + (s[i] - '0');
        if (v > std::numeric_limits<int>::max()) v = std::numeric_limits<int>::max();  // undefined in C; clamp
    }
    return static_cast<int>(neg ? -v : v);
}

std::optional<net::Ipv4Addr> inet_aton(std::string_view s) {
    // glibc resolv/inet_addr.c: parts separated by '.', each strtoul base 0; the last part fills
    // the remaining bytes.
    std::array<std::uint64_t, 4> parts{};
    std::size_t n = 0;
    std::size_t i = 0;
    for (;;) {
        if (n == 4) return std::nullopt;
        std::uint64_t v = 0;
        bool overflow = false;
        const std::size_t used = scan_number(s.substr(i), 0, v, overflow);
        if (used == 0 || overflow) return std::nullopt;
        // glibc rejects 8 and 9 in an octal part instead of stopping before them
        if (i + used < s.size() && s[i] == '0' && (s[i + used] == '8' || s[i + used] == '9')) return std::nullopt;
        parts[n++] = v;
        i += used;
        if (i == s.size()) break;
        if (s[i] != '.') return std::nullopt;
        ++i;
    }
    std::uint64_t value = 0;
    switch (n) {
        case 1:
            if (parts[0] > 0xffffffffu) return std::nullopt;
            value = parts[0];
            break;
        case 2:
            if (parts[0] > 0xff || parts[1] > 0xffffff) return std::nullopt;
            value = parts[0] << 24 | parts[1];
            break;
        case 3:
            if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff) return std::nullopt;
            value = parts[0] << 24 | parts[1] << 16 | parts[2];
            break;
        default:
            for (std::size_t k = 0; k < 4; ++k)
                if (parts[k] > 0xff) return std::nullopt;
            value = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
            break;
    }
    return net::Ipv4Addr{static_cast<std::uint32_t>(value)};
}

std::optional<net::Ipv4Addr> iproute_ipv4(std::string_view s) {
    std::uint32_t value = 0;
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        std::uint64_t v = 0;
        bool overflow = false;
        const std::size_t used = scan_number(s.substr(i), 0, v, overflow);
        if (used == 0 || overflow || v > 255) return std::nullopt;
        value |= static_cast<std::uint32_t>(v) << (24 - 8 * part);
        i += used;
        if (i == s.size()) return net::Ipv4Addr{value};
        if (part == 3 || s[i] != '.') return std::nullopt;
        ++i;
    }
    return std::nullopt;
}

int mask_len(net::Ipv4Addr mask) { return net::mask_prefix_len(mask.host_order); }

bool matches(std::string_view word, std::string_view full) {
    return !word.empty() && word.size() <= full.size() && full.substr(0, word.size()) == word;
}

bool valid_ifname(std::string_view name) {
    if (name.empty() || name.size() >= 16) return false;
    for (char c : name)
        if (c == '/' || std::isspace(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace tapvs::ctl::detail
