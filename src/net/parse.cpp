#include "tapvs/net/parse.hpp"

#include <algorithm>
#include <optional>

namespace tapvs::net {

namespace {

using R = Result<ParsedFrame, DropReason>;

// Records the IPv4 header fields of a validated view into `l` (offsets relative to the frame).
void record_ipv4(Ipv4Layer& l, ConstIpv4View ip, std::size_t l3_off, std::size_t l3_len) noexcept {
    l.present = true;
    l.protocol = ip.protocol();
    l.is_fragment = ip.is_fragment();
    l.more_fragments = ip.mf();
    l.frag_offset = ip.frag_offset();
    l.l3_off = static_cast<std::uint32_t>(l3_off);
    l.l3_hdr_len = static_cast<std::uint32_t>(ip.header_len());
    l.l3_len = static_cast<std::uint32_t>(l3_len);
    l.l4_off = static_cast<std::uint32_t>(l3_off + ip.header_len());
    l.l4_len = static_cast<std::uint32_t>(l3_len - ip.header_len());
    l.src = ip.src();
    l.dst = ip.dst();
}

// TCP / UDP / ICMP header checks of a complete (not quoted, not fragmented) packet. Other protocols are left
// unparsed (l4_parsed = false), for the engine to judge. Returns the drop reason, if any.
// tcp_v4_rcv(): th->doff < sizeof(struct tcphdr) / 4 -> bad packet; pskb_may_pull(th->doff * 4).
// __udp4_lib_rcv(): ulen > skb->len or ulen < sizeof(*uh) -> short packet. icmp_rcv(): pskb_pull(8).
std::optional<DropReason> parse_l4(Ipv4Layer& l, ConstBytes frame) noexcept {
    const ConstBytes seg = frame.subspan(l.l4_off, l.l4_len);
    switch (l.protocol) {
        case kIpProtoTcp: {
            auto tcp = ConstTcpView::parse(seg);
            if (!tcp) return tcp.error();
            l.sport = tcp->sport();
            l.dport = tcp->dport();
            break;
        }
        case kIpProtoUdp: {
            auto udp = ConstUdpView::parse(seg);
            if (!udp) return udp.error();
            l.sport = udp->sport();
            l.dport = udp->dport();
            l.l4_len = udp->length();
            break;
        }
        case kIpProtoIcmp: {
            auto icmp = ConstIcmpView::parse(seg);
            if (!icmp) return icmp.error();
            break;
        }
        default: return std::nullopt;
    }
    l.l4_parsed = true;
    return std::nullopt;
}

// A quoted IPv4 header (ICMP error payload): version, ihl and the header present; total length and checksum
// are not checked (the quote is usually truncated). When the quoted packet is the first fragment of TCP, UDP or
// ICMP, its first 8 bytes (ports, echo id) must be there. Returns false when malformed.
bool parse_quote(Ipv4Layer& l, ConstBytes frame, std::size_t off, bool require_l4) noexcept {
    const ConstBytes q = frame.subspan(off);
    if (q.size() < kIpv4MinHeaderLen || (q[0] >> 4) != 4) return false;
    const std::size_t hl = std::size_t{q[0] & 0x0fu} * 4;
    if (hl < kIpv4MinHeaderLen || hl > q.size()) return false;
    const ConstIpv4View ip{q};
    std::size_t len = q.size();
    if (ip.total_len() >= hl) len = std::min<std::size_t>(len, ip.total_len());
    record_ipv4(l, ip, off, len);
    l.quoted = true;
    const bool has_l4_header = ip.frag_offset() == 0 && (l.protocol == kIpProtoTcp || l.protocol == kIpProtoUdp ||
                                                         l.protocol == kIpProtoIcmp);
    if (!has_l4_header) return true;
    if (l.l4_len < 8) return !require_l4;
    l.l4_parsed = true;
    if (l.protocol != kIpProtoIcmp) {
        l.sport = load_be16(frame.data() + l.l4_off);
        l.dport = load_be16(frame.data() + l.l4_off + 2);
    }
    return true;
}

R parse_ipv4(ParsedFrame& pf, ConstBytes frame) noexcept {
    auto ip = ConstIpv4View::parse(frame.subspan(pf.l3_off));
    if (!ip) return Err{ip.error()};
    record_ipv4(pf, *ip, pf.l3_off, ip->total_len());
    if (pf.is_fragment) return pf;  // flagged; the caller decides (no L4 in a fragment)

    if (pf.protocol == kIpProtoIpip) {
        // The inner packet must be a whole IPv4 packet, checked as ip_rcv_core() would after decapsulation.
        auto inner = ConstIpv4View::parse(frame.subspan(pf.l4_off, pf.l4_len));
        if (!inner) return Err{DropReason::ipip_inner_malformed};
        record_ipv4(pf.ipip_inner, *inner, pf.l4_off, inner->total_len());
        pf.l4_parsed = true;
        if (!pf.ipip_inner.is_fragment && parse_l4(pf.ipip_inner, frame))
            return Err{DropReason::ipip_inner_malformed};
        return pf;
    }

    if (const auto r = parse_l4(pf, frame)) return Err{*r};

    if (pf.protocol == kIpProtoIcmp && icmp_is_error(frame[pf.l4_off])) {
        const std::size_t quote_off = pf.l4_off + kIcmpHeaderLen;
        if (!parse_quote(pf.icmp_inner, frame.first(pf.l4_off + pf.l4_len), quote_off, true))
            return Err{DropReason::icmp_inner_malformed};
        // ip_vs_in_icmp(): an error about our IPIP packet quotes the outer header, then the inner one.
        if (pf.icmp_inner.protocol == kIpProtoIpip && pf.icmp_inner.frag_offset == 0) {
            Ipv4Layer nested;
            if (parse_quote(nested, frame.first(pf.l4_off + pf.l4_len), pf.icmp_inner.l4_off, false))
                pf.icmp_inner_ipip = nested;
        }
    }
    return pf;
}

}  // namespace

Result<ParsedFrame, DropReason> parse_frame(ConstBytes frame) noexcept {
    ParsedFrame pf;
    if (frame.size() < kEthHeaderLen) return Err{DropReason::eth_too_short};
    std::size_t off = kEthHeaderLen;
    std::uint16_t type = load_be16(frame.data() + 12);
    if (type == kEtherTypeVlan) {
        if (frame.size() < kEthHeaderLen + kVlanTagLen) return Err{DropReason::vlan_too_short};
        pf.has_vlan = true;
        pf.vlan_tci = load_be16(frame.data() + 14);
        type = load_be16(frame.data() + 16);
        off += kVlanTagLen;
    }
    pf.ethertype = type;
    pf.l3_off = static_cast<std::uint32_t>(off);
    switch (type) {
        case kEtherTypeIpv4: pf.kind = L3Kind::ipv4; return parse_ipv4(pf, frame);
        case kEtherTypeArp: {
            auto arp = ConstArpView::parse(frame.subspan(off));
            if (!arp) return Err{arp.error()};
            pf.kind = L3Kind::arp;
            pf.l3_hdr_len = static_cast<std::uint32_t>(kArpEthIpv4Len);
            pf.l3_len = static_cast<std::uint32_t>(kArpEthIpv4Len);
            return pf;
        }
        case kEtherTypeIpv6: return Err{DropReason::ipv6_unsupported};
        default: return Err{DropReason::ethertype_unsupported};  // incl. a second tag, QinQ, 802.3 lengths
    }
}

bool l4_checksum_ok(const Ipv4Layer& l, ConstBytes frame) noexcept {
    if (!l.present || l.quoted || l.is_fragment || !l.l4_parsed) return false;
    const ConstBytes seg = frame.subspan(l.l4_off, l.l4_len);
    switch (l.protocol) {
        case kIpProtoTcp: return tcp_checksum_ok(l.src, l.dst, seg);
        case kIpProtoUdp: return udp_checksum_ok(l.src, l.dst, seg);
        case kIpProtoIcmp: return icmp_checksum_ok(seg);
        default: return false;
    }
}

}  // namespace tapvs::net
