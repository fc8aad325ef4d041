// Internet checksums: the RFC 1071 sum, IPv4 header / TCP / UDP / ICMP checksums, and the RFC 1624
// incremental updates the NAT rewrites need (also in the CHECKSUM_PARTIAL form a TAP with offloads delivers).
//
// Conventions. A Csum is a 32-bit one's complement partial sum (the kernel's __wsum) of the bytes read as
// big-endian 16-bit words, so a folded 16-bit result is a host-order value that is written with store_be16().
// A checksum FIELD normally holds csum_fold(sum) = ~(folded sum) ("full" form). Under CHECKSUM_PARTIAL
// (virtio VIRTIO_NET_HDR_F_NEEDS_CSUM) the TCP/UDP field instead holds the folded, uncomplemented
// pseudo-header sum, and whoever transmits completes it over the segment ("partial" form, CsumMode::partial).
//
// The arithmetic follows the kernel's so that an incremental update yields the very same 16 bits a full
// recomputation yields (a zero sum always folds to 0x0000, never 0xffff), and UDP keeps its special zero.
// No allocation; all functions are noexcept.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tapvs/net/addr.hpp"
#include "tapvs/net/bytes.hpp"

namespace tapvs::net {

using Csum = std::uint32_t;

inline constexpr std::uint16_t kCsumMangled0 = 0xffff;  // CSUM_MANGLED_0: a UDP checksum computed as 0 is sent so

// One's complement add with end-around carry (include/net/checksum.h: csum_add(), csum_sub()).
constexpr Csum csum_add(Csum a, Csum b) noexcept {
    const Csum r = a + b;
    return r + (r < b ? 1u : 0u);
}
constexpr Csum csum_sub(Csum a, Csum b) noexcept { return csum_add(a, ~b); }
// Fold to 16 bits, no complement (what a CHECKSUM_PARTIAL field holds: ~csum_fold()).
constexpr std::uint16_t csum_fold16(Csum s) noexcept {
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}
// Fold and complement: the value a checksum field holds (kernel csum_fold()).
constexpr std::uint16_t csum_fold(Csum s) noexcept { return static_cast<std::uint16_t>(~csum_fold16(s)); }

// RFC 1071 sum of `data` added to `sum`, 32 bits at a time into a 64-bit accumulator. As with the kernel's
// csum_partial(), every chunk but the last must have an even length when sums are chained.
Csum csum_partial(ConstBytes data, Csum sum = 0) noexcept;

// The checksum of a whole buffer (ICMP style: no pseudo header): csum_fold(csum_partial(data)).
inline std::uint16_t internet_checksum(ConstBytes data) noexcept { return csum_fold(csum_partial(data)); }

// The pseudo-header sum of TCP/UDP over IPv4 (csum_tcpudp_nofold()): saddr, daddr, protocol, L4 length.
constexpr Csum pseudo_header_sum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t protocol, std::uint16_t l4_len) noexcept {
    return (src.host_order >> 16) + (src.host_order & 0xffffu) + (dst.host_order >> 16) + (dst.host_order & 0xffffu) +
           protocol + l4_len;
}

// --- full computations: the value the field should hold; the field's current bytes are ignored -----------------
// `header` is the IPv4 header (ihl * 4 bytes, options included).
std::uint16_t ipv4_header_checksum(ConstBytes header) noexcept;
// `segment` is the whole TCP segment / UDP datagram (UDP: `length` bytes) / ICMP message, at least as long as its
// fixed header (20 / 8 / 8 bytes): callers pass spans that parse_frame() or the views validated.
std::uint16_t tcp_checksum(Ipv4Addr src, Ipv4Addr dst, ConstBytes segment) noexcept;
std::uint16_t udp_checksum(Ipv4Addr src, Ipv4Addr dst, ConstBytes datagram) noexcept;  // a computed 0 -> 0xffff
std::uint16_t icmp_checksum(ConstBytes message) noexcept;

// --- verification --------------------------------------------------------------------------------------------
bool ipv4_header_checksum_ok(ConstBytes header) noexcept;  // ip_fast_csum() == 0
bool tcp_checksum_ok(Ipv4Addr src, Ipv4Addr dst, ConstBytes segment) noexcept;
bool udp_checksum_ok(Ipv4Addr src, Ipv4Addr dst, ConstBytes datagram) noexcept;  // field 0 = no checksum = ok
bool icmp_checksum_ok(ConstBytes message) noexcept;

// --- CHECKSUM_PARTIAL ----------------------------------------------------------------------------------------
// What a partial TCP/UDP field holds: ~tcp_v4_check(len, saddr, daddr, 0) = the folded pseudo-header sum.
constexpr std::uint16_t pseudo_header_partial(Ipv4Addr src, Ipv4Addr dst, std::uint8_t protocol,
                                              std::uint16_t l4_len) noexcept {
    return csum_fold16(pseudo_header_sum(src, dst, protocol, l4_len));
}
// Completes a partial checksum as a NIC (or skb_checksum_help()) does: sum the L4 bytes from the start of
// the L4 header (the field holding the pseudo-header sum) and store csum_fold(sum), 0 becoming 0xffff.
void csum_complete_partial(Bytes l4, std::size_t check_offset) noexcept;

// --- RFC 1624 incremental updates (eqn. 3: HC' = ~(~HC + ~m + m')) ----------------------------------------------
// `field` points at the 2-byte big-endian checksum; old/new are the host-order values of the changed word(s).
// include/net/checksum.h: csum_replace2() (16-bit arithmetic) and csum_replace4().
inline void csum_replace2(std::uint8_t* field, std::uint16_t old16, std::uint16_t new16) noexcept {
    auto add16 = [](std::uint16_t a, std::uint16_t b) {
        const auto r = static_cast<std::uint16_t>(a + b);
        return static_cast<std::uint16_t>(r + (r < b ? 1 : 0));
    };
    const auto sum = static_cast<std::uint16_t>(~load_be16(field));
    const auto tmp = add16(sum, static_cast<std::uint16_t>(~old16));
    store_be16(field, static_cast<std::uint16_t>(~add16(tmp, new16)));
}
inline void csum_replace4(std::uint8_t* field, std::uint32_t old32, std::uint32_t new32) noexcept {
    const Csum tmp = csum_sub(~Csum{load_be16(field)}, old32);
    store_be16(field, csum_fold(csum_add(tmp, new32)));
}
// The CHECKSUM_PARTIAL form: the field holds an uncomplemented sum, so the update goes the other way
// (net/core/utils.c: inet_proto_csum_replace4(..., pseudohdr=true) under CHECKSUM_PARTIAL:
// *sum = ~csum_fold(csum_add(csum_sub(csum_unfold(*sum), from), to))).
inline void csum_replace4_partial(std::uint8_t* field, std::uint32_t old32, std::uint32_t new32) noexcept {
    store_be16(field, csum_fold16(csum_add(csum_sub(Csum{load_be16(field)}, old32), new32)));
}
inline void csum_replace2_partial(std::uint8_t* field, std::uint16_t old16, std::uint16_t new16) noexcept {
    csum_replace4_partial(field, old16, new16);  // inet_proto_csum_replace2(): the same, zero-extended
}

// --- the L4 rewrites NAT needs (ip_vs_proto_tcp.c / ip_vs_proto_udp.c: *_fast_csum_update(),
// *_partial_csum_update()). `check` points at the L4 checksum field. -----------------------------------------------
enum class CsumMode : std::uint8_t {
    full,     // the field holds the final checksum
    partial,  // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; only pseudo-header changes matter
};

// An address of the pseudo header changed (NAT of saddr or daddr).
inline void tcp_csum_addr_changed(std::uint8_t* check, Ipv4Addr from, Ipv4Addr to, CsumMode mode) noexcept {
    if (mode == CsumMode::partial)
        csum_replace4_partial(check, from.host_order, to.host_order);
    else
        csum_replace4(check, from.host_order, to.host_order);
}
// A port changed. Partial: nothing to do (ports are not in the pseudo header; the NIC sums the header).
inline void tcp_csum_port_changed(std::uint8_t* check, std::uint16_t from, std::uint16_t to, CsumMode mode) noexcept {
    if (mode == CsumMode::full) csum_replace4(check, from, to);
}
// UDP: a 0 field means "no checksum" and stays 0; an update that yields 0 stores 0xffff (CSUM_MANGLED_0).
// (The kernel's NAT, udp_dnat_handler()/udp_snat_handler(), does a FULL computation with udp_checksum() when
// the field is 0; these incremental helpers cannot, having no payload.)
inline void udp_csum_addr_changed(std::uint8_t* check, Ipv4Addr from, Ipv4Addr to, CsumMode mode) noexcept {
    if (mode == CsumMode::partial) {
        csum_replace4_partial(check, from.host_order, to.host_order);
        return;
    }
    if (load_be16(check) == 0) return;
    csum_replace4(check, from.host_order, to.host_order);
    if (load_be16(check) == 0) store_be16(check, kCsumMangled0);
}
inline void udp_csum_port_changed(std::uint8_t* check, std::uint16_t from, std::uint16_t to, CsumMode mode) noexcept {
    if (mode == CsumMode::partial || load_be16(check) == 0) return;
    csum_replace4(check, from, to);
    if (load_be16(check) == 0) store_be16(check, kCsumMangled0);
}

}  // namespace tapvs::net
