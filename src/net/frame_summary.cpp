#include "tapvs/net/frame_summary.hpp"

#include <algorithm>

#include "tapvs/net/headers.hpp"

namespace tapvs::net {

PacketSummary summarize(const Ipv4Layer& l, ConstBytes frame) noexcept {
    PacketSummary s;
    if (!l.present) return s;
    s.present = true;
    s.quoted = l.quoted;
    s.protocol = l.protocol;
    s.src = l.src, s.dst = l.dst;
    s.ports = l.l4_parsed && (l.protocol == kIpProtoTcp || l.protocol == kIpProtoUdp);
    s.sport = l.sport, s.dport = l.dport;
    s.fragment = l.is_fragment;
    s.ip_id = l.ipv4(frame).id();
    // What of the L4 header lies inside the packet (a quote holds only its first bytes).
    const std::size_t l3_end = std::min<std::size_t>(frame.size(), std::size_t{l.l3_off} + l.l3_len);
    const auto has = [&](std::size_t n) { return l.l4_parsed && std::size_t{l.l4_off} + n <= l3_end; };
    if (l.protocol == kIpProtoTcp && has(14)) {
        s.has_tcp_flags = true;
        s.tcp_flags = frame[l.l4_off + 13];
    }
    if (l.protocol == kIpProtoIcmp && has(2)) {
        s.has_icmp_type = true;
        s.icmp_type = frame[l.l4_off];
        s.icmp_code = frame[l.l4_off + 1];
    }
    if (l.is_tcp() && !l.quoted) {
        const ConstTcpView tcp = l.tcp(frame);
        s.seq = tcp.seq(), s.ack = tcp.ack_seq();
        s.payload = static_cast<std::uint32_t>(l.l4_len - std::min<std::size_t>(l.l4_len, tcp.header_len()));
    } else if (l.is_udp()) {
        s.payload = l.l4_len >= kUdpHeaderLen ? l.l4_len - static_cast<std::uint32_t>(kUdpHeaderLen) : 0;
    } else {
        s.payload = l.l4_len;
    }
    return s;
}

FrameSummary summarize(ConstBytes frame, const ParsedFrame* pf) noexcept {
    FrameSummary s;
    s.len = frame.size();
    if (frame.size() < kEthHeaderLen) return s;
    const ConstEthView eth{frame};
    s.has_eth = true;
    s.src_mac = eth.src(), s.dst_mac = eth.dst();
    s.ethertype = eth.ethertype();
    if (!pf) return s;
    s.parsed = true;
    s.has_vlan = pf->has_vlan;
    s.vlan_id = pf->vlan_id();
    if (pf->is_arp()) {
        const ConstArpView a = pf->arp(frame);
        s.arp = true;
        s.arp_op = a.op();
        s.arp_sha = a.sha(), s.arp_tha = a.tha();
        s.arp_spa = a.spa(), s.arp_tpa = a.tpa();
        return s;
    }
    s.ip = summarize(static_cast<const Ipv4Layer&>(*pf), frame);
    s.inner = summarize(pf->ipip_inner, frame);  // present for protocol 4 only
    s.quote = summarize(pf->icmp_inner, frame);
    if (s.quote.present) s.quote_inner = summarize(pf->icmp_inner_ipip, frame);
    return s;
}

FrameSummary summarize(ConstBytes frame) noexcept {
    const auto pf = parse_frame(frame);
    return summarize(frame, pf ? &*pf : nullptr);
}

}  // namespace tapvs::net
