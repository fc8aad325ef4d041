// An independent, deliberately naive Internet checksum (RFC 1071) for tests: one byte pair at a time, folded
// as it goes, on copies of the data. It shares no code with src/net/checksum.cpp (nor bytes.hpp), so it can
// judge it. Test-only; allocates freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tapvs::test::oracle {

// ~(one's complement sum of the big-endian 16-bit words), an odd last byte padded with a zero byte.
inline std::uint16_t checksum(std::span<const std::uint8_t> data) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < data.size(); i += 2) {
        std::uint32_t word = static_cast<std::uint32_t>(data[i]) << 8;
        if (i + 1 < data.size()) word |= data[i + 1];
        sum += word;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// True when a buffer that contains its checksum field verifies (its checksum over everything is 0).
inline bool verifies(std::span<const std::uint8_t> data) { return checksum(data) == 0; }

inline std::vector<std::uint8_t> with_zeroed_field(std::span<const std::uint8_t> data, std::size_t field) {
    std::vector<std::uint8_t> copy(data.begin(), data.end());
    copy.at(field) = 0;
    copy.at(field + 1) = 0;
    return copy;
}

// The value the IPv4 header checksum field should hold (`header` = ihl * 4 bytes).
inline std::uint16_t ipv4_header(std::span<const std::uint8_t> header) {
    return checksum(with_zeroed_field(header, 10));
}

// The 12-byte IPv4 pseudo header followed by the segment with its checksum field zeroed.
inline std::vector<std::uint8_t> with_pseudo_header(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                                                    std::span<const std::uint8_t> segment, std::size_t field) {
    std::vector<std::uint8_t> v;
    for (std::uint32_t a : {src, dst})
        for (int shift = 24; shift >= 0; shift -= 8) v.push_back(static_cast<std::uint8_t>(a >> shift));
    v.push_back(0);
    v.push_back(proto);
    v.push_back(static_cast<std::uint8_t>(segment.size() >> 8));
    v.push_back(static_cast<std::uint8_t>(segment.size()));
    const auto body = with_zeroed_field(segment, field);
    v.insert(v.end(), body.begin(), body.end());
    return v;
}

// src/dst are host-order addresses (Ipv4Addr::host_order).
inline std::uint16_t tcp(std::uint32_t src, std::uint32_t dst, std::span<const std::uint8_t> segment) {
    return checksum(with_pseudo_header(src, dst, 6, segment, 16));
}
// UDP transmits a computed 0 as 0xffff (0 means "no checksum").
inline std::uint16_t udp(std::uint32_t src, std::uint32_t dst, std::span<const std::uint8_t> datagram) {
    const std::uint16_t c = checksum(with_pseudo_header(src, dst, 17, datagram, 6));
    return c == 0 ? 0xffff : c;
}
inline std::uint16_t icmp(std::span<const std::uint8_t> message) { return checksum(with_zeroed_field(message, 2)); }

// CHECKSUM_PARTIAL: the uncomplemented sum of the pseudo header alone, as a TAP with offloads delivers it.
inline std::uint16_t pseudo_partial(std::uint32_t src, std::uint32_t dst, std::uint8_t proto, std::size_t len) {
    const std::uint8_t none[2] = {0, 0};
    auto v = with_pseudo_header(src, dst, proto, none, 0);
    v.resize(12);
    v[10] = static_cast<std::uint8_t>(len >> 8);
    v[11] = static_cast<std::uint8_t>(len);
    return static_cast<std::uint16_t>(~checksum(v));
}

}  // namespace tapvs::test::oracle
