// Private to src/ctl/parse: the C library as the real tools call it, once. glibc 2.36 (Debian 12)
// on an LP64 machine: strtoul()/strtol() (stdlib/strtol_l.c), atoi(), inet_aton()
// (resolv/inet_addr.c inet_aton_end()), inet_pton() (resolv/inet_pton.c), and isspace()/isdigit()
// in the C locale. Each tool's own checks on top (iproute2's get_unsigned(), ipvsadm's
// string_to_number(), libxtables' xtables_strtoul(), ...) live with that tool's parser.
//
// A word is a std::string_view; the C function sees a NUL-terminated string, so every function
// here reads the word only up to its first NUL (c_str()).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tapvs::ctl::clib {

// The C string a word stands for: everything before its first NUL.
std::string_view c_str(std::string_view s) noexcept;

// isspace() and isdigit() in the C locale.
constexpr bool isspace(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
constexpr bool isdigit(char c) noexcept { return c >= '0' && c <= '9'; }

// What strtoul(s, &end, base) / strtol(s, &end, base) give: the value, where *end points (as an
// offset from s) and whether errno became ERANGE.
template <typename T>
struct Number {
    T value = 0;
    std::size_t end = 0;     // *endptr - nptr; 0 when nothing was converted
    bool erange = false;     // errno == ERANGE: the value is ULONG_MAX, LONG_MAX or LONG_MIN
    std::size_t length = 0;  // strlen(nptr)

    bool converted() const noexcept { return end != 0; }    // *endptr != nptr
    bool at_nul() const noexcept { return end == length; }  // **endptr == '\0'
    // The idiom the tools share: digits, nothing after them, no ERANGE.
    bool whole() const noexcept { return converted() && at_nul() && !erange; }
};

// glibc strtoul(): leading isspace() skipped, an optional '+' or '-' ('-' negates in unsigned
// arithmetic: "-1" is ULONG_MAX without ERANGE), base 0 ("0x" hex, "0" octal, else decimal), 16
// (an optional "0x") or 2..36. A "0x" without a hex digit after it reads as the 0, *end at the
// 'x'. Overflow: ULONG_MAX and ERANGE, *end after all the digits. Another base: 0, nothing read.
Number<std::uint64_t> strtoul(std::string_view s, int base) noexcept;
// glibc strtol(): the same syntax; overflow gives LONG_MAX or LONG_MIN and ERANGE.
Number<std::int64_t> strtol(std::string_view s, int base) noexcept;
// glibc atoi(): (int) strtol(s, NULL, 10), i.e. the low 32 bits of strtol's answer.
int atoi(std::string_view s) noexcept;

// glibc inet_aton(): the host-order address, or nothing where inet_aton() returns 0. a, a.b
// (b 24 bits), a.b.c (c 16 bits) or a.b.c.d; each part strtoul(base 0) and must start with a
// digit; after the last part a NUL or any isspace() character ends the address ("1.2.3.4 junk" is
// 1.2.3.4).
std::optional<std::uint32_t> inet_aton(std::string_view s) noexcept;
// glibc inet_pton(AF_INET): exactly four decimal parts 0..255, no leading zeros, nothing else.
std::optional<std::uint32_t> inet_pton4(std::string_view s) noexcept;
// glibc inet_pton(AF_INET6): the 16 bytes, or nothing when the text is no IPv6 address.
using Ipv6Bytes = std::array<std::uint8_t, 16>;
std::optional<Ipv6Bytes> inet_pton6(std::string_view s) noexcept;

}  // namespace tapvs::ctl::clib
