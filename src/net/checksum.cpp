#include "tapvs/net/checksum.hpp"

namespace tapvs::net {

namespace {

constexpr std::size_t kIpv4CheckOffset = 10;
constexpr std::size_t kTcpCheckOffset = 16;
constexpr std::size_t kUdpCheckOffset = 6;
constexpr std::size_t kIcmpCheckOffset = 2;

// The sum of `data` with the 2-byte field at `off` taken as zero (`off` is even, the field lies inside).
Csum sum_skipping_field(ConstBytes data, std::size_t off, Csum sum) noexcept {
    sum = csum_partial(data.first(off), sum);
    return csum_partial(data.subspan(off + 2), sum);
}

}  // namespace

Csum csum_partial(ConstBytes data, Csum sum) noexcept {
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    // 32-bit big-endian words into 64 bits: carries pile up above bit 32 and are folded back at the end
    // (2^32 = 1 mod 0xffff, so word sums and 16-bit sums agree). 32 bytes per round, no overflow before 2^30 rounds.
    std::uint64_t acc = sum;
    while (n >= 32) {
        acc += std::uint64_t{load_be32(p)} + load_be32(p + 4) + load_be32(p + 8) + load_be32(p + 12) +
               load_be32(p + 16) + load_be32(p + 20) + load_be32(p + 24) + load_be32(p + 28);
        p += 32;
        n -= 32;
    }
    while (n >= 4) {
        acc += load_be32(p);
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        acc += load_be16(p);
        p += 2;
        n -= 2;
    }
    if (n == 1) acc += std::uint32_t{p[0]} << 8;  // a trailing odd byte is the high half of a zero-padded word
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return static_cast<Csum>(acc);
}

std::uint16_t ipv4_header_checksum(ConstBytes header) noexcept {
    return csum_fold(sum_skipping_field(header, kIpv4CheckOffset, 0));
}

std::uint16_t tcp_checksum(Ipv4Addr src, Ipv4Addr dst, ConstBytes segment) noexcept {
    const Csum ph = pseudo_header_sum(src, dst, 6, static_cast<std::uint16_t>(segment.size()));
    return csum_fold(sum_skipping_field(segment, kTcpCheckOffset, ph));
}

std::uint16_t udp_checksum(Ipv4Addr src, Ipv4Addr dst, ConstBytes datagram) noexcept {
    const Csum ph = pseudo_header_sum(src, dst, 17, static_cast<std::uint16_t>(datagram.size()));
    const std::uint16_t c = csum_fold(sum_skipping_field(datagram, kUdpCheckOffset, ph));
    return c == 0 ? kCsumMangled0 : c;  // udp4_hwcsum()/udp_set_csum(): 0 means "none" on the wire
}

std::uint16_t icmp_checksum(ConstBytes message) noexcept {
    return csum_fold(sum_skipping_field(message, kIcmpCheckOffset, 0));
}

bool ipv4_header_checksum_ok(ConstBytes header) noexcept { return csum_fold(csum_partial(header)) == 0; }

bool tcp_checksum_ok(Ipv4Addr src, Ipv4Addr dst, ConstBytes segment) noexcept {
    const Csum ph = pseudo_header_sum(src, dst, 6, static_cast<std::uint16_t>(segment.size()));
    return csum_fold(csum_partial(segment, ph)) == 0;
}

bool udp_checksum_ok(Ipv4Addr src, Ipv4Addr dst, ConstBytes datagram) noexcept {
    if (load_be16(datagram.data() + kUdpCheckOffset) == 0) return true;  // udp_csum_check(): no checksum
    const Csum ph = pseudo_header_sum(src, dst, 17, static_cast<std::uint16_t>(datagram.size()));
    return csum_fold(csum_partial(datagram, ph)) == 0;
}

bool icmp_checksum_ok(ConstBytes message) noexcept { return csum_fold(csum_partial(message)) == 0; }

void csum_complete_partial(Bytes l4, std::size_t check_offset) noexcept {
    // net/core/dev.c: skb_checksum_help(): csum_fold(skb_checksum(...)) ?: CSUM_MANGLED_0
    const std::uint16_t c = csum_fold(csum_partial(l4));
    store_be16(l4.data() + check_offset, c == 0 ? kCsumMangled0 : c);
}

}  // namespace tapvs::net
