// parse_frame(): one pass over an Ethernet frame that validates what the host's receive path would
// (net/ipv4/ip_input.c ip_rcv_core(), arp.c arp_rcv(), tcp_v4_rcv()/__udp4_lib_rcv()/icmp_rcv() header checks)
// and records where every layer is. It returns offsets, never pointers, so a ParsedFrame stays valid while the
// frame buffer is moved; the view helpers turn offsets into headers.hpp views over the frame bytes.
//
//   auto pf = parse_frame(frame);
//   if (!pf) { ++drops[index_of(pf.error())]; return; }
//   if (pf->is_ipv4() && pf->protocol == kIpProtoTcp && pf->l4_parsed) pf->tcp(frame).set_dport(8080);
//
// What it accepts: Ethernet II; ONE 802.1Q tag skipped (TCI recorded); ARP for Ethernet/IPv4 request/reply;
// IPv4 with options (structurally checked) and header checksum verified, trailing Ethernet padding excluded.
// Fragments (MF or offset) are flagged and their L4 is not parsed: the caller decides. TCP, UDP, ICMP headers
// are validated (lengths, not checksums: see l4_checksum_ok()). ICMP errors (types 3, 4, 5, 11, 12): the
// quoted IPv4 header is validated and recorded (icmp_inner; when it is itself IP-in-IP, its quoted inner header
// is recorded best-effort in icmp_inner_ipip). IP-in-IP (protocol 4): the inner packet is validated like an outer
// one (header, checksum, lengths, L4 header) and recorded in ipip_inner.
// No allocation, no exceptions.
#pragma once

#include <cassert>
#include <cstdint>

#include "tapvs/net/addr.hpp"
#include "tapvs/net/bytes.hpp"
#include "tapvs/net/drop_reason.hpp"
#include "tapvs/net/headers.hpp"
#include "tapvs/util/result.hpp"

namespace tapvs::net {

// Where one IPv4 packet (and its L4 header) lies in the frame. Offsets are from the start of the frame.
struct Ipv4Layer {
    bool present = false;        // an IPv4 packet was found here
    bool quoted = false;         // an ICMP quote: may be truncated; only ports and raw bytes are usable
    std::uint8_t protocol = 0;   // IP protocol number (kIpProtoTcp, ...)
    bool is_fragment = false;    // MF set or offset != 0 (L4 not parsed, except the first fragment of a quote)
    bool more_fragments = false; // MF
    std::uint16_t frag_offset = 0;  // in 8-byte units
    bool l4_parsed = false;      // the L4 header was found and validated (a quote: its first 8 bytes are present)
    std::uint32_t l3_off = 0;    // IPv4 header
    std::uint32_t l3_hdr_len = 0;  // ihl * 4
    std::uint32_t l3_len = 0;    // total_len (a quote: the bytes present, at most total_len)
    std::uint32_t l4_off = 0;    // l3_off + l3_hdr_len
    std::uint32_t l4_len = 0;    // bytes after the IP header; UDP: the UDP length (the kernel trims to it)
    Ipv4Addr src;
    Ipv4Addr dst;
    std::uint16_t sport = 0;     // TCP/UDP ports when l4_parsed, else 0
    std::uint16_t dport = 0;

    bool is_tcp() const noexcept { return present && protocol == kIpProtoTcp && l4_parsed; }
    bool is_udp() const noexcept { return present && protocol == kIpProtoUdp && l4_parsed; }
    bool is_icmp() const noexcept { return present && protocol == kIpProtoIcmp && l4_parsed; }

    // Views. ipv4()/l4() need `present`; tcp()/udp()/icmp() need the matching is_*() and !quoted.
    Ipv4View ipv4(Bytes frame) const noexcept { return Ipv4View{frame.subspan(l3_off, l3_len)}; }
    ConstIpv4View ipv4(ConstBytes frame) const noexcept { return ConstIpv4View{frame.subspan(l3_off, l3_len)}; }
    Bytes l4(Bytes frame) const noexcept { return frame.subspan(l4_off, l4_len); }
    ConstBytes l4(ConstBytes frame) const noexcept { return frame.subspan(l4_off, l4_len); }
    TcpView tcp(Bytes frame) const noexcept { return TcpView{checked_l4(frame, kIpProtoTcp)}; }
    ConstTcpView tcp(ConstBytes frame) const noexcept { return ConstTcpView{checked_l4(frame, kIpProtoTcp)}; }
    UdpView udp(Bytes frame) const noexcept { return UdpView{checked_l4(frame, kIpProtoUdp)}; }
    ConstUdpView udp(ConstBytes frame) const noexcept { return ConstUdpView{checked_l4(frame, kIpProtoUdp)}; }
    IcmpView icmp(Bytes frame) const noexcept { return IcmpView{checked_l4(frame, kIpProtoIcmp)}; }
    ConstIcmpView icmp(ConstBytes frame) const noexcept { return ConstIcmpView{checked_l4(frame, kIpProtoIcmp)}; }

private:
    template <class B>
    std::span<B> checked_l4(std::span<B> frame, [[maybe_unused]] std::uint8_t proto) const noexcept {
        assert(present && !quoted && l4_parsed && protocol == proto);
        return frame.subspan(l4_off, l4_len);
    }
};

enum class L3Kind : std::uint8_t { arp, ipv4 };

// The outer IPv4 packet is the Ipv4Layer base (for ARP frames only l3_off/l3_len/l3_hdr_len are set there).
struct ParsedFrame : Ipv4Layer {
    L3Kind kind = L3Kind::ipv4;
    std::uint16_t ethertype = 0;  // after the VLAN tag: kEtherTypeIpv4 or kEtherTypeArp
    bool has_vlan = false;
    std::uint16_t vlan_tci = 0;   // PCP, DEI and VID as on the wire
    Ipv4Layer icmp_inner;         // ICMP error: the quoted packet (quoted = true)
    Ipv4Layer icmp_inner_ipip;    // ... when that quote is IP-in-IP: the quoted inner header, best effort
    Ipv4Layer ipip_inner;         // protocol 4: the inner packet

    bool is_arp() const noexcept { return kind == L3Kind::arp; }
    bool is_ipv4() const noexcept { return kind == L3Kind::ipv4; }
    std::uint16_t vlan_id() const noexcept { return vlan_tci & 0x0fff; }

    EthView eth(Bytes frame) const noexcept { return EthView{frame}; }
    ConstEthView eth(ConstBytes frame) const noexcept { return ConstEthView{frame}; }
    ArpView arp(Bytes frame) const noexcept { return ArpView{frame.subspan(l3_off, l3_len)}; }
    ConstArpView arp(ConstBytes frame) const noexcept { return ConstArpView{frame.subspan(l3_off, l3_len)}; }
};

Result<ParsedFrame, DropReason> parse_frame(ConstBytes frame) noexcept;

// The L4 checksum of a parsed TCP/UDP/ICMP packet (the outer one, or ipip_inner) is right. UDP with checksum 0
// (none) is ok. False when there is nothing to verify: not TCP/UDP/ICMP, a fragment, or an ICMP quote.
bool l4_checksum_ok(const Ipv4Layer& layer, ConstBytes frame) noexcept;

}  // namespace tapvs::net
