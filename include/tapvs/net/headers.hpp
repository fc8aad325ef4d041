// Zero-copy, validate-then-view header classes over frame bytes: EthView, ArpView, Ipv4View, TcpView, UdpView,
// IcmpView (and their Const* twins over const bytes).
//
// A view is a span plus explicit big-endian loads and stores (bytes.hpp); no struct casts, no bit-fields, no
// copies, no allocation. Two ways to get one:
//   * `XView::parse(bytes)` validates what the view needs and returns the view or the DropReason;
//   * `XView{bytes}` trusts the caller: bytes that parse() or parse_frame() already validated
//     (ParsedFrame::ipv4(frame) etc. do this).
// Spans: EthView/ArpView start at their header; Ipv4View covers the packet up to total_len (Ethernet padding
// excluded); TcpView and IcmpView cover the whole segment/message; UdpView covers `length` bytes.
// Setters exist only on mutable views. Ipv4View setters keep the header checksum right incrementally (RFC 1624);
// TcpView/UdpView port setters keep the L4 checksum right in the given CsumMode, and their
// `csum_addr_changed()` accounts for a pseudo-header address rewrite done in the IPv4 header.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "tapvs/net/addr.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/checksum.hpp"
#include "tapvs/net/drop_reason.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::net {

// --- wire constants -------------------------------------------------------------------------------------------
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;  // 802.1Q
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;  // 802.1ad (not parsed)
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;

inline constexpr std::size_t kEthHeaderLen = 14;
inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::size_t kArpEthIpv4Len = 28;
inline constexpr std::size_t kIpv4MinHeaderLen = 20;
inline constexpr std::size_t kIpv4MaxHeaderLen = 60;
inline constexpr std::size_t kTcpMinHeaderLen = 20;
inline constexpr std::size_t kUdpHeaderLen = 8;
inline constexpr std::size_t kIcmpHeaderLen = 8;

inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoIpip = 4;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

inline constexpr std::uint16_t kArpHrdEther = 1;
inline constexpr std::uint16_t kArpOpRequest = 1;
inline constexpr std::uint16_t kArpOpReply = 2;

inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpDestUnreach = 3;
inline constexpr std::uint8_t kIcmpSourceQuench = 4;
inline constexpr std::uint8_t kIcmpRedirect = 5;
inline constexpr std::uint8_t kIcmpEcho = 8;
inline constexpr std::uint8_t kIcmpTimeExceeded = 11;
inline constexpr std::uint8_t kIcmpParameterProb = 12;
// Codes of kIcmpDestUnreach / kIcmpTimeExceeded used by a router.
inline constexpr std::uint8_t kIcmpNetUnreach = 0;
inline constexpr std::uint8_t kIcmpHostUnreach = 1;
inline constexpr std::uint8_t kIcmpProtUnreach = 2;
inline constexpr std::uint8_t kIcmpPortUnreach = 3;
inline constexpr std::uint8_t kIcmpFragNeeded = 4;
inline constexpr std::uint8_t kIcmpExcTtl = 0;

// include/linux/icmp.h: icmp_is_err(): the types that quote the offending packet.
constexpr bool icmp_is_error(std::uint8_t type) noexcept {
    return type == kIcmpDestUnreach || type == kIcmpSourceQuench || type == kIcmpRedirect ||
           type == kIcmpTimeExceeded || type == kIcmpParameterProb;
}

namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace tcp_flags

inline MacAddr load_mac(const std::uint8_t* p) noexcept {
    MacAddr m;
    std::copy(p, p + 6, m.b.begin());
    return m;
}
inline void store_mac(std::uint8_t* p, const MacAddr& m) noexcept { std::copy(m.b.begin(), m.b.end(), p); }

// The structural check of IPv4 options that ip_options_compile() makes first: END stops, NOOP is one byte, any
// other option has a length byte in [2, bytes left]. (The per-option semantics, e.g. record-route pointers,
// are not checked.) `options` is header bytes 20..ihl*4.
constexpr bool ipv4_options_well_formed(std::span<const std::uint8_t> options) noexcept {
    std::size_t i = 0;
    while (i < options.size()) {
        const std::uint8_t type = options[i];
        if (type == 0) return true;  // IPOPT_END
        if (type == 1) {             // IPOPT_NOOP
            ++i;
            continue;
        }
        const std::size_t left = options.size() - i;
        if (left < 2) return false;
        const std::size_t len = options[i + 1];
        if (len < 2 || len > left) return false;
        i += len;
    }
    return true;
}

namespace detail {
template <class B>
concept ByteType = std::is_same_v<std::remove_const_t<B>, std::uint8_t>;
}

// --- Ethernet II ------------------------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicEthView {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;

public:
    explicit BasicEthView(std::span<B> b) noexcept : b_(b) {}  // b.size() >= 14
    static Result<BasicEthView, DropReason> parse(std::span<B> b) noexcept {
        if (b.size() < kEthHeaderLen) return Err{DropReason::eth_too_short};
        return BasicEthView{b};
    }

    MacAddr dst() const noexcept { return load_mac(b_.data()); }
    MacAddr src() const noexcept { return load_mac(b_.data() + 6); }
    std::uint16_t ethertype() const noexcept { return load_be16(b_.data() + 12); }  // 0x8100 when tagged
    std::span<B> bytes() const noexcept { return b_; }
    std::span<B> payload() const noexcept { return b_.subspan(kEthHeaderLen); }

    void set_dst(const MacAddr& m) noexcept requires kMutable { store_mac(b_.data(), m); }
    void set_src(const MacAddr& m) noexcept requires kMutable { store_mac(b_.data() + 6, m); }
    void set_ethertype(std::uint16_t t) noexcept requires kMutable { store_be16(b_.data() + 12, t); }
};

// --- ARP (Ethernet / IPv4 only) -----------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicArpView {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;

public:
    explicit BasicArpView(std::span<B> b) noexcept : b_(b) {}  // b.size() >= 28
    // net/ipv4/arp.c: arp_rcv() (length, ar_hln == dev->addr_len, ar_pln == 4) and arp_process() (hardware and
    // protocol type, request or reply only).
    static Result<BasicArpView, DropReason> parse(std::span<B> b) noexcept {
        if (b.size() < 8) return Err{DropReason::arp_malformed};
        if (load_be16(b.data()) != kArpHrdEther || load_be16(b.data() + 2) != kEtherTypeIpv4)
            return Err{DropReason::arp_unsupported};
        if (b[4] != 6 || b[5] != 4) return Err{DropReason::arp_malformed};
        if (b.size() < kArpEthIpv4Len) return Err{DropReason::arp_malformed};
        const std::uint16_t op = load_be16(b.data() + 6);
        if (op != kArpOpRequest && op != kArpOpReply) return Err{DropReason::arp_unsupported};
        return BasicArpView{b.first(kArpEthIpv4Len)};
    }

    std::uint16_t htype() const noexcept { return load_be16(b_.data()); }
    std::uint16_t ptype() const noexcept { return load_be16(b_.data() + 2); }
    std::uint8_t hlen() const noexcept { return b_[4]; }
    std::uint8_t plen() const noexcept { return b_[5]; }
    std::uint16_t op() const noexcept { return load_be16(b_.data() + 6); }
    MacAddr sha() const noexcept { return load_mac(b_.data() + 8); }
    Ipv4Addr spa() const noexcept { return Ipv4Addr{load_be32(b_.data() + 14)}; }
    MacAddr tha() const noexcept { return load_mac(b_.data() + 18); }
    Ipv4Addr tpa() const noexcept { return Ipv4Addr{load_be32(b_.data() + 24)}; }
    std::span<B> bytes() const noexcept { return b_; }

    void set_htype(std::uint16_t v) noexcept requires kMutable { store_be16(b_.data(), v); }
    void set_ptype(std::uint16_t v) noexcept requires kMutable { store_be16(b_.data() + 2, v); }
    void set_hlen(std::uint8_t v) noexcept requires kMutable { b_[4] = v; }
    void set_plen(std::uint8_t v) noexcept requires kMutable { b_[5] = v; }
    void set_op(std::uint16_t v) noexcept requires kMutable { store_be16(b_.data() + 6, v); }
    void set_sha(const MacAddr& m) noexcept requires kMutable { store_mac(b_.data() + 8, m); }
    void set_spa(Ipv4Addr a) noexcept requires kMutable { store_be32(b_.data() + 14, a.host_order); }
    void set_tha(const MacAddr& m) noexcept requires kMutable { store_mac(b_.data() + 18, m); }
    void set_tpa(Ipv4Addr a) noexcept requires kMutable { store_be32(b_.data() + 24, a.host_order); }
};

// --- IPv4 ---------------------------------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicIpv4View {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;

    B* p() const noexcept { return b_.data(); }
    void replace_word(std::size_t off, std::uint16_t v) noexcept requires kMutable {
        const std::uint16_t old = load_be16(p() + off);
        store_be16(p() + off, v);
        csum_replace2(p() + 10, old, v);
    }

public:
    explicit BasicIpv4View(std::span<B> b) noexcept : b_(b) {}  // b.size() >= 20 and >= ihl * 4
    // net/ipv4/ip_input.c: ip_rcv_core() order: length, version/ihl, header present, header checksum, total
    // length; then ip_options_compile() (structure only). The view ends at total_len (padding excluded).
    static Result<BasicIpv4View, DropReason> parse(std::span<B> b) noexcept {
        if (b.size() < kIpv4MinHeaderLen) return Err{DropReason::ipv4_too_short};
        if ((b[0] >> 4) != 4) return Err{DropReason::ipv4_bad_version};
        const std::size_t hl = std::size_t{b[0] & 0x0fu} * 4;
        if (hl < kIpv4MinHeaderLen) return Err{DropReason::ipv4_bad_ihl};
        if (hl > b.size()) return Err{DropReason::ipv4_too_short};
        if (!ipv4_header_checksum_ok(b.first(hl))) return Err{DropReason::ipv4_bad_checksum};
        const std::size_t total = load_be16(b.data() + 2);
        if (total > b.size() || total < hl) return Err{DropReason::ipv4_bad_total_length};
        if (!ipv4_options_well_formed(b.subspan(kIpv4MinHeaderLen, hl - kIpv4MinHeaderLen)))
            return Err{DropReason::ipv4_bad_options};
        return BasicIpv4View{b.first(total)};
    }

    std::uint8_t version() const noexcept { return static_cast<std::uint8_t>(b_[0] >> 4); }
    std::uint8_t ihl() const noexcept { return static_cast<std::uint8_t>(b_[0] & 0x0f); }
    std::size_t header_len() const noexcept { return std::size_t{ihl()} * 4; }
    std::uint8_t tos() const noexcept { return b_[1]; }
    std::uint16_t total_len() const noexcept { return load_be16(p() + 2); }
    std::uint16_t id() const noexcept { return load_be16(p() + 4); }
    std::uint16_t frag_field() const noexcept { return load_be16(p() + 6); }  // flags + offset, as on the wire
    bool df() const noexcept { return (frag_field() & 0x4000) != 0; }
    bool mf() const noexcept { return (frag_field() & 0x2000) != 0; }
    std::uint16_t frag_offset() const noexcept { return frag_field() & 0x1fff; }  // in units of 8 bytes
    std::size_t frag_offset_bytes() const noexcept { return std::size_t{frag_offset()} * 8; }
    bool is_fragment() const noexcept { return (frag_field() & 0x3fff) != 0; }  // ip_is_fragment(): MF or offset
    std::uint8_t ttl() const noexcept { return b_[8]; }
    std::uint8_t protocol() const noexcept { return b_[9]; }
    std::uint16_t checksum() const noexcept { return load_be16(p() + 10); }
    Ipv4Addr src() const noexcept { return Ipv4Addr{load_be32(p() + 12)}; }
    Ipv4Addr dst() const noexcept { return Ipv4Addr{load_be32(p() + 16)}; }
    std::span<B> header() const noexcept { return b_.first(std::min(header_len(), b_.size())); }
    std::span<B> options() const noexcept {
        const std::size_t hl = std::min(header_len(), b_.size());
        return hl > kIpv4MinHeaderLen ? b_.subspan(kIpv4MinHeaderLen, hl - kIpv4MinHeaderLen) : std::span<B>{};
    }
    // Bytes header_len .. min(total_len, span end): the whole payload, or what there is of it in a quoted packet.
    std::span<B> payload() const noexcept {
        const std::size_t hl = header_len();
        const std::size_t end = std::min<std::size_t>(total_len(), b_.size());
        return end > hl ? b_.subspan(hl, end - hl) : std::span<B>{};
    }
    std::span<B> bytes() const noexcept { return b_; }
    bool checksum_ok() const noexcept { return ipv4_header_checksum_ok(header()); }

    void set_src(Ipv4Addr a) noexcept requires kMutable {
        const std::uint32_t old = load_be32(p() + 12);
        store_be32(p() + 12, a.host_order);
        csum_replace4(p() + 10, old, a.host_order);
    }
    void set_dst(Ipv4Addr a) noexcept requires kMutable {
        const std::uint32_t old = load_be32(p() + 16);
        store_be32(p() + 16, a.host_order);
        csum_replace4(p() + 10, old, a.host_order);
    }
    void set_tos(std::uint8_t v) noexcept requires kMutable {
        replace_word(0, static_cast<std::uint16_t>((b_[0] << 8) | v));
    }
    void set_total_len(std::uint16_t v) noexcept requires kMutable { replace_word(2, v); }
    void set_id(std::uint16_t v) noexcept requires kMutable { replace_word(4, v); }
    void set_frag_field(std::uint16_t v) noexcept requires kMutable { replace_word(6, v); }
    void set_df(bool on) noexcept requires kMutable {
        set_frag_field(static_cast<std::uint16_t>(on ? (frag_field() | 0x4000) : (frag_field() & ~0x4000)));
    }
    void set_ttl(std::uint8_t v) noexcept requires kMutable {
        replace_word(8, static_cast<std::uint16_t>((v << 8) | b_[9]));
    }
    void set_protocol(std::uint8_t v) noexcept requires kMutable {
        replace_word(8, static_cast<std::uint16_t>((b_[8] << 8) | v));
    }
    // include/net/ip.h: ip_decrease_ttl(): TTL - 1 with the incremental checksum fix; returns the new TTL.
    std::uint8_t decrease_ttl() noexcept requires kMutable {
        set_ttl(static_cast<std::uint8_t>(ttl() - 1));
        return ttl();
    }
    void set_checksum(std::uint16_t v) noexcept requires kMutable { store_be16(p() + 10, v); }
    // ip_send_check(): the full computation over the header.
    void recompute_checksum() noexcept requires kMutable { set_checksum(ipv4_header_checksum(header())); }
};

// --- TCP ------------------------------------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicTcpView {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;
    B* p() const noexcept { return b_.data(); }

public:
    explicit BasicTcpView(std::span<B> b) noexcept : b_(b) {}  // the whole segment; >= 20 and >= doff * 4
    static Result<BasicTcpView, DropReason> parse(std::span<B> segment) noexcept {
        if (segment.size() < kTcpMinHeaderLen) return Err{DropReason::tcp_too_short};
        const std::size_t hl = std::size_t{segment[12]} / 16 * 4;
        if (hl < kTcpMinHeaderLen || hl > segment.size()) return Err{DropReason::tcp_bad_offset};
        return BasicTcpView{segment};
    }

    std::uint16_t sport() const noexcept { return load_be16(p()); }
    std::uint16_t dport() const noexcept { return load_be16(p() + 2); }
    std::uint32_t seq() const noexcept { return load_be32(p() + 4); }
    std::uint32_t ack_seq() const noexcept { return load_be32(p() + 8); }
    std::uint8_t doff() const noexcept { return static_cast<std::uint8_t>(b_[12] >> 4); }  // in 32-bit words
    std::size_t header_len() const noexcept { return std::size_t{doff()} * 4; }
    std::uint8_t flags() const noexcept { return b_[13]; }
    bool fin() const noexcept { return (flags() & tcp_flags::fin) != 0; }
    bool syn() const noexcept { return (flags() & tcp_flags::syn) != 0; }
    bool rst() const noexcept { return (flags() & tcp_flags::rst) != 0; }
    bool psh() const noexcept { return (flags() & tcp_flags::psh) != 0; }
    bool ack() const noexcept { return (flags() & tcp_flags::ack) != 0; }
    bool urg() const noexcept { return (flags() & tcp_flags::urg) != 0; }
    bool ece() const noexcept { return (flags() & tcp_flags::ece) != 0; }
    bool cwr() const noexcept { return (flags() & tcp_flags::cwr) != 0; }
    std::uint16_t window() const noexcept { return load_be16(p() + 14); }
    std::uint16_t checksum() const noexcept { return load_be16(p() + 16); }
    std::uint16_t urg_ptr() const noexcept { return load_be16(p() + 18); }
    std::span<B> options() const noexcept {
        const std::size_t hl = std::min(header_len(), b_.size());
        return hl > kTcpMinHeaderLen ? b_.subspan(kTcpMinHeaderLen, hl - kTcpMinHeaderLen) : std::span<B>{};
    }
    std::span<B> payload() const noexcept { return b_.subspan(std::min(header_len(), b_.size())); }
    std::span<B> bytes() const noexcept { return b_; }
    bool checksum_ok(Ipv4Addr src, Ipv4Addr dst) const noexcept { return tcp_checksum_ok(src, dst, b_); }

    void set_sport(std::uint16_t v, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        tcp_csum_port_changed(p() + 16, sport(), v, mode);
        store_be16(p(), v);
    }
    void set_dport(std::uint16_t v, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        tcp_csum_port_changed(p() + 16, dport(), v, mode);
        store_be16(p() + 2, v);
    }
    // The IPv4 saddr or daddr of this segment was rewritten from `from` to `to`.
    void csum_addr_changed(Ipv4Addr from, Ipv4Addr to, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        tcp_csum_addr_changed(p() + 16, from, to, mode);
    }
    void set_checksum(std::uint16_t v) noexcept requires kMutable { store_be16(p() + 16, v); }
    void recompute_checksum(Ipv4Addr src, Ipv4Addr dst) noexcept requires kMutable {
        set_checksum(tcp_checksum(src, dst, b_));
    }
};

// --- UDP ------------------------------------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicUdpView {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;
    B* p() const noexcept { return b_.data(); }

public:
    explicit BasicUdpView(std::span<B> b) noexcept : b_(b) {}  // `length` bytes, >= 8
    // net/ipv4/udp.c: __udp4_lib_rcv(): ulen > skb->len or ulen < 8 is a short packet. A datagram shorter than
    // the IP payload is trimmed to ulen, so the view ends at `length`.
    static Result<BasicUdpView, DropReason> parse(std::span<B> ip_payload) noexcept {
        if (ip_payload.size() < kUdpHeaderLen) return Err{DropReason::udp_too_short};
        const std::size_t len = load_be16(ip_payload.data() + 4);
        if (len < kUdpHeaderLen || len > ip_payload.size()) return Err{DropReason::udp_bad_length};
        return BasicUdpView{ip_payload.first(len)};
    }

    std::uint16_t sport() const noexcept { return load_be16(p()); }
    std::uint16_t dport() const noexcept { return load_be16(p() + 2); }
    std::uint16_t length() const noexcept { return load_be16(p() + 4); }
    std::uint16_t checksum() const noexcept { return load_be16(p() + 6); }
    std::span<B> payload() const noexcept { return b_.subspan(kUdpHeaderLen); }
    std::span<B> bytes() const noexcept { return b_; }
    bool checksum_ok(Ipv4Addr src, Ipv4Addr dst) const noexcept { return udp_checksum_ok(src, dst, b_); }

    // A 0 checksum (none) stays 0; a result of 0 is stored as 0xffff.
    void set_sport(std::uint16_t v, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        udp_csum_port_changed(p() + 6, sport(), v, mode);
        store_be16(p(), v);
    }
    void set_dport(std::uint16_t v, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        udp_csum_port_changed(p() + 6, dport(), v, mode);
        store_be16(p() + 2, v);
    }
    void csum_addr_changed(Ipv4Addr from, Ipv4Addr to, CsumMode mode = CsumMode::full) noexcept requires kMutable {
        udp_csum_addr_changed(p() + 6, from, to, mode);
    }
    void set_checksum(std::uint16_t v) noexcept requires kMutable { store_be16(p() + 6, v); }
    // The full computation (udp_dnat_handler()'s fallback, also used when the field was 0).
    void recompute_checksum(Ipv4Addr src, Ipv4Addr dst) noexcept requires kMutable {
        set_checksum(udp_checksum(src, dst, b_));
    }
};

// --- ICMP -----------------------------------------------------------------------------------------------------------
template <detail::ByteType B>
class BasicIcmpView {
public:
    static constexpr bool kMutable = !std::is_const_v<B>;

private:
    std::span<B> b_;
    B* p() const noexcept { return b_.data(); }
    void replace_word(std::size_t off, std::uint16_t v) noexcept requires kMutable {
        const std::uint16_t old = load_be16(p() + off);
        store_be16(p() + off, v);
        csum_replace2(p() + 2, old, v);
    }

public:
    explicit BasicIcmpView(std::span<B> b) noexcept : b_(b) {}  // the whole message, >= 8
    static Result<BasicIcmpView, DropReason> parse(std::span<B> message) noexcept {
        if (message.size() < kIcmpHeaderLen) return Err{DropReason::icmp_too_short};
        return BasicIcmpView{message};
    }

    std::uint8_t type() const noexcept { return b_[0]; }
    std::uint8_t code() const noexcept { return b_[1]; }
    std::uint16_t checksum() const noexcept { return load_be16(p() + 2); }
    std::uint32_t rest_of_header() const noexcept { return load_be32(p() + 4); }
    std::uint16_t echo_id() const noexcept { return load_be16(p() + 4); }        // echo request / reply
    std::uint16_t echo_sequence() const noexcept { return load_be16(p() + 6); }  // echo request / reply
    std::uint16_t next_hop_mtu() const noexcept { return load_be16(p() + 6); }   // dest unreach, frag needed
    bool is_error() const noexcept { return icmp_is_error(type()); }
    std::span<B> payload() const noexcept { return b_.subspan(kIcmpHeaderLen); }
    // The quoted packet (IPv4 header + leading bytes) of an error message; empty for other types.
    std::span<B> embedded() const noexcept { return is_error() ? payload() : std::span<B>{}; }
    std::span<B> bytes() const noexcept { return b_; }
    bool checksum_ok() const noexcept { return icmp_checksum_ok(b_); }

    void set_type(std::uint8_t v) noexcept requires kMutable {
        replace_word(0, static_cast<std::uint16_t>((v << 8) | b_[1]));
    }
    void set_code(std::uint8_t v) noexcept requires kMutable {
        replace_word(0, static_cast<std::uint16_t>((b_[0] << 8) | v));
    }
    void set_echo_id(std::uint16_t v) noexcept requires kMutable { replace_word(4, v); }
    void set_echo_sequence(std::uint16_t v) noexcept requires kMutable { replace_word(6, v); }
    void set_next_hop_mtu(std::uint16_t v) noexcept requires kMutable { replace_word(6, v); }
    void set_rest_of_header(std::uint32_t v) noexcept requires kMutable {
        replace_word(4, static_cast<std::uint16_t>(v >> 16));
        replace_word(6, static_cast<std::uint16_t>(v));
    }
    void set_checksum(std::uint16_t v) noexcept requires kMutable { store_be16(p() + 2, v); }
    // ip_vs_nat_icmp(): after rewriting the quoted packet the ICMP checksum is computed in full.
    void recompute_checksum() noexcept requires kMutable { set_checksum(icmp_checksum(b_)); }
};

using EthView = BasicEthView<std::uint8_t>;
using ConstEthView = BasicEthView<const std::uint8_t>;
using ArpView = BasicArpView<std::uint8_t>;
using ConstArpView = BasicArpView<const std::uint8_t>;
using Ipv4View = BasicIpv4View<std::uint8_t>;
using ConstIpv4View = BasicIpv4View<const std::uint8_t>;
using TcpView = BasicTcpView<std::uint8_t>;
using ConstTcpView = BasicTcpView<const std::uint8_t>;
using UdpView = BasicUdpView<std::uint8_t>;
using ConstUdpView = BasicUdpView<const std::uint8_t>;
using IcmpView = BasicIcmpView<std::uint8_t>;
using ConstIcmpView = BasicIcmpView<const std::uint8_t>;

}  // namespace tapvs::net
