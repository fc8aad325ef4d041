// LVS-NAT (masq): ip_vs_proto_tcp.c / ip_vs_proto_udp.c {tcp,udp}_{dnat,snat}_handler() and
// ip_vs_nat_icmp(). Checksums are updated incrementally (RFC 1624), except a UDP datagram that
// carried no checksum (0): udp_dnat_handler() only fast-updates when `udph->check != 0`, so such a
// datagram leaves with a full checksum computed over the new addresses.
#include "core/fwd/methods.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::core::fwd {

namespace {
// Rewrites one end of the packet: the destination (to the real server) or the source (back to
// the client). Ports first, then the address in the pseudo header, then the IP header.
void rewrite(net::Bytes ip, bool dst_side, net::Ipv4Addr addr, std::uint16_t port, net::CsumMode mode) noexcept {
    net::Ipv4View iph{ip};
    const net::Ipv4Addr old = dst_side ? iph.dst() : iph.src();
    net::Bytes l4 = iph.payload();
    if (!iph.is_fragment()) {
        if (iph.protocol() == net::kIpProtoTcp && l4.size() >= net::kTcpMinHeaderLen) {
            net::TcpView t{l4};
            if (dst_side) t.set_dport(port, mode);
            else t.set_sport(port, mode);
            t.csum_addr_changed(old, addr, mode);
        } else if (iph.protocol() == net::kIpProtoUdp && l4.size() >= net::kUdpHeaderLen) {
            net::UdpView u{l4.first(std::min<std::size_t>(l4.size(), net::load_be16(l4.data() + 4)))};
            const bool full = mode == net::CsumMode::full && u.checksum() == 0;
            if (dst_side) u.set_dport(port, mode);
            else u.set_sport(port, mode);
            if (full) {
                const net::Ipv4Addr src = dst_side ? iph.src() : addr;
                const net::Ipv4Addr dst = dst_side ? addr : iph.dst();
                u.recompute_checksum(src, dst);  // 0 becomes 0xffff (CSUM_MANGLED_0)
            } else {
                u.csum_addr_changed(old, addr, mode);
            }
        }
    }
    if (dst_side) iph.set_dst(addr);
    else iph.set_src(addr);
}
}  // namespace

net::Bytes Masq::to_real(net::FrameBuf&, net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept {
    rewrite(ip, true, c.daddr, c.dport, x.csum);
    return ip;
}

void Masq::to_client(net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept {
    rewrite(ip, false, c.vaddr, c.vport, x.csum);
}

}  // namespace tapvs::core::fwd

namespace tapvs::core {

void nat_icmp(net::Bytes ip, const Connection& c, bool outbound) noexcept {
    net::Ipv4View iph{ip};
    net::Bytes icmp = iph.payload();
    net::Bytes quoted = icmp.subspan(net::kIcmpHeaderLen);
    net::Ipv4View ciph{quoted};
    if (outbound) {
        iph.set_src(c.vaddr);
        ciph.set_dst(c.vaddr);
    } else {
        iph.set_dst(c.daddr);
        ciph.set_src(c.daddr);
    }
    ciph.recompute_checksum();  // ip_send_check(ciph)
    const std::uint8_t proto = ciph.protocol();
    if ((proto == net::kIpProtoTcp || proto == net::kIpProtoUdp) && quoted.size() >= ciph.header_len() + 4) {
        std::uint8_t* ports = quoted.data() + ciph.header_len();
        if (outbound) net::store_be16(ports + 2, c.vport);
        else net::store_be16(ports, c.dport);
    }
    net::IcmpView{icmp}.recompute_checksum();
}

}  // namespace tapvs::core
