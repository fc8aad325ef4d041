// The C library of clib.hpp, step for step as glibc does it.
#include "ctl/parse/clib.hpp"

#include <limits>

namespace tapvs::ctl::clib {

namespace {

// A digit's value in base up to 36 (ISALPHA/TOUPPER in the C locale), else 99.
int digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}
int hex_value(char c) noexcept {
    const int d = digit_value(c);
    return d < 16 ? d : -1;
}
bool is_x(char c) noexcept { return c == 'x' || c == 'X'; }

// stdlib/strtol_l.c ____STRTOL_INTERNAL, up to the sign and the range of the signed form: the
// magnitude (unsigned long arithmetic), whether it overflowed, the sign, and *endptr.
struct Scan {
    std::uint64_t magnitude = 0;
    bool overflow = false;
    bool negative = false;
    std::size_t end = 0;
    std::size_t length = 0;
};

Scan scan(std::string_view whole, int base) noexcept {
    const std::string_view s = c_str(whole);
    Scan r;
    r.length = s.size();
    if (base < 0 || base == 1 || base > 36) return r;  // EINVAL, and *endptr is not set
    std::size_t i = 0;
    while (i < s.size() && isspace(s[i])) ++i;
    if (i == s.size()) return r;  // noconv: *endptr = nptr
    if (s[i] == '-') {
        r.negative = true;
        ++i;
    } else if (s[i] == '+') {
        ++i;
    }
    if (i < s.size() && s[i] == '0') {
        if ((base == 0 || base == 16) && i + 1 < s.size() && is_x(s[i + 1])) {
            i += 2;
            base = 16;
        } else if (base == 0) {
            base = 8;
        }
    } else if (base == 0) {
        base = 10;
    }
    const std::size_t save = i;
    const auto b = static_cast<std::uint64_t>(base);
    const std::uint64_t cutoff = std::numeric_limits<std::uint64_t>::max() / b;
    const auto cutlim = static_cast<int>(std::numeric_limits<std::uint64_t>::max() % b);
    for (; i < s.size(); ++i) {
        const int d = digit_value(s[i]);
        if (d >= base) break;
        if (r.magnitude > cutoff || (r.magnitude == cutoff && d > cutlim)) {
            r.overflow = true;
        } else {
            r.magnitude = r.magnitude * b + static_cast<std::uint64_t>(d);
        }
    }
    if (i == save) {
        // noconv: "0x" with no hex digit after it reads as the '0', *endptr at the 'x'
        r.magnitude = 0;
        r.negative = false;
        r.end = save >= 2 && is_x(s[save - 1]) && s[save - 2] == '0' ? save - 1 : 0;
        return r;
    }
    r.end = i;
    return r;
}

}  // namespace

std::string_view c_str(std::string_view s) noexcept {
    const auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

Number<std::uint64_t> strtoul(std::string_view s, int base) noexcept {
    const Scan r = scan(s, base);
    Number<std::uint64_t> n{0, r.end, r.overflow, r.length};
    if (r.overflow) n.value = std::numeric_limits<std::uint64_t>::max();
    else n.value = r.negative ? 0 - r.magnitude : r.magnitude;  // -i in unsigned long
    return n;
}

Number<std::int64_t> strtol(std::string_view s, int base) noexcept {
    const Scan r = scan(s, base);
    Number<std::int64_t> n{0, r.end, r.overflow, r.length};
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!r.overflow && r.magnitude > (r.negative ? kMax + 1 : kMax)) n.erange = true;
    if (n.erange) {
        n.value = r.negative ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    } else {
        // -i computed in unsigned long and converted back, as glibc does (LONG_MIN included)
        n.value = static_cast<std::int64_t>(r.negative ? 0 - r.magnitude : r.magnitude);
    }
    return n;
}

int atoi(std::string_view s) noexcept {
    // (int) of a long keeps the low 32 bits (two's complement)
    return static_cast<int>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(strtol(s, 10).value)));
}

std::optional<std::uint32_t> inet_aton(std::string_view whole) noexcept {
    // resolv/inet_addr.c inet_aton_end()
    static constexpr std::uint32_t kMax[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    const std::string_view s = c_str(whole);
    std::uint32_t bytes[4] = {0, 0, 0, 0};
    int parts = 0;  // pp - res.bytes
    std::size_t pos = 0;
    std::uint64_t val = 0;
    auto at = [&](std::size_t p) { return p < s.size() ? s[p] : '\0'; };
    char c = at(pos);
    for (;;) {
        if (!isdigit(c)) return std::nullopt;
        const auto n = strtoul(s.substr(pos), 0);
        if (n.erange) return std::nullopt;  // ul == ULONG_MAX && errno == ERANGE
        if (n.value > 0xffffffffu) return std::nullopt;
        val = n.value;
        pos += n.end;
        c = at(pos);
        if (c != '.') break;
        if (parts > 2 || val > 0xff) return std::nullopt;
        bytes[parts++] = static_cast<std::uint32_t>(val);
        c = at(++pos);
    }
    if (c != '\0' && !isspace(c)) return std::nullopt;  // !isascii (c) || !isspace (c)
    if (val > kMax[parts]) return std::nullopt;
    return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) | static_cast<std::uint32_t>(val);
}

std::optional<std::uint32_t> inet_pton4(std::string_view whole) noexcept {
    // resolv/inet_pton.c inet_pton4(), over strlen(src) characters
    const std::string_view s = c_str(whole);
    std::uint32_t tmp[4] = {0, 0, 0, 0};
    int octets = 0;
    int idx = 0;
    bool saw_digit = false;
    for (char ch : s) {
        if (isdigit(ch)) {
            const std::uint32_t nv = tmp[idx] * 10 + static_cast<std::uint32_t>(ch - '0');
            if (saw_digit && tmp[idx] == 0) return std::nullopt;
            if (nv > 255) return std::nullopt;
            tmp[idx] = nv;
            if (!saw_digit) {
                if (++octets > 4) return std::nullopt;
                saw_digit = true;
            }
        } else if (ch == '.' && saw_digit) {
            if (octets == 4) return std::nullopt;
            ++idx;
            saw_digit = false;
        } else {
            return std::nullopt;
        }
    }
    if (octets < 4) return std::nullopt;
    return (tmp[0] << 24) | (tmp[1] << 16) | (tmp[2] << 8) | tmp[3];
}

std::optional<Ipv6Bytes> inet_pton6(std::string_view whole) noexcept {
    // resolv/inet_pton.c inet_pton6(): 16 bytes of groups of up to 4 hex digits, one "::", and
    // an optional dotted quad in the last 32 bits.
    const std::string_view s = c_str(whole);
    constexpr int kSize = 16;
    Ipv6Bytes tmp{};
    int tp = 0;
    int colonp = -1;
    std::size_t i = 0;
    if (s.empty()) return std::nullopt;
    if (s[0] == ':') {
        ++i;
        if (i == s.size() || s[i] != ':') return std::nullopt;
    }
    std::size_t curtok = i;
    int xdigits_seen = 0;
    std::uint32_t val = 0;
    while (i < s.size()) {
        const char ch = s[i++];
        const int digit = hex_value(ch);
        if (digit >= 0) {
            if (xdigits_seen == 4) return std::nullopt;
            val = (val << 4) | static_cast<std::uint32_t>(digit);
            if (val > 0xffff) return std::nullopt;
            ++xdigits_seen;
            continue;
        }
        if (ch == ':') {
            curtok = i;
            if (xdigits_seen == 0) {
                if (colonp >= 0) return std::nullopt;
                colonp = tp;
                continue;
            }
            if (i == s.size()) return std::nullopt;
            if (tp + 2 > kSize) return std::nullopt;
            tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val >> 8);
            tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val & 0xff);
            xdigits_seen = 0;
            val = 0;
            continue;
        }
        if (ch == '.' && tp + 4 <= kSize) {
            if (auto v4 = inet_pton4(s.substr(curtok))) {
                for (int b = 3; b >= 0; --b)
                    tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(*v4 >> (8 * b));
                xdigits_seen = 0;
                break;
            }
        }
        return std::nullopt;
    }
    if (xdigits_seen > 0) {
        if (tp + 2 > kSize) return std::nullopt;
        tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val >> 8);
        tmp[static_cast<std::size_t>(tp++)] = static_cast<std::uint8_t>(val & 0xff);
    }
    if (colonp >= 0) {
        if (tp == kSize) return std::nullopt;
        const int n = tp - colonp;
        for (int k = 1; k <= n; ++k) {
            tmp[static_cast<std::size_t>(kSize - k)] = tmp[static_cast<std::size_t>(colonp + n - k)];
            tmp[static_cast<std::size_t>(colonp + n - k)] = 0;
        }
        tp = kSize;
    }
    if (tp != kSize) return std::nullopt;
    return tmp;
}

}  // namespace tapvs::ctl::clib
