// LVS-TUN (tunnel): ip_vs_tunnel_xmit() + ip_vs_prepare_tunneled_skb(). An outer IPv4 header,
// protocol 4 (IPIP), from the director to the real server, in front of the unchanged packet.
#include <algorithm>

#include "core/fwd/methods.hpp"
#include "tapvs/net/headers.hpp"

namespace tapvs::core::fwd {

namespace {
constexpr std::uint8_t kEcnMask = 3;
constexpr std::uint8_t kEcnCe = 3;
constexpr std::uint8_t kEcnEct0 = 2;
// INET_ECN_encapsulate(outer, inner) with outer = inner's dsfield: the DSCP is copied, and the
// ECN bits too, except that CE becomes ECT(0).
std::uint8_t ecn_encapsulate(std::uint8_t tos) noexcept {
    const std::uint8_t inner_ecn = tos & kEcnMask;
    return static_cast<std::uint8_t>((tos & ~kEcnMask) | (inner_ecn == kEcnCe ? kEcnEct0 : inner_ecn));
}
}  // namespace

net::Bytes Tunnel::to_real(net::FrameBuf& buf, net::Bytes ip, const Connection& c, const XmitInfo& x) const noexcept {
    // The packet sits inside buf; the outer header goes right before it, using headroom if the
    // bytes before the packet (its old link-layer header) are fewer than 20.
    std::uint8_t* start = ip.data();
    std::size_t before = static_cast<std::size_t>(start - buf.data());
    if (before < kOuterLen) {
        const auto need = static_cast<std::ptrdiff_t>(kOuterLen - before);
        if (!buf.adjust_front(-need)) return {};
    }
    std::uint8_t* outer = start - kOuterLen;
    const net::ConstIpv4View inner{net::ConstBytes{ip.data(), ip.size()}};
    const std::uint8_t tos = ecn_encapsulate(inner.tos());
    const bool df = x.pmtu_disc && inner.df();
    const std::uint8_t ttl = inner.ttl();
    const auto total = static_cast<std::uint16_t>(ip.size() + kOuterLen);

    std::fill(outer, outer + kOuterLen, std::uint8_t{0});
    outer[0] = 0x45;  // version 4, ihl 5
    outer[1] = tos;
    net::store_be16(outer + 2, total);
    // ip_select_ident() runs before ignore_df is set: a DF outer header gets id 0.
    net::store_be16(outer + 4, df ? 0 : x.ip_id);
    net::store_be16(outer + 6, df ? 0x4000 : 0);
    outer[8] = ttl;
    outer[9] = net::kIpProtoIpip;
    net::store_be32(outer + 12, x.outer_src.host_order);
    net::store_be32(outer + 16, c.daddr.host_order);
    net::Ipv4View{net::Bytes{outer, total}}.recompute_checksum();
    return net::Bytes{outer, total};
}

}  // namespace tapvs::core::fwd
