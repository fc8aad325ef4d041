// ipvsadm.c's own conversions over the C library (clib.hpp), so that tapvs accepts and refuses
// exactly the strings ipvsadm does: string_to_number(), parse_fwmark()'s strtol, parse_service()
// and parse_netmask().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ctl/parse/clib.hpp"
#include "tapvs/ctl/ipvsadm.hpp"

namespace tapvs::ctl::ipvsadm_detail {

// strtol(s, &end, 10) as ipvsadm's string_to_number() and parse_fwmark() check it: the value when
// the whole word is one number (leading blanks and a sign allowed), nothing when there is no digit,
// trailing text or ERANGE.
std::optional<long> strtol_whole(std::string_view s) noexcept;

// ipvsadm.c string_to_number(): the number when min <= n <= max, else -1.
int string_to_number(std::string_view s, int min, int max) noexcept;

// AF_INET / AF_INET6 as ipvsadm stores them in ipvs_service_t.af (0 = not set yet).
inline constexpr int kAfUnset = 0;
inline constexpr int kAfInet = 2;
inline constexpr int kAfInet6 = 10;

// IPPROTO_* as ipvsadm stores them in ipvs_service_t.protocol.
inline constexpr std::uint16_t kIpprotoTcp = 6;
inline constexpr std::uint16_t kIpprotoUdp = 17;
inline constexpr std::uint16_t kIpprotoSctp = 132;

// The part of ipvs_service_t that parse_service() reads and writes.
struct ServiceAddr {
    int af = kAfUnset;
    std::uint16_t protocol = 0;
    std::uint32_t addr = 0;  // host order, IPv4
    clib::Ipv6Bytes addr6{};       // IPv6 (tapvs refuses them later, but ipvsadm's checks look at them)
    std::uint16_t port = 0;
    std::uint32_t netmask = 0xffffffff;
};

// ipvsadm.c parse_service() result bits.
inline constexpr int kServiceNone = 0x0;
inline constexpr int kServiceAddr = 0x1;
inline constexpr int kServicePort = 0x2;

// ipvsadm.c parse_service(): "host[:port]" or "[ipv6]:port" into `svc`; host and service names go
// through `resolver` (gethostbyname / getservbyname), which may be null.
int parse_service(std::string_view buf, ServiceAddr& svc, const NameResolver* resolver);

// ipvsadm.c parse_netmask(): inet_aton or a host name; the host-order mask, or nothing.
std::optional<std::uint32_t> parse_netmask(std::string_view buf, const NameResolver* resolver);

}  // namespace tapvs::ctl::ipvsadm_detail
